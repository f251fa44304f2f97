package queries

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/testdb"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/store"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at parses a local time "2006-01-02 15:04".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// ticketHeader is the header of fixture exports; rows follow it.
var ticketHeader = []string{"ticket_id", "enterprise", "region", "department", "cadre", "category",
	"created_at", "assigned_at", "deadline", "responded_at", "resolved_at", "status", "outcome", "satisfaction", "on_site"}

// tk is one fixture ticket, in the header's order.
type tk struct {
	id, enterprise, region, department, cadre, category string
	created, assigned, deadline, responded, resolved    string
	status, outcome, satisfaction, onSite               string
}

func (t tk) record() []string {
	return []string{t.id, t.enterprise, t.region, t.department, t.cadre, t.category,
		t.created, t.assigned, t.deadline, t.responded, t.resolved, t.status, t.outcome, t.satisfaction, t.onSite}
}

// fixture is a real DuckDB file with the exports ingested into it.
type fixture struct {
	tb    testing.TB
	dir   string
	store *store.Store
	cfg   *zhuqi.Config
	n     int
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	dir := tb.TempDir()
	path := filepath.Join(dir, "zhuqi.duckdb")
	testdb.Empty(tb, path)
	s, err := store.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return &fixture{tb: tb, dir: dir, store: s, cfg: zhuqi.Default()}
}

// write writes a CSV file of records under the fixture's folder.
func (f *fixture) write(header []string, rows [][]string) string {
	f.tb.Helper()
	f.n++
	path := filepath.Join(f.dir, "export"+string(rune('a'+f.n))+".csv")
	fh, err := os.Create(path)
	if err != nil {
		f.tb.Fatal(err)
	}
	w := csv.NewWriter(fh)
	w.Write(header)
	w.WriteAll(rows)
	if err := fh.Close(); err != nil {
		f.tb.Fatal(err)
	}
	return path
}

// tickets ingests a snapshot of tickets taken at asOf.
func (f *fixture) tickets(asOf string, ts []tk) {
	f.tb.Helper()
	var rows [][]string
	for _, t := range ts {
		rows = append(rows, t.record())
	}
	f.ingest(f.write(ticketHeader, rows), zhuqi.KindTickets, at(asOf))
}

// facts ingests targets, actuals, benchmarks or deductions.
func (f *fixture) facts(kind zhuqi.Kind, header []string, rows [][]string) {
	f.tb.Helper()
	f.ingest(f.write(header, rows), kind, at("2026-11-01 00:00"))
}

func (f *fixture) ingest(path string, kind zhuqi.Kind, asOf time.Time) {
	f.tb.Helper()
	rep, err := pipeline.Ingest(context.Background(), f.store, f.cfg, path, pipeline.Options{Kind: kind, AsOf: asOf})
	if err != nil {
		f.tb.Fatal(err)
	}
	if rep.Rejected > 0 {
		f.tb.Fatalf("fixture %s: %d rows rejected: %+v", path, rep.Rejected, rep.Rejects)
	}
}

// open starts a query session on the fixture.
func (f *fixture) open() *Q {
	f.tb.Helper()
	q, err := Open(context.Background(), f.store, f.cfg)
	if err != nil {
		f.tb.Fatal(err)
	}
	f.tb.Cleanup(func() { q.Close() })
	return q
}

// publish is what the publishing package does with Prepare when no file is written:
// a new version is recorded in the fixture's store.
func (f *fixture) publish(ctx context.Context, q *Q, p Period, now time.Time) (*Publication, error) {
	pub, err := q.Prepare(ctx, p, now)
	if err != nil || pub.Existing {
		return pub, err
	}
	rec, err := pub.Record(q.Location())
	if err != nil {
		return nil, err
	}
	return pub, f.store.SavePublication(ctx, rec, nil)
}

func (f *fixture) period(q *Q, s string) Period {
	f.tb.Helper()
	p, err := q.Period(s)
	if err != nil {
		f.tb.Fatal(err)
	}
	return p
}

// near compares a nullable figure with a hand-computed one to 1e-9; want nil means NULL.
func near(tb testing.TB, name string, got *float64, want any) {
	tb.Helper()
	switch w := want.(type) {
	case nil:
		if got != nil {
			tb.Errorf("%s = %v, want NULL", name, *got)
		}
	case float64:
		if got == nil {
			tb.Errorf("%s = NULL, want %v", name, w)
		} else if math.IsNaN(*got) || math.Abs(*got-w) > 1e-9 {
			tb.Errorf("%s = %v, want %v", name, *got, w)
		}
	default:
		tb.Fatalf("near: want %T", want)
	}
}

func eq[T comparable](tb testing.TB, name string, got, want T) {
	tb.Helper()
	if got != want {
		tb.Errorf("%s = %v, want %v", name, got, want)
	}
}
