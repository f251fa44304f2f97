package queries

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestMacros_PeriodBoundsEqualParsePeriod: the scalar period macros the table macros read
// their bounds from (zq_start_of … zq_prev_end, through zq_period) give the periods of
// ParsePeriod and Period.Previous.
func TestMacros_PeriodBoundsEqualParsePeriod(t *testing.T) {
	f := newFixture(t)
	f.tickets("2026-11-01 00:00", []tk{{id: "X1", enterprise: "企业", region: "任城区", category: "其他",
		created: "2026-10-12 09:00", status: "办理中"}})
	q := f.open()
	ctx := context.Background()
	if err := InstallMacros(ctx, q.conn, f.cfg); err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"2026-10", "2026-01", "2026-W42", "2026-W01", "2021-W01", "2026-Q1", "2026-Q3",
		"2026-H1", "2026-H2", "2026", "2026-10-YTD", "2026-10-03", "2026-03-01", "2026-01-01..2026-03-31", " 2026-09-15..2026-10-14 "} {
		p, err := ParsePeriod(label, time.UTC, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		prev := p.Previous()
		var kind, prevLabel string
		var start, end, prevStart, prevEnd time.Time
		if err := q.conn.QueryRowContext(ctx, `SELECT kind, period_start, period_end, prev_label, prev_start, prev_end FROM zq_period(?)`, label).
			Scan(&kind, &start, &end, &prevLabel, &prevStart, &prevEnd); err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		got := []any{kind, start, end, prevLabel, prevStart, prevEnd}
		want := []any{p.Kind, p.Start, p.End, prev.Label, prev.Start, prev.End}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: zq_period %v, ParsePeriod %v", label, got, want)
				break
			}
		}
	}
	var s string
	if err := q.conn.QueryRowContext(ctx, `SELECT zq_kind('2026-13x')`).Scan(&s); err == nil {
		t.Error("zq_kind('2026-13x'): no error")
	}
}

// TestMacros_LiteralPeriodBoundsAreConstants: for a literal period the table macros read
// the tickets with constant bounds on created_at, as the commands' queries do, instead of
// joining every ticket (with the calendar lists) against subqueries (about 60 s and several
// GB for a year by month on the demo database before; BenchmarkDocsSQL in cmd/zhuqi).
func TestMacros_LiteralPeriodBoundsAreConstants(t *testing.T) {
	f := newFixture(t)
	// Tickets before and after every period below, so that no bound is always true or
	// always false by the column's statistics (DuckDB would drop such a filter).
	var ts []tk
	for i, c := range []string{"2025-10-15 09:00", "2026-06-15 09:00", "2026-09-15 09:00", "2026-10-12 09:00", "2026-12-15 09:00"} {
		ts = append(ts, tk{id: fmt.Sprintf("X%d", i), enterprise: "企业", region: "任城区", category: "其他", created: c, status: "办理中"})
	}
	f.tickets("2027-01-01 00:00", ts)
	q := f.open()
	ctx := context.Background()
	if err := InstallMacros(ctx, q.conn, f.cfg); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, start, end string }{
		{`SELECT * FROM metrics('2026-10')`, "2026-10-01", "2026-11-01"},
		{`SELECT * FROM metrics_by('2025-11-01..2026-10-31', 'month')`, "2025-11-01", "2026-11-01"},
		{`SELECT * FROM ticket_facts('2026-Q3')`, "2026-07-01", "2026-10-01"},
		{`SELECT * FROM department_ranking('2026-10')`, "2026-10-01", "2026-11-01"},
		{`SELECT * FROM department_ranking('2026-10')`, "2026-09-01", "2026-10-01"}, // the previous period
	} {
		var key, plan string
		if err := q.conn.QueryRowContext(ctx, "EXPLAIN (FORMAT json) "+tc.query).Scan(&key, &plan); err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		for _, want := range []string{
			"created_at>='" + tc.start + " 00:00:00'::TIMESTAMP",
			"created_at<'" + tc.end + " 00:00:00'::TIMESTAMP",
		} {
			if !strings.Contains(plan, want) {
				t.Errorf("%s: the plan has no filter %s (the period's bounds are not constants)", tc.query, want)
			}
		}
	}
}
