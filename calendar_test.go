package zhuqi

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCalendarAddWorkdays(t *testing.T) {
	cal, err := Default().Calendar.Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from string
		n          int
		want       string
	}{
		{"created on a Saturday, 3 days: Wednesday", "2026-10-17", 3, "2026-10-21"},
		{"Monday, 1 day: Tuesday", "2026-10-19", 1, "2026-10-20"},
		{"Friday before 春节: the 调休 Saturday counts, the holiday does not", "2026-02-13", 3, "2026-02-25"},
		{"inside 春节", "2026-02-17", 1, "2026-02-24"},
		{"before the 2026-02-28 调休 Saturday", "2026-02-27", 1, "2026-02-28"},
		{"国庆: 10 Oct 调休 Saturday works", "2026-09-30", 1, "2026-10-08"},
		{"国庆: 2 days", "2026-09-30", 2, "2026-10-09"},
		{"2025 春节", "2025-01-27", 1, "2025-02-05"},
		{"2024 国庆 调休 12 Oct", "2024-10-11", 1, "2024-10-12"},
		{"no data for 2027: Monday to Friday", "2027-01-01", 1, "2027-01-04"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cal.AddWorkdays(date(tc.from), tc.n).Format("2006-01-02"); got != tc.want {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
			}
		})
	}
	if !cal.Covers(2024) || !cal.Covers(2025) || !cal.Covers(2026) || cal.Covers(2027) {
		t.Errorf("Years() = %v, want 2024–2026", cal.Years())
	}
	if d := cal.Day(date("2026-02-14")); !d.Workday || d.Kind != "makeup" {
		t.Errorf("2026-02-14 = %+v, want a make-up working day", d)
	}
}

func TestCalendarErr(t *testing.T) {
	_, err := CalendarConfig{Holidays: []Holiday{{Name: "x", From: "2026-13-01", To: "2026-13-02"}}}.Build()
	if err == nil {
		t.Fatal("bad date accepted")
	}
	_, err = CalendarConfig{
		Holidays: []Holiday{{Name: "春节", From: "2026-02-15", To: "2026-02-23"}},
		Workdays: []Workday{{Name: "x", Date: "2026-02-16"}},
	}.Build()
	if err == nil {
		t.Fatal("a date both holiday and working day accepted")
	}
}

func TestRulesVersion(t *testing.T) {
	r := Default().Rules
	v1 := r.Version()
	r.Department.MinTickets = 6
	if v2 := r.Version(); v2 == v1 {
		t.Errorf("changing a rule kept version %s", v1)
	}
	if v1 != Default().Rules.Version() {
		t.Error("version not stable")
	}
}
