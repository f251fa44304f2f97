package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/jobs"
	"github.com/zhuqi/zhuqi/store"
)

func (m *Main) jobsCommand() *cobra.Command {
	cmd := parentCommand("jobs", "the scheduled jobs: list, run one now, history",
		`  zhuqi jobs list
  zhuqi jobs run briefing --period 2026-10
  zhuqi jobs history --job briefing`)
	cmd.AddCommand(m.jobsListCommand(), m.jobsRunCommand(), m.jobsHistoryCommand())
	return cmd
}

type jobsListOptions struct {
	common
	format string
}

func (m *Main) jobsListCommand() *cobra.Command {
	var o jobsListOptions
	cmd := &cobra.Command{
		Use:     "list [--db F] [--format ...]",
		Short:   "the jobs with their schedules, next and last runs",
		Example: `  zhuqi jobs list --format csv`,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return m.jobsList(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	formatFlag(cmd, &o.format)
	return cmd
}

func (m *Main) jobsList(ctx context.Context, o *jobsListOptions) error {
	if err := tabular.CheckFormat(o.format); err != nil {
		return usagef("jobs list: %v", err)
	}
	cfg, err := m.loadConfig(&o.common)
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
	last := m.lastRuns(ctx, m.dbPath(&o.common, cfg))
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
	return tabular.Write(m.Stdout, o.format, t)
}

// lastRuns reads each job's latest run from the database, when it can be read; the list
// goes without them otherwise (no database yet, or a run holds it).
func (m *Main) lastRuns(ctx context.Context, db string) map[string]jobs.Run {
	if _, err := os.Stat(db); err != nil {
		return nil
	}
	st, err := store.OpenReadOnly(ctx, db)
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

type jobsRunOptions struct {
	common
	job, period string
	force       bool
}

func (m *Main) jobsRunCommand() *cobra.Command {
	var o jobsRunOptions
	cmd := &cobra.Command{
		Use:   "run JOB [--period P] [--force] [--db F]",
		Short: "run one job now (once per job and period unless --force)",
		Example: `  zhuqi jobs run briefing
  zhuqi jobs run ranking --period 2026-10 --force`,
		ValidArgs: jobs.Order,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || args[0] == "" {
				return usagef("jobs run: name one job: %v", jobs.Order)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.job = args[0]
			return m.jobsRun(cmd.Context(), &o)
		},
	}
	o.register(cmd, true)
	periodFlag(cmd, &o.period, "period to run for (default: the period of the job's latest fire time)")
	cmd.Flags().BoolVar(&o.force, "force", false, "run even if this (job, period) already succeeded")
	return cmd
}

func (m *Main) jobsRun(ctx context.Context, o *jobsRunOptions) error {
	name := o.job
	s, err := m.scheduler(&o.common)
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
	if o.period != "" {
		if due.Period, err = j.ParsePeriod(o.period, s.Env.Loc); err != nil {
			return usagef("jobs run: %v", err)
		}
	} else {
		due.Period = j.PeriodAt(j.Latest(now))
	}
	r, err := s.Env.Run(ctx, due, "manual", o.force)
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

type jobsHistoryOptions struct {
	common
	job, format string
	limit       int
}

func (m *Main) jobsHistoryCommand() *cobra.Command {
	var o jobsHistoryOptions
	cmd := &cobra.Command{
		Use:   "history [--job J] [--limit N] [--db F] [--format ...]",
		Short: "the latest runs of the jobs, newest first",
		Example: `  zhuqi jobs history
  zhuqi jobs history --job ranking --limit 5 --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.jobsHistory(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	cmd.Flags().StringVar(&o.job, "job", "", "only this job's runs")
	cmd.Flags().IntVar(&o.limit, "limit", 50, "most runs to list")
	formatFlag(cmd, &o.format)
	return cmd
}

func (m *Main) jobsHistory(ctx context.Context, o *jobsHistoryOptions) error {
	if err := tabular.CheckFormat(o.format); err != nil {
		return usagef("jobs history: %v", err)
	}
	cfg, err := m.loadConfig(&o.common)
	if err != nil {
		return err
	}
	path, err := m.existingDB(&o.common, cfg)
	if err != nil {
		return err
	}
	st, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, err := jobs.History(ctx, st.DB, o.job, o.limit)
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
	return tabular.Write(m.Stdout, o.format, t)
}
