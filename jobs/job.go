package jobs

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/queries"
)

// Job is one scheduled job: when it fires and which period a fire time covers.
type Job struct {
	Name     string
	Spec     string
	Schedule cron.Schedule
	// Covers names the period a fire time covers: slot (the fire time itself, for the
	// inbox), day, prev-week, prev-month or prev-quarter.
	Covers string
	// Workday, when set, skips fire times on days it says are not working days.
	Workday func(time.Time) bool
	// LatestOnly catches up only the latest missed fire time (the inbox: one ingest takes
	// in everything that waits).
	LatestOnly bool
}

// builtin describes the jobs of DOMAIN §6: what each covers and what it produces.
var builtin = map[string]struct {
	covers, report, title string
}{
	"ingest":   {"slot", "", "导入 inbox ingest"},
	"overdue":  {"day", "overdue", "督办清单 overdue list"},
	"cadres":   {"prev-week", "cadres", "每周服务之星 weekly cadre recognition"},
	"briefing": {"prev-month", "briefing", "月度运行分析 monthly briefing"},
	"ranking":  {"prev-month", "ranking", "排名通报 ranking publication"},
	"bulletin": {"prev-quarter", "briefing", "季度通报 quarterly bulletin"},
}

// Order is the order jobs run in when they are due at the same time: data first.
var Order = []string{"ingest", "overdue", "cadres", "briefing", "ranking", "bulletin"}

// FromConfig builds the enabled jobs of cfg, in Order.
func FromConfig(cfg *zhuqi.Config) ([]Job, error) {
	loc, err := cfg.Jobs.Location(cfg.Timezone)
	if err != nil {
		return nil, err
	}
	cal, err := cfg.Calendar.Build()
	if err != nil {
		return nil, err
	}
	for name := range cfg.Jobs.Schedule {
		if _, ok := builtin[name]; !ok {
			return nil, fmt.Errorf("jobs.schedule.%s: no such job (jobs are %s)", name, strings.Join(Order, ", "))
		}
	}
	var out []Job
	for _, name := range Order {
		s, ok := cfg.Jobs.Schedule[name]
		if !ok || !s.On() {
			continue
		}
		j, err := NewJob(name, s.Cron, loc)
		if err != nil {
			return nil, err
		}
		if s.OnWorkdaysOnly() {
			j.Workday = func(t time.Time) bool { return cal.IsWorkday(t.In(loc)) }
		}
		out = append(out, j)
	}
	return out, nil
}

// NewJob parses a job's cron expression in loc.
func NewJob(name, spec string, loc *time.Location) (Job, error) {
	b, ok := builtin[name]
	if !ok {
		return Job{}, fmt.Errorf("no job %q (jobs are %s)", name, strings.Join(Order, ", "))
	}
	full := spec
	if !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		full = "CRON_TZ=" + loc.String() + " " + spec
	}
	sched, err := cron.ParseStandard(full)
	if err != nil {
		return Job{}, fmt.Errorf("jobs.schedule.%s: cron %q: %w (write minute hour day month weekday, e.g. \"0 9 3 * *\")", name, spec, err)
	}
	return Job{Name: name, Spec: spec, Schedule: sched, Covers: b.covers, LatestOnly: b.covers == "slot"}, nil
}

// PeriodAt is the period a fire time t covers: the monthly briefing of 1 November covers
// October, the Monday cadre star the previous ISO week, the overdue list the day itself.
func (j Job) PeriodAt(t time.Time) queries.Period {
	return coverPeriod(j.Covers, t)
}

func coverPeriod(covers string, t time.Time) queries.Period {
	loc := t.Location()
	var label string
	switch covers {
	case "slot":
		return queries.Period{Label: t.Format("2006-01-02T15:04:05"), Kind: "slot", Start: t, End: t}
	case "day":
		label = t.Format("2006-01-02")
	case "prev-week":
		y, w := t.AddDate(0, 0, -7).ISOWeek()
		label = fmt.Sprintf("%d-W%02d", y, w)
	case "prev-month":
		label = time.Date(t.Year(), t.Month()-1, 1, 0, 0, 0, 0, loc).Format("2006-01")
	case "prev-quarter":
		m := time.Date(t.Year(), t.Month()-3, 1, 0, 0, 0, 0, loc)
		label = fmt.Sprintf("%d-Q%d", m.Year(), (int(m.Month())+2)/3)
	default:
		panic("jobs: unknown period cover " + covers)
	}
	p, err := queries.ParsePeriod(label, loc, t)
	if err != nil {
		panic(fmt.Sprintf("jobs: period %q: %v", label, err))
	}
	return p
}

// ParsePeriod reads the period of a manual run of job j: a period of DOMAIN §7 for the
// report jobs, a time (2026-11-03T08:15) for the inbox.
func (j Job) ParsePeriod(s string, loc *time.Location) (queries.Period, error) {
	if j.Covers == "slot" {
		for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return coverPeriod("slot", t), nil
			}
		}
		return queries.Period{}, fmt.Errorf("period %q: the inbox job's period is a time such as 2026-11-03T08:15", s)
	}
	return queries.ParsePeriod(s, loc, time.Now())
}

// Title is how a job's outputs are announced.
func Title(job string) string { return builtin[job].title }

// Latest is the job's latest fire time at or before now, looking back up to 400 days;
// now itself when it has none.
func (j Job) Latest(now time.Time) time.Time {
	for _, back := range []time.Duration{time.Hour, 48 * time.Hour, 40 * 24 * time.Hour, 100 * 24 * time.Hour, 400 * 24 * time.Hour} {
		var last time.Time
		for t := j.Schedule.Next(now.Add(-back)); !t.IsZero() && !t.After(now); t = j.Schedule.Next(t) {
			last = t
		}
		if !last.IsZero() {
			return last
		}
	}
	return now
}
