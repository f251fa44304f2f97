package queries

import (
	"strings"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	asOf := at("2026-11-01 00:00").Add(-time.Minute) // 2026-10-31 23:59
	for _, tc := range []struct {
		in, label, kind, start, end string // end exclusive
		prev, lastYear              string
	}{
		{"2026-10", "2026-10", "month", "2026-10-01", "2026-11-01", "2026-09", "2025-10"},
		{"2026-01", "2026-01", "month", "2026-01-01", "2026-02-01", "2025-12", "2025-01"},
		{"2026-W42", "2026-W42", "week", "2026-10-12", "2026-10-19", "2026-W41", "2025-W42"},
		{"2026-w01", "2026-W01", "week", "2025-12-29", "2026-01-05", "2025-W52", "2025-W01"},
		{"2020-W53", "2020-W53", "week", "2020-12-28", "2021-01-04", "2020-W52", "2019-12-28..2020-01-03"},
		{"2026-Q3", "2026-Q3", "quarter", "2026-07-01", "2026-10-01", "2026-Q2", "2025-Q3"},
		{"2026-Q1", "2026-Q1", "quarter", "2026-01-01", "2026-04-01", "2025-Q4", "2025-Q1"},
		{"2026-H1", "2026-H1", "half", "2026-01-01", "2026-07-01", "2025-H2", "2025-H1"},
		{"2026", "2026", "year", "2026-01-01", "2027-01-01", "2025", "2025"},
		{"2026-YTD", "2026-YTD", "ytd", "2026-01-01", "2026-11-01", "2025-10-YTD", "2025-10-YTD"},
		{"2026-09-ytd", "2026-09-YTD", "ytd", "2026-01-01", "2026-10-01", "2025-09-YTD", "2025-09-YTD"},
		{"2026-10-03", "2026-10-03", "day", "2026-10-03", "2026-10-04", "2026-10-02", "2025-10-03"},
		{"2026-01-01..2026-03-31", "2026-01-01..2026-03-31", "range", "2026-01-01", "2026-04-01", "2025-10-03..2025-12-31", "2025-01-01..2025-03-31"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParsePeriod(tc.in, shanghai, asOf)
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "label", p.Label, tc.label)
			eq(t, "kind", p.Kind, tc.kind)
			eq(t, "start", p.Start.Format("2006-01-02"), tc.start)
			eq(t, "end", p.End.Format("2006-01-02"), tc.end)
			eq(t, "start hour", p.Start.Format("15:04 MST"), "00:00 CST")
			eq(t, "previous", p.Previous().Label, tc.prev)
			eq(t, "last year", p.LastYear().Label, tc.lastYear)
		})
	}
}

func TestParsePeriodErr(t *testing.T) {
	for _, in := range []string{"", "2026-13", "2026-W54", "2025-W53", "2026-Q5", "2026-H3", "2026/10", "2026-10-32", "2026-03-31..2026-01-01", "last month"} {
		_, err := ParsePeriod(in, shanghai, time.Time{})
		if err == nil {
			t.Errorf("ParsePeriod(%q) succeeded", in)
			continue
		}
		if !strings.Contains(err.Error(), "2026-W42") {
			t.Errorf("ParsePeriod(%q) error %q does not list the accepted forms", in, err)
		}
	}
}
