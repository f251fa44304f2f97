package queries

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/sample"
	"github.com/zhuqi/zhuqi/store"
)

// answers are what a query session says about the sample: metrics by every dimension for
// a month, a quarter and the year, the three rankings and the flags.
type answers struct {
	Metrics map[string][]MetricsRow
	Ranks   map[string]*Ranking
	Flags   []Flag
}

func ask(t *testing.T, q *Q) answers {
	t.Helper()
	ctx := context.Background()
	a := answers{Metrics: map[string][]MetricsRow{}, Ranks: map[string]*Ranking{}}
	for _, label := range []string{"2026-09", "2026-Q3", "2026"} {
		p, err := q.Period(label)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range append([]string{""}, Dimensions...) {
			var by []string
			if d != "" {
				by = []string{d}
			}
			rows, err := q.Metrics(ctx, p, by)
			if err != nil {
				t.Fatal(err)
			}
			a.Metrics[label+"/"+d] = rows
		}
		for _, kind := range []string{Departments, Regions, Cadres} {
			rk, err := q.Rank(ctx, kind, p)
			if err != nil {
				t.Fatal(err)
			}
			a.Ranks[label+"/"+kind] = rk
		}
	}
	flags, err := q.Flags(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Flags = flags
	return a
}

// sameAnswers fails unless a session reading the stored timing columns and one computing
// them from the calendar give identical answers, on the whole sample.
func sameAnswers(t *testing.T, store *store.Store, cfg *zhuqi.Config) {
	t.Helper()
	want := compareStored(t, store, cfg)
	if len(want.Flags) == 0 || len(want.Metrics["2026/month"]) < 10 {
		t.Fatalf("the sample is too thin to compare: %d flags, %d months", len(want.Flags), len(want.Metrics["2026/month"]))
	}
}

// compareStored fails unless the stored and the computed timing give identical answers,
// and returns them.
func compareStored(t *testing.T, store *store.Store, cfg *zhuqi.Config) answers {
	t.Helper()
	ctx := context.Background()
	stored, err := Open(ctx, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	if !stored.stored {
		t.Fatal("the session does not read the stored timing columns after an ingest with its own configuration")
	}
	computed, err := Open(ctx, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer computed.Close()
	computed.stored = false
	got, want := ask(t, stored), ask(t, computed)
	for k := range want.Metrics {
		if !reflect.DeepEqual(got.Metrics[k], want.Metrics[k]) {
			t.Errorf("metrics %s: stored timing gives\n%+v\ncomputed gives\n%+v", k, got.Metrics[k], want.Metrics[k])
		}
	}
	for k := range want.Ranks {
		if !reflect.DeepEqual(got.Ranks[k], want.Ranks[k]) {
			t.Errorf("ranking %s differs between stored and computed timing", k)
		}
	}
	if !reflect.DeepEqual(got.Flags, want.Flags) {
		t.Errorf("flags differ between stored and computed timing:\n%+v\n%+v", got.Flags, want.Flags)
	}
	return want
}

// Times with fractions of a second count in whole working seconds either way: a ticket
// answered 3 working days and half a second late is red (at most 3 days late) in both.
func TestStoredTiming_FractionsOfASecond(t *testing.T) {
	f := newFixture(t)
	f.tickets("2026-11-01 00:00", []tk{
		{id: "F1", enterprise: "甲公司", region: "城区", department: "发改委", category: "融资",
			created: "2026-09-07 09:00:00.25", deadline: "2026-09-08 17:00:00.5", responded: "2026-09-11 17:00:00.75",
			status: "responded", satisfaction: "unrated"},
		{id: "F2", enterprise: "乙公司", region: "城区", department: "发改委", category: "融资",
			created: "2026-09-07 09:00:00.5", assigned: "2026-09-07 10:00:00.25", responded: "2026-09-09 10:00:00.5",
			resolved: "2026-09-10 11:30:00.75", status: "resolved", outcome: "resolved", satisfaction: "satisfied"},
	})
	a := compareStored(t, f.store, f.cfg)
	m := a.Metrics["2026-09/"][0]
	if m.Red != 1 || m.Black != 0 {
		t.Fatalf("red %d, black %d; want F1 red (answered 3 working days late, to the second)", m.Red, m.Black)
	}
	// F1 answers in 4 d 8 h, F2 in 2 d 1 h of working time, fractions dropped: the median is
	// (374400 + 176400) / 2 s = 3.1875 working days.
	near(t, "answer days median", m.AnswerDaysMedian, 3.1875)
}

// The timing columns stored at ingest (pipeline/sql/timing.sql) give exactly the answers
// the calendar lookups of facts.sql give; after a configuration change the sessions of the
// new configuration compute them until an ingest under it stores them again.
func TestStoredTiming_SameAnswers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sum, err := sample.Generate(ctx, sample.Options{Out: dir, Tickets: 6000, Messy: true, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	store, err := store.Open(ctx, dir+"/zhuqi.duckdb")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := zhuqi.Default()
	var tickets []sample.FileSummary
	for _, f := range sum.Files {
		if f.Kind == "tickets" && f.Format == "csv" {
			tickets = append(tickets, f)
		}
	}
	if len(tickets) < 2 {
		t.Fatalf("want two ticket snapshots, got %d", len(tickets))
	}
	ingest := func(f sample.FileSummary, cfg *zhuqi.Config) {
		t.Helper()
		if _, err := pipeline.Ingest(ctx, store, cfg, f.Path, pipeline.Options{Kind: zhuqi.KindTickets, AsOf: f.AsOf}); err != nil {
			t.Fatal(err)
		}
	}
	ingest(tickets[0], cfg)
	ingest(tickets[1], cfg)
	sameAnswers(t, store, cfg)

	// A new official holiday and a make-up day in the sample's months: every deadline
	// after them moves.
	changed := zhuqi.Default()
	changed.Calendar.Holidays = append(changed.Calendar.Holidays, zhuqi.Holiday{Name: "测试假日", From: "2026-09-15", To: "2026-09-16"})
	changed.Calendar.Workdays = append(changed.Calendar.Workdays, zhuqi.Workday{Name: "测试假日", Date: "2026-09-19"})
	q, err := Open(ctx, store, changed)
	if err != nil {
		t.Fatal(err)
	}
	stale := q.stored
	q.Close()
	if stale {
		t.Fatal("a session with another calendar reads timing stored with the old one")
	}
	// Any ingest under the new configuration brings every current version up to date: here
	// a next-day export with one ticket, unchanged.
	lines, err := os.ReadFile(tickets[1].Path)
	if err != nil {
		t.Fatal(err)
	}
	head := strings.SplitAfterN(string(lines), "\n", 3)
	next := sample.FileSummary{Path: filepath.Join(dir, "tickets_next.csv"), AsOf: tickets[1].AsOf.AddDate(0, 0, 1)}
	if err := os.WriteFile(next.Path, []byte(head[0]+head[1]), 0o644); err != nil {
		t.Fatal(err)
	}
	ingest(next, changed)
	sameAnswers(t, store, changed)
	var old int64
	if err := store.DB.QueryRow(`SELECT count(*) FROM ticket_versions WHERE timing_key IS DISTINCT FROM
		(SELECT timing_key FROM ticket_versions WHERE is_current LIMIT 1)`).Scan(&old); err != nil || old != 0 {
		t.Fatalf("versions with another timing key: %d (%v)", old, err)
	}

	// Back to the default configuration without a new export: RefreshTiming recomputes
	// every version once (earlier snapshots are judged with them too), and a second call
	// finds nothing to do.
	var all int64
	if err := store.DB.QueryRow(`SELECT count(*) FROM ticket_versions`).Scan(&all); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int64{all, 0} {
		n, err := pipeline.RefreshTiming(ctx, store, cfg)
		if err != nil || n != want {
			t.Fatalf("RefreshTiming: %d versions (%v), want %d", n, err, want)
		}
	}
	sameAnswers(t, store, cfg)
}

// The store's WriteCalendar, with the macros of MacroSQL, writes the calendar table and
// the ad-hoc macros only when they would change: a second call with the same configuration leaves the database alone (here: a
// macro dropped in between stays dropped), a changed calendar writes both again.
func TestWriteCalendar_OnlyWhenChanged(t *testing.T) {
	f := newFixture(t)
	f.tickets("2026-11-01 00:00", []tk{{id: "A1", enterprise: "甲公司", region: "城区", department: "发改委", category: "融资",
		created: "2026-10-09 10:00", status: "resolved", outcome: "resolved", satisfaction: "satisfied", resolved: "2026-10-12 10:00"}})
	ctx := context.Background()
	macro := func() bool { return hasMacro(t, f.store, "metrics") }
	if err := writeCalendar(ctx, f.store, f.cfg); err != nil {
		t.Fatal(err)
	}
	if !macro() {
		t.Fatal("WriteCalendar did not create the metrics macro")
	}
	if _, err := f.store.DB.Exec(`DROP MACRO TABLE metrics`); err != nil {
		t.Fatal(err)
	}
	if err := writeCalendar(ctx, f.store, f.cfg); err != nil {
		t.Fatal(err)
	}
	if macro() {
		t.Fatal("WriteCalendar wrote again with an unchanged configuration")
	}
	changed := *f.cfg
	changed.Calendar.Holidays = append(append([]zhuqi.Holiday(nil), f.cfg.Calendar.Holidays...), zhuqi.Holiday{Name: "测试假日", From: "2026-10-14", To: "2026-10-14"})
	if err := writeCalendar(ctx, f.store, &changed); err != nil {
		t.Fatal(err)
	}
	var kind string
	if err := f.store.DB.QueryRow(`SELECT kind FROM calendar WHERE date = DATE '2026-10-14'`).Scan(&kind); err != nil || kind != "holiday" {
		t.Fatalf("2026-10-14 after adding a holiday: %q (%v)", kind, err)
	}
	if !macro() {
		t.Fatal("a changed calendar did not write the macros again")
	}
}

// The macros of MacroSQL on a new database, written before its first tickets (as zhuqi
// ingest does while they load), are those WriteCalendar writes after them: it finds them
// written.
func TestWriteMacros_BeforeTheTickets(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := writeMacros(ctx, f.store, f.cfg); err != nil {
		t.Fatal(err)
	}
	if !hasMacro(t, f.store, "metrics") {
		t.Fatal("WriteMacros did not create the metrics macro")
	}
	if _, err := f.store.DB.Exec(`DROP MACRO TABLE metrics`); err != nil {
		t.Fatal(err)
	}
	f.tickets("2026-11-01 00:00", []tk{{id: "A1", enterprise: "甲公司", region: "城区", department: "发改委", category: "融资",
		created: "2026-10-09 10:00", status: "resolved", outcome: "resolved", satisfaction: "satisfied", resolved: "2026-10-12 10:00"}})
	if err := writeCalendar(ctx, f.store, f.cfg); err != nil {
		t.Fatal(err)
	}
	if hasMacro(t, f.store, "metrics") {
		t.Fatal("WriteCalendar wrote the macros again: WriteMacros before the tickets wrote others")
	}
	var days int
	if err := f.store.DB.QueryRow(`SELECT count(*) FROM calendar WHERE date = DATE '2026-10-09'`).Scan(&days); err != nil || days != 1 {
		t.Fatalf("calendar rows for 2026-10-09: %d (%v), want 1", days, err)
	}
}

func hasMacro(t *testing.T, s *store.Store, name string) bool {
	t.Helper()
	var n int
	if err := s.DB.QueryRow(`SELECT count(*) FROM duckdb_functions() WHERE function_name = ? AND NOT internal`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// A ticket ingest that did not store timing (a zhuqi from before the timing columns,
// still running against the upgraded database) makes sessions compute it again, until
// the timing is refreshed.
func TestStoredTiming_IngestWithoutTiming(t *testing.T) {
	f := newFixture(t)
	f.tickets("2026-11-01 00:00", []tk{{id: "A1", enterprise: "甲公司", region: "城区", department: "发改委", category: "融资",
		created: "2026-10-09 10:00", status: "resolved", outcome: "resolved", satisfaction: "satisfied", resolved: "2026-10-12 10:00"}})
	stored := func() bool {
		q := f.open()
		defer q.Close()
		return q.stored
	}
	if !stored() {
		t.Fatal("a session after a normal ingest does not read the stored timing")
	}
	if _, err := f.store.DB.Exec(`INSERT INTO ingests SELECT * REPLACE (ingest_id + 100 AS ingest_id, sha256 || '-old' AS sha256)
		FROM ingests WHERE kind = 'tickets'`); err != nil {
		t.Fatal(err)
	}
	if stored() {
		t.Fatal("a session reads stored timing that a later ingest did not write")
	}
	if _, err := pipeline.RefreshTiming(context.Background(), f.store, f.cfg); err != nil {
		t.Fatal(err)
	}
	if !stored() {
		t.Fatal("RefreshTiming did not bring the stored timing up to date")
	}
}

// writeCalendar writes the calendar and the ad-hoc macros of cfg, as zhuqi does after an
// ingest.
func writeCalendar(ctx context.Context, st *store.Store, cfg *zhuqi.Config) error {
	macros, err := MacroSQL(ctx, st.DB, cfg, false)
	if err != nil {
		return err
	}
	return pipeline.WriteCalendar(ctx, st, cfg, macros)
}

// writeMacros writes the ad-hoc macros of cfg, as zhuqi ingest does on a new database.
func writeMacros(ctx context.Context, st *store.Store, cfg *zhuqi.Config) error {
	macros, err := MacroSQL(ctx, st.DB, cfg, false)
	if err != nil {
		return err
	}
	return pipeline.WriteMacros(ctx, st, macros)
}
