package main

import (
	"context"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/jobs"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
)

type serveOptions struct{ common }

func (m *Main) serveCommand() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--config F] [--db F]",
		Short: "the scheduler: inbox ingest, reports, publications",
		Example: `  zhuqi serve --config zhuqi.toml
  ZHUQI_DB=/srv/zhuqi/zhuqi.duckdb zhuqi serve`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.serve(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	return cmd
}

// serve runs the scheduler until SIGINT or SIGTERM, then exits 0.
func (m *Main) serve(ctx context.Context, o *serveOptions) error {
	s, err := m.scheduler(&o.common)
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
