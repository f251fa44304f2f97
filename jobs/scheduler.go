package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler runs the jobs on their schedules, one run at a time.
type Scheduler struct {
	Env  *Env
	Jobs []Job
	// CheckEvery is how often the ledger is compared with the schedules, so that what a
	// suspend or a clock change made cron miss still runs.
	CheckEvery time.Duration

	// WaitRetry is how long a waiting run (StatusWaiting) rests before it is tried again
	// (default an hour).
	WaitRetry time.Duration

	from    time.Time // fire times after this are planned (the previous start)
	led     Ledger
	retryAt map[Key]time.Time // waiting runs: not tried again before this time
}

// Start prepares a scheduler: it ends the runs a stopped scheduler left running, notes
// this start and reads the ledger. Missed runs are planned from the previous start, or
// from now on the first start.
func (s *Scheduler) Start(ctx context.Context) error {
	st, err := s.Env.Open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	now := s.Env.now()
	n, err := markInterrupted(ctx, st.DB, now)
	if err != nil {
		return err
	}
	if n > 0 {
		s.Env.Log.Warn("runs left unfinished by a stopped scheduler are marked interrupted and run again", "runs", n)
	}
	prev, err := recordStart(ctx, st.DB, now)
	if err != nil {
		return err
	}
	s.from = now
	if !prev.IsZero() {
		s.from = prev.In(s.Env.Loc)
	}
	if s.led, err = LoadLedger(ctx, st.DB); err != nil {
		return err
	}
	for j, t := range s.led.Last {
		s.led.Last[j] = t.In(s.Env.Loc)
	}
	return nil
}

// Tick runs what is due at now, oldest first, one at a time. A failed run is recorded and
// reported, and the next still runs; Tick stops when ctx ends.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) []*Run {
	var runs []*Run
	for _, d := range Plan(s.Jobs, s.led, s.from, now.In(s.Env.Loc)) {
		if ctx.Err() != nil {
			break
		}
		if now.Before(s.retryAt[d.Key()]) {
			continue
		}
		trigger := "schedule"
		if s.Env.Now().Sub(d.FireTime) > max(s.CheckEvery, time.Minute) {
			trigger = "catch-up"
		}
		r, err := s.Env.Run(ctx, d, trigger, false)
		if r == nil {
			// Not even started (the database stayed busy): planned again next time.
			s.Env.Log.Error("run not started", "job", d.Job, "period", d.Period.Label, "error", err)
			continue
		}
		runs = append(runs, r)
		switch r.Status {
		case StatusWaiting:
			// Planned again at every tick; tried again after WaitRetry.
			if s.retryAt == nil {
				s.retryAt = map[Key]time.Time{}
			}
			wait := s.WaitRetry
			if wait <= 0 {
				wait = time.Hour
			}
			s.retryAt[d.Key()] = now.Add(wait)
		case StatusSucceeded, StatusSkipped:
			s.led.Done[d.Key()] = true
			fallthrough
		case StatusFailed:
			if d.FireTime.After(s.led.Last[d.Job]) {
				s.led.Last[d.Job] = d.FireTime
			}
		}
	}
	return runs
}

// Serve runs the scheduler until ctx ends: it takes the database's scheduler lock (a
// second scheduler gets ErrLocked), catches up the runs missed while it was down, then
// runs each job when cron fires it and checks the ledger every CheckEvery. When ctx
// ends it takes no new run; the run in flight is cancelled (its transaction rolls back,
// and it runs again at the next start).
func (s *Scheduler) Serve(ctx context.Context) error {
	lock, err := Lock(s.Env.DB)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if err := s.Start(ctx); err != nil {
		return err
	}
	if s.CheckEvery <= 0 {
		s.CheckEvery = 5 * time.Minute
	}
	l := cronLogger{s.Env.Log}
	c := cron.New(cron.WithLocation(s.Env.Loc), cron.WithLogger(l),
		cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))
	wake := make(chan struct{}, 1)
	poke := cron.FuncJob(func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	for _, j := range s.Jobs {
		c.Schedule(j.Schedule, poke)
	}
	c.Schedule(cron.Every(s.CheckEvery), poke)
	c.Start()
	var names []string
	for _, j := range s.Jobs {
		names = append(names, fmt.Sprintf("%s(%s)", j.Name, j.Spec))
	}
	s.Env.Log.Info("scheduler started", "db", s.Env.DB, "jobs", names, "timezone", s.Env.Loc.String(), "catch_up_from", s.from)
	poke()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-wake:
			s.Tick(ctx, s.Env.Now())
		}
	}
	<-c.Stop().Done()
	if s.Env.Notifier != nil {
		s.Env.Notifier.Wait(s.Env.Notifier.Timeout)
	}
	s.Env.Log.Info("scheduler stopped")
	return nil
}

// cronLogger sends cron's own messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
