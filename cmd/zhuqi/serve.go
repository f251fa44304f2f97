package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/jobs"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
)

// runServe is the scheduler: it runs until SIGINT or SIGTERM, then exits 0.
func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected %q", fs.Arg(0))
	}
	s, err := m.scheduler(&c)
	if err != nil {
		return err
	}
	return s.Serve(ctx)
}

// scheduler builds the scheduler of the configuration.
func (m *Main) scheduler(c *common) (*jobs.Scheduler, error) {
	cfg, err := m.loadConfig(c)
	if err != nil {
		return nil, err
	}
	list, err := jobs.FromConfig(cfg)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(m.Stderr, nil))
	report := func(ctx context.Context, q *queries.Q, kind string, p queries.Period, dir string) ([]string, error) {
		return reports.Generate(ctx, q, kind, p, reports.Options{Dir: dir, Font: cfg.Reports.Font, Now: m.now, Getenv: m.Getenv})
	}
	env, err := jobs.NewEnv(cfg, m.dbPath(c, cfg), log, report)
	if err != nil {
		return nil, err
	}
	env.Now = m.now
	every, err := cfg.Jobs.Duration("check_every")
	if err != nil {
		return nil, err
	}
	return &jobs.Scheduler{Env: env, Jobs: list, CheckEvery: every}, nil
}

// runJobs is `zhuqi jobs list | run JOB [--period P] [--force] | history`.
func (m *Main) runJobs(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("jobs: use `zhuqi jobs list`, `zhuqi jobs run JOB [--period P] [--force]` or `zhuqi jobs history`")
	}
	switch args[0] {
	case "list":
		return m.runJobsList(ctx, args[1:])
	case "run":
		return m.runJobsRun(ctx, args[1:])
	case "history":
		return m.runJobsHistory(ctx, args[1:])
	}
	return usagef("jobs: unknown %q: use list, run or history", args[0])
}

func (m *Main) runJobsList(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("jobs list", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	format := formatFlag(fs)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if err := tabular.CheckFormat(*format); err != nil {
		return usagef("jobs list: %v", err)
	}
	cfg, err := m.loadConfig(&c)
	if err != nil {
		return err
	}
	loc, err := cfg.Jobs.Location(cfg.Timezone)
	if err != nil {
		return err
	}
	enabled := map[string]bool{}
	list, err := jobs.FromConfig(cfg)
	if err != nil {
		return err
	}
	for _, j := range list {
		enabled[j.Name] = true
	}
	t := &tabular.Table{Columns: []tabular.Column{
		tabular.Col("job", tabular.Text), tabular.Col("title", tabular.Text), tabular.Col("cron", tabular.Text),
		tabular.Col("enabled", tabular.Bool), tabular.Col("workdays_only", tabular.Bool),
		tabular.Col("next", tabular.Time), tabular.Col("next_period", tabular.Text), tabular.Col("then", tabular.Time),
		tabular.Col("last_period", tabular.Text), tabular.Col("last_status", tabular.Text), tabular.Col("last_started", tabular.Time),
	}}
	last := m.lastRuns(ctx, m.dbPath(&c, cfg))
	now := m.now().In(loc)
	for _, name := range jobs.Order {
		s, ok := cfg.Jobs.Schedule[name]
		if !ok {
			continue
		}
		j, err := jobs.NewJob(name, s.Cron, loc)
		if err != nil {
			return err
		}
		row := []any{name, jobs.Title(name), s.Cron, enabled[name], s.OnWorkdaysOnly(), nil, nil, nil, nil, nil, nil}
		if enabled[name] {
			next := j.Schedule.Next(now)
			row[5], row[6], row[7] = next, j.PeriodAt(next).Label, j.Schedule.Next(next)
		}
		if r, ok := last[name]; ok {
			row[8], row[9], row[10] = r.Period, r.Status, r.Started.In(loc)
		}
		t.Rows = append(t.Rows, row)
	}
	return tabular.Write(m.Stdout, *format, t)
}

// lastRuns reads each job's latest run from the database, when it can be read; the list
// goes without them otherwise (no database yet, or a run holds it).
func (m *Main) lastRuns(ctx context.Context, db string) map[string]jobs.Run {
	if _, err := os.Stat(db); err != nil {
		return nil
	}
	st, err := pipeline.OpenReadOnly(ctx, db)
	if err != nil {
		fmt.Fprintf(m.Stderr, "注意 note: last runs not shown: %v\n", err)
		return nil
	}
	defer st.Close()
	last, err := jobs.LastRuns(ctx, st.DB)
	if err != nil {
		fmt.Fprintf(m.Stderr, "注意 note: last runs not shown: %v\n", err)
	}
	return last
}

func (m *Main) runJobsRun(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		return usagef("jobs run: name the job: %v", jobs.Order)
	}
	name := args[0]
	fs := flag.NewFlagSet("jobs run", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	period := fs.String("period", "", "period to run for (default: the period of the job's latest fire time)")
	force := fs.Bool("force", false, "run even if this (job, period) already succeeded")
	if err := m.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	s, err := m.scheduler(&c)
	if err != nil {
		return err
	}
	// A person at the terminal sees a failure at once, not after the scheduler's backoff.
	s.Env.Attempts = 1
	cfg := s.Env.Config
	j, err := jobs.NewJob(name, cfg.Jobs.Schedule[name].Cron, s.Env.Loc)
	if err != nil {
		return usagef("jobs run: %v", err)
	}
	now := m.now().In(s.Env.Loc)
	due := jobs.Due{Job: name, FireTime: now}
	if *period != "" {
		if due.Period, err = j.ParsePeriod(*period, s.Env.Loc); err != nil {
			return usagef("jobs run: %v", err)
		}
	} else {
		due.Period = j.PeriodAt(j.Latest(now))
	}
	r, err := s.Env.Run(ctx, due, "manual", *force)
	if err != nil {
		return err
	}
	if r.Status == jobs.StatusSkipped {
		fmt.Fprintf(m.Stdout, "%s %s 已完成，未重复运行 already done: not run again (--force to redo)\n", name, due.Period.Label)
		return nil
	}
	fmt.Fprintf(m.Stdout, "%s %s %s (run %s)\n", name, due.Period.Label, r.Status, r.ID)
	for _, o := range r.Outputs {
		fmt.Fprintf(m.Stdout, "  %s\n", o)
	}
	return nil
}

func (m *Main) runJobsHistory(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("jobs history", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	job := fs.String("job", "", "only this job's runs")
	limit := fs.Int("limit", 50, "most runs to list")
	format := formatFlag(fs)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if err := tabular.CheckFormat(*format); err != nil {
		return usagef("jobs history: %v", err)
	}
	cfg, err := m.loadConfig(&c)
	if err != nil {
		return err
	}
	st, err := pipeline.OpenReadOnly(ctx, m.dbPath(&c, cfg))
	if err != nil {
		return err
	}
	defer st.Close()
	runs, err := jobs.History(ctx, st.DB, *job, *limit)
	if err != nil {
		return err
	}
	t := &tabular.Table{Columns: []tabular.Column{
		tabular.Col("run_id", tabular.Text), tabular.Col("job", tabular.Text), tabular.Col("period", tabular.Text),
		tabular.Col("trigger", tabular.Text), tabular.Col("started_at", tabular.Time), tabular.Col("finished_at", tabular.Time),
		tabular.Col("status", tabular.Text), tabular.Col("attempts", tabular.Int), tabular.Col("outputs", tabular.Int), tabular.Col("error", tabular.Text),
	}}
	loc, err := cfg.Jobs.Location(cfg.Timezone)
	if err != nil {
		return err
	}
	for _, r := range runs {
		var fin any
		if !r.Finished.IsZero() {
			fin = r.Finished.In(loc)
		}
		t.Rows = append(t.Rows, []any{r.ID, r.Job, r.Period, r.Trigger, r.Started.In(loc), fin, r.Status, int64(r.Attempts), int64(len(r.Outputs)), r.Error})
	}
	return tabular.Write(m.Stdout, *format, t)
}
