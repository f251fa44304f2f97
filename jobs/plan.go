package jobs

import (
	"sort"
	"time"

	"github.com/zhuqi/zhuqi/queries"
)

// Key names a run's work: a job for a period.
type Key struct{ Job, Period string }

// Ledger is what the planner needs of the run ledger.
type Ledger struct {
	// Done holds the (job, period)s that succeeded.
	Done map[Key]bool
	// Last is, per job, the latest fire time of a scheduled run that ended (succeeded or
	// failed); the planner looks for fire times after it.
	Last map[string]time.Time
}

// Due is a run the schedules call for.
type Due struct {
	Job      string
	Period   queries.Period
	FireTime time.Time
}

// Key is the due run's (job, period).
func (d Due) Key() Key { return Key{d.Job, d.Period.Label} }

// Plan lists the runs due between from and to (fire times after from, up to and
// including to), oldest first, jobs in the order given when they fire together. For each
// job it looks only after its last recorded fire time when that is later than from;
// (job, period)s already done are left out, so is each fire time after the first that
// covers the same period; a LatestOnly job keeps only its latest fire time.
func Plan(jobs []Job, led Ledger, from, to time.Time) []Due {
	var out []Due
	order := map[string]int{}
	for i, j := range jobs {
		order[j.Name] = i
		start := from
		if last, ok := led.Last[j.Name]; ok && last.After(start) {
			start = last
		}
		seen := map[string]bool{}
		var latest *Due
		for t := j.Schedule.Next(start); !t.IsZero() && !t.After(to); t = j.Schedule.Next(t) {
			if j.Workday != nil && !j.Workday(t) {
				continue
			}
			d := Due{Job: j.Name, Period: j.PeriodAt(t), FireTime: t}
			if led.Done[d.Key()] || seen[d.Period.Label] {
				continue
			}
			seen[d.Period.Label] = true
			if j.LatestOnly {
				latest = &d
				continue
			}
			out = append(out, d)
		}
		if latest != nil {
			out = append(out, *latest)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if !out[a].FireTime.Equal(out[b].FireTime) {
			return out[a].FireTime.Before(out[b].FireTime)
		}
		return order[out[a].Job] < order[out[b].Job]
	})
	return out
}
