package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		sub, name string
		want      zhuqi.Kind
	}{
		{"", "tickets_2026-10-31.csv", zhuqi.KindTickets},
		{"", "诉求台账.xlsx", ""},
		{"", "targets_2026.csv", zhuqi.KindTargets},
		{"", "Actuals-2026-10.xlsx", zhuqi.KindActuals},
		{"", "targetsheet.csv", ""},
		{"deductions", "十月扣分.csv", zhuqi.KindDeductions},
		{"benchmarks", "targets_x.csv", zhuqi.KindBenchmarks},
	} {
		if got := kindOf(c.sub, c.name); got != c.want {
			t.Errorf("%s/%s: %s, want %s", c.sub, c.name, got, c.want)
		}
	}
}

func (te *testEnv) ingestInbox(t *testing.T) []string {
	t.Helper()
	st, err := store.Open(context.Background(), te.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	outs, err := te.Inbox.Ingest(context.Background(), st, te.Config)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// TestInbox_HalfWrittenFile: a file still open for writing, or still growing, is left
// alone; once complete it is ingested, once, and archived.
func TestInbox_HalfWrittenFile(t *testing.T) {
	te := newTestEnv(t, at("2026-11-03 08:15"))
	sum := sampleFiles(t, filepath.Join(te.dir, "sample"), 600)
	src := sum.Files[1] // the 31 October snapshot
	data, err := os.ReadFile(src.Path)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(te.Inbox.Dir, "tickets", filepath.Base(src.Path))
	os.MkdirAll(filepath.Dir(dst), 0o755)
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	half := len(data) / 2
	f.Write(data[:half])

	t.Run("OpenForWriting", func(t *testing.T) {
		if outs := te.ingestInbox(t); len(outs) != 0 {
			t.Fatalf("ingested a file open for writing: %v", outs)
		}
		if !strings.Contains(te.logs.String(), "open for writing") {
			t.Errorf("log: %s", te.logs)
		}
	})
	t.Run("StillGrowing", func(t *testing.T) {
		te.Inbox.Writing = nil // as if the writer's process could not be seen
		sleep := te.Inbox.Sleep
		// The writer goes on while the inbox waits between its two looks.
		te.Inbox.Sleep = func(ctx context.Context, d time.Duration) error {
			f.Write(data[half : half+len(data)/4])
			return sleep(ctx, d)
		}
		outs := te.ingestInbox(t)
		te.Inbox.Sleep = sleep
		if len(outs) != 0 {
			t.Fatalf("ingested a growing file: %v", outs)
		}
		if !strings.Contains(te.logs.String(), "still changing") {
			t.Errorf("log: %s", te.logs)
		}
	})
	f.Write(data[half+len(data)/4:])
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	te.Inbox.Writing = OpenForWriting
	te.Inbox.Settle = 50 * time.Millisecond
	outs := te.ingestInbox(t)
	if len(outs) != 1 || !strings.Contains(outs[0], "archive/2026-11-03/"+filepath.Base(src.Path)) {
		t.Fatalf("outputs %v", outs)
	}
	var tickets, ingests int64
	te.query(t, `SELECT count(*) FROM tickets`, &tickets)
	te.query(t, `SELECT count(*) FROM ingests`, &ingests)
	if tickets != src.Rows || ingests != 1 {
		t.Errorf("%d tickets from %d ingests, want %d from 1", tickets, ingests, src.Rows)
	}
	if outs := te.ingestInbox(t); len(outs) != 0 {
		t.Errorf("second pass: %v", outs)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Errorf("still in the inbox: %v", err)
	}
}

// TestInbox_FailedAndAlreadyIngested: an unreadable file goes to failed/ with its reason;
// a file whose SHA-256 was ingested before (left behind by a crash between the commit and
// the move) is archived without loading it again.
func TestInbox_FailedAndAlreadyIngested(t *testing.T) {
	te := newTestEnv(t, at("2026-11-03 08:15"))
	os.MkdirAll(te.Inbox.Dir, 0o755)
	bad := filepath.Join(te.Inbox.Dir, "tickets_bad.csv")
	os.WriteFile(bad, []byte("诉求编号,县市区\nA1,奎文区\n"), 0o644)
	targets := filepath.Join(te.Inbox.Dir, "targets_2026.csv")
	os.WriteFile(targets, []byte("entity_type,entity,metric,year,target,unit\nregion,奎文区,revenue,2026,100,万元\n"), 0o644)
	os.WriteFile(filepath.Join(te.Inbox.Dir, ".hidden.csv"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(te.Inbox.Dir, "download.csv.part"), []byte("x"), 0o644)

	outs := te.ingestInbox(t)
	if len(outs) != 2 {
		t.Fatalf("outputs %v", outs)
	}
	reason, err := os.ReadFile(filepath.Join(te.Inbox.Dir, "failed", "2026-11-03", "tickets_bad.csv.reason"))
	if err != nil || !strings.Contains(string(reason), "enterprise") {
		t.Errorf("reason %q, %v", reason, err)
	}
	var n int
	te.query(t, `SELECT count(*) FROM target_rows`, &n)
	if n != 1 {
		t.Errorf("%d target rows", n)
	}
	// The same targets file again, as if the move had not happened.
	data, _ := os.ReadFile(filepath.Join(te.Inbox.Dir, "archive", "2026-11-03", "targets_2026.csv"))
	os.WriteFile(targets, data, 0o644)
	outs = te.ingestInbox(t)
	if len(outs) != 1 || !strings.Contains(outs[0], "already ingested") || !strings.Contains(outs[0], "targets_2026-2.csv") {
		t.Errorf("outputs %v", outs)
	}
	te.query(t, `SELECT count(*) FROM target_rows`, &n)
	if n != 1 {
		t.Errorf("%d target rows after the repeat", n)
	}
	for _, f := range []string{".hidden.csv", "download.csv.part"} {
		if _, err := os.Stat(filepath.Join(te.Inbox.Dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
