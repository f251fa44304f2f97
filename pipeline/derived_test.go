package pipeline

import (
	"context"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// WriteCalendar writes the calendar table from the first year with official data or
// tickets to the year after the last, and the macros it is given, each only when it would
// change: a second call with the same configuration and macros leaves the database alone
// (a macro dropped in between stays dropped); changed macros or a changed calendar are
// written again.
func TestWriteCalendar_SpanAndOnlyWhenChanged(t *testing.T) {
	s := MustOpenStore(t)
	ctx := context.Background()
	cfg := zhuqi.Default()
	span := func() (string, string, int) {
		t.Helper()
		var lo, hi string
		var n int
		if err := s.DB.QueryRow(`SELECT min(date)::VARCHAR, max(date)::VARCHAR, count(*) FROM calendar`).Scan(&lo, &hi, &n); err != nil {
			t.Fatal(err)
		}
		return lo, hi, n
	}
	macro := func() bool {
		t.Helper()
		var n int
		if err := s.DB.QueryRow(`SELECT count(*) FROM duckdb_functions() WHERE function_name = 'zq_probe' AND NOT internal`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	probe := []string{`CREATE OR REPLACE MACRO zq_probe() AS TABLE SELECT 1 AS x`}

	if err := WriteCalendar(ctx, s.Store, cfg, probe); err != nil {
		t.Fatal(err)
	}
	// The default calendar has official data for 2024–2026.
	if lo, hi, n := span(); lo != "2024-01-01" || hi != "2027-12-31" || n != 1461 {
		t.Fatalf("calendar spans %s to %s (%d days), want 2024-01-01 to 2027-12-31 (1461)", lo, hi, n)
	}
	if !macro() {
		t.Fatal("WriteCalendar did not create the macro it was given")
	}

	// Tickets created before the first year of official data widen the span.
	rows := [][]string{{"T1", "潍坊华星机械有限公司", goodCode, "奎文区", "融资", "2021-03-03 14:05", "", "", "已交办", "", "", "", "", ""}}
	mustIngest(t, s, writeFile(t, t.TempDir(), "tickets.csv", csvBytes(t, messyHeader, rows)), Options{Kind: zhuqi.KindTickets})
	if _, err := s.DB.Exec(`DROP MACRO TABLE zq_probe`); err != nil {
		t.Fatal(err)
	}
	if err := WriteCalendar(ctx, s.Store, cfg, probe); err != nil {
		t.Fatal(err)
	}
	if lo, hi, _ := span(); lo != "2021-01-01" || hi != "2027-12-31" {
		t.Fatalf("calendar with a 2021 ticket spans %s to %s, want 2021-01-01 to 2027-12-31", lo, hi)
	}
	if macro() {
		t.Fatal("WriteCalendar wrote the macros again though they did not change")
	}

	if err := WriteCalendar(ctx, s.Store, cfg, []string{`CREATE OR REPLACE MACRO zq_probe() AS TABLE SELECT 2 AS x`}); err != nil {
		t.Fatal(err)
	}
	if !macro() {
		t.Fatal("changed macros were not written")
	}

	changed := *cfg
	changed.Calendar.Holidays = append(append([]zhuqi.Holiday(nil), cfg.Calendar.Holidays...), zhuqi.Holiday{Name: "测试假日", From: "2026-10-14", To: "2026-10-14"})
	if err := WriteCalendar(ctx, s.Store, &changed, probe); err != nil {
		t.Fatal(err)
	}
	var kind, name string
	if err := s.DB.QueryRow(`SELECT kind, name FROM calendar WHERE date = DATE '2026-10-14'`).Scan(&kind, &name); err != nil || kind != "holiday" || name != "测试假日" {
		t.Fatalf("2026-10-14 after adding a holiday: %q %q (%v)", kind, name, err)
	}
}
