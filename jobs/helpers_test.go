package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/testdb"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
	"github.com/zhuqi/zhuqi/sample"
	"github.com/zhuqi/zhuqi/store"
)

// TestMain doubles as a helper process that holds a database open, for the busy
// database test: ZHUQI_TEST_HOLD=path,milliseconds.
func TestMain(m *testing.M) {
	if hold := os.Getenv("ZHUQI_TEST_HOLD"); hold != "" {
		var path string
		var ms int
		fmt.Sscanf(filepath.Base(hold), "%d", &ms)
		path = filepath.Dir(hold)
		st, err := store.OpenReadOnly(context.Background(), path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Println("held")
		time.Sleep(time.Duration(ms) * time.Millisecond)
		st.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// recorder is a ReportFunc that writes one small file per call and records the calls.
type recorder struct {
	mu    sync.Mutex
	calls []string
	fail  map[string]int // kind/period → failures left
}

func (r *recorder) Report(ctx context.Context, q *queries.Q, kind string, p queries.Period, dir string) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := kind + " " + p.Label
	r.calls = append(r.calls, key)
	if r.fail[key] > 0 {
		r.fail[key]--
		return nil, fmt.Errorf("report %s: the printer is on fire", key)
	}
	// A real query, so that a broken session fails the test: the overdue list is of the
	// flags at the snapshot time, as reports' is; the others are of their period.
	var n int64
	if kind == "overdue" {
		flags, err := q.Flags(ctx, nil)
		if err != nil {
			return nil, err
		}
		n = int64(len(flags))
	} else {
		rows, err := q.Metrics(ctx, p, nil)
		if err != nil {
			return nil, err
		}
		n = rows[0].Collected
	}
	name := kind + "-" + p.Label + ".txt"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(fmt.Sprintf("collected %d\n", n)), 0o644); err != nil {
		return nil, err
	}
	if kind != "ranking" {
		return []string{name}, nil
	}
	// The ranking report writes the publication that the job records with the files
	// once they are delivered (the time of publication is not in the files).
	pub, err := q.Prepare(ctx, p, time.Time{})
	if err != nil {
		return nil, err
	}
	files, err := reports.WritePublication(context.Background(), dir, pub)
	return append(files, name), err
}

type testEnv struct {
	*Env
	dir   string
	clock *clock
	rec   *recorder
	logs  *bytes.Buffer
	waits []time.Duration
}

// newTestEnv is an environment on a fresh database under a temporary folder, with the
// clock at now, sleeps recorded but not slept (except the inbox's settle, which is real
// and short), and the recorder as report writer.
func newTestEnv(t *testing.T, now time.Time) *testEnv {
	t.Helper()
	dir := t.TempDir()
	cfg := zhuqi.Default()
	cfg.Jobs.Inbox = filepath.Join(dir, "inbox")
	cfg.Jobs.Out = filepath.Join(dir, "out")
	cfg.Jobs.Settle = "50ms"
	te := &testEnv{dir: dir, clock: &clock{t: now}, rec: &recorder{fail: map[string]int{}}, logs: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: te.logs}, nil))
	db := filepath.Join(dir, "zhuqi.duckdb")
	testdb.Empty(t, db)
	env, err := NewEnv(cfg, db, log, te.rec.Report)
	if err != nil {
		t.Fatal(err)
	}
	env.Now = te.clock.Now
	var mu sync.Mutex
	env.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		te.waits = append(te.waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	env.Inbox.Sleep = Sleep
	te.Env = env
	return te
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// sampleFiles generates n sample tickets (snapshots at the end of September and October
// 2026) into dir and returns the generator's summary.
func sampleFiles(t *testing.T, dir string, n int) sample.Summary {
	t.Helper()
	sum, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: n, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// ingestSample loads generated tickets into the environment's database.
func (te *testEnv) ingestSample(t *testing.T, n int) {
	t.Helper()
	sum := sampleFiles(t, filepath.Join(te.dir, "sample"), n)
	st, err := store.Open(context.Background(), te.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, f := range sum.Files {
		if f.Kind != "tickets" {
			continue
		}
		if _, err := pipeline.Ingest(context.Background(), st, te.Config, f.Path, pipeline.Options{Kind: zhuqi.KindTickets}); err != nil {
			t.Fatal(err)
		}
	}
}

// query runs a one-value query on the database.
func (te *testEnv) query(t *testing.T, q string, dst any) {
	t.Helper()
	st, err := store.OpenReadOnly(context.Background(), te.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.DB.QueryRow(q).Scan(dst); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
}
