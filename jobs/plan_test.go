package jobs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
)

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func defaultJobs(t *testing.T, edit func(*zhuqi.Config)) []Job {
	t.Helper()
	cfg := zhuqi.Default()
	if edit != nil {
		edit(cfg)
	}
	js, err := FromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func render(ds []Due) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %s %s", d.FireTime.Format("2006-01-02 15:04 Mon"), d.Job, d.Period.Label))
	}
	return out
}

func without(ds []Due, job string) []Due {
	var out []Due
	for _, d := range ds {
		if d.Job != job {
			out = append(out, d)
		}
	}
	return out
}

// TestPlan_MonthEndsAndSpringFestival plans 2026-01-01 to 2026-03-06: the ISO week that
// straddles the new year, the January and February month ends, the quarterly bulletin and
// 春节 (15–23 February, a Monday among them).
func TestPlan_MonthEndsAndSpringFestival(t *testing.T) {
	jobs := defaultJobs(t, nil)
	ds := Plan(jobs, Ledger{}, at("2026-01-01 00:00"), at("2026-03-06 00:00"))

	var reports []string
	overdue := map[string]bool{}
	for _, d := range ds {
		switch d.Job {
		case "overdue":
			if got, want := d.Period.Label, d.FireTime.Format("2006-01-02"); got != want || d.FireTime.Hour() != 8 {
				t.Errorf("overdue at %s covers %s", d.FireTime, got)
			}
			overdue[d.Period.Label] = true
		case "ingest":
		default:
			reports = append(reports, render([]Due{d})[0])
		}
	}
	want := []string{
		"2026-01-01 08:00 Thu briefing 2025-12",
		"2026-01-03 09:00 Sat ranking 2025-12",
		"2026-01-05 09:00 Mon cadres 2026-W01",
		"2026-01-05 09:00 Mon bulletin 2025-Q4",
		"2026-01-12 09:00 Mon cadres 2026-W02",
		"2026-01-19 09:00 Mon cadres 2026-W03",
		"2026-01-26 09:00 Mon cadres 2026-W04",
		"2026-02-01 08:00 Sun briefing 2026-01",
		"2026-02-02 09:00 Mon cadres 2026-W05",
		"2026-02-03 09:00 Tue ranking 2026-01",
		"2026-02-09 09:00 Mon cadres 2026-W06",
		"2026-02-16 09:00 Mon cadres 2026-W07",
		"2026-02-23 09:00 Mon cadres 2026-W08",
		"2026-03-01 08:00 Sun briefing 2026-02",
		"2026-03-02 09:00 Mon cadres 2026-W09",
		"2026-03-03 09:00 Tue ranking 2026-02",
	}
	if got := strings.Join(reports, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("report runs:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	// The overdue list runs every day, holidays included, by default.
	if got, want := len(overdue), 31+28+5; got != want {
		t.Errorf("overdue lists: %d, want %d", got, want)
	}
	for _, day := range []string{"2026-01-31", "2026-02-15", "2026-02-23", "2026-02-28", "2026-03-01"} {
		if !overdue[day] {
			t.Errorf("no overdue list for %s", day)
		}
	}
	// Only the latest inbox ingest of the window is planned.
	var ingests []Due
	for _, d := range ds {
		if d.Job == "ingest" {
			ingests = append(ingests, d)
		}
	}
	if len(ingests) != 1 || !ingests[0].FireTime.Equal(at("2026-03-06 00:00")) {
		t.Errorf("ingests: %v", render(ingests))
	}
	for i := 1; i < len(ds); i++ {
		if ds[i].FireTime.Before(ds[i-1].FireTime) {
			t.Fatalf("not in time order at %d: %v", i, render(ds[i-1:i+1]))
		}
	}
}

func TestPlan_WorkdaysOnly(t *testing.T) {
	yes := true
	jobs := defaultJobs(t, func(c *zhuqi.Config) {
		s := c.Jobs.Schedule["overdue"]
		s.WorkdaysOnly = &yes
		c.Jobs.Schedule["overdue"] = s
	})
	var got []string
	for _, d := range Plan(jobs, Ledger{}, at("2026-02-12 00:00"), at("2026-03-02 00:00")) {
		if d.Job == "overdue" {
			got = append(got, d.Period.Label[5:])
		}
	}
	// 春节 15–23 February off; Saturdays 14 and 28 February are make-up working days.
	want := "02-12 02-13 02-14 02-24 02-25 02-26 02-27 02-28"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("overdue days %s, want %s", g, want)
	}
}

// TestPlan_CatchUpAfterOutage: the scheduler was down from 28 October to 7 November.
// Each missed (job, period) is planned once, oldest first; once recorded, none again.
func TestPlan_CatchUpAfterOutage(t *testing.T) {
	jobs := defaultJobs(t, nil)
	led := Ledger{Done: map[Key]bool{}, Last: map[string]time.Time{}}
	down, up := at("2026-10-28 10:00"), at("2026-11-07 10:00")
	ds := Plan(jobs, led, down, up)
	got := render(without(ds, "overdue"))
	want := []string{
		"2026-11-01 08:00 Sun briefing 2026-10",
		"2026-11-02 09:00 Mon cadres 2026-W44",
		"2026-11-03 09:00 Tue ranking 2026-10",
		"2026-11-07 10:00 Sat ingest 2026-11-07T10:00:00",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("catch-up:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var days []string
	for _, d := range ds {
		if d.Job == "overdue" {
			days = append(days, d.Period.Label)
		}
	}
	if len(days) != 10 || days[0] != "2026-10-29" || days[9] != "2026-11-07" {
		t.Errorf("overdue catch-up: %v", days)
	}
	for _, d := range ds {
		led.Done[d.Key()] = true
		if d.FireTime.After(led.Last[d.Job]) {
			led.Last[d.Job] = d.FireTime
		}
	}
	if again := Plan(jobs, led, down, up); len(again) != 0 {
		t.Errorf("planned again after running: %v", render(again))
	}
	// Done alone (a lost Last) still keeps every period from running twice.
	if again := without(Plan(jobs, Ledger{Done: led.Done}, down, up), "ingest"); len(again) != 0 {
		t.Errorf("planned again with only Done: %v", render(again))
	}
	// A later window picks up from each job's last fire time.
	next := render(without(Plan(jobs, led, down, at("2026-11-09 09:00")), "ingest"))
	if w := []string{"2026-11-08 08:00 Sun overdue 2026-11-08", "2026-11-09 08:00 Mon overdue 2026-11-09", "2026-11-09 09:00 Mon cadres 2026-W45"}; strings.Join(next, "|") != strings.Join(w, "|") {
		t.Errorf("next window: %v", next)
	}
}

func TestFromConfig_Err(t *testing.T) {
	for name, edit := range map[string]func(*zhuqi.Config){
		"ErrUnknownJob": func(c *zhuqi.Config) { c.Jobs.Schedule["nightly"] = zhuqi.JobSchedule{Cron: "0 1 * * *"} },
		"ErrBadCron":    func(c *zhuqi.Config) { c.Jobs.Schedule["ranking"] = zhuqi.JobSchedule{Cron: "0 9 32 * *"} },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := zhuqi.Default()
			edit(cfg)
			if _, err := FromConfig(cfg); err == nil {
				t.Error("no error")
			}
		})
	}
	t.Run("OK_Disabled", func(t *testing.T) {
		no := false
		js := defaultJobs(t, func(c *zhuqi.Config) {
			c.Jobs.Schedule["ingest"] = zhuqi.JobSchedule{Cron: "*/15 * * * *", Enabled: &no}
		})
		if len(js) != 5 || js[0].Name != "overdue" {
			t.Errorf("jobs %v", js)
		}
	})
}
