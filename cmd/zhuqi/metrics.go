package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
)

// openQueries opens the database read-only and starts a query session on it.
func (m *Main) openQueries(ctx context.Context, c *common) (*queries.Q, func(), error) {
	cfg, err := m.loadConfig(c)
	if err != nil {
		return nil, nil, err
	}
	st, err := pipeline.OpenReadOnly(ctx, m.dbPath(c, cfg))
	if err != nil {
		return nil, nil, err
	}
	q, err := queries.Open(ctx, st, cfg)
	if err == nil {
		if err = c.travel(ctx, q); err != nil {
			q.Close()
		}
	}
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	for _, w := range q.Warnings {
		fmt.Fprintln(m.Stderr, "注意 warning:", w)
	}
	return q, func() { q.Close(); st.Close() }, nil
}

// openPublishing opens the database for writing (publications are stored in it) with the
// calendar of the configuration written, and a query session on it.
func (m *Main) openPublishing(ctx context.Context, c *common) (*zhuqi.Config, *pipeline.Store, *queries.Q, func(), error) {
	cfg, err := m.loadConfig(c)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	st, err := m.openStore(ctx, c, cfg)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if err := queries.WriteCalendar(ctx, st, cfg); err != nil {
		st.Close()
		return nil, nil, nil, nil, err
	}
	q, err := queries.Open(ctx, st, cfg)
	if err == nil {
		if err = c.travel(ctx, q); err != nil {
			q.Close()
		}
	}
	if err != nil {
		st.Close()
		return nil, nil, nil, nil, err
	}
	return cfg, st, q, func() { q.Close(); st.Close() }, nil
}

// formatFlag registers --format and returns a check of its value.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "table", "output format: table, csv or json")
}

func (m *Main) runMetrics(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("metrics", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	c.registerAsOf(fs)
	period := fs.String("period", "", "period: "+queries.PeriodForms)
	by := fs.String("by", "", "break down by dimensions, comma-separated: "+strings.Join(queries.Dimensions, ", "))
	format := formatFlag(fs)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if *period == "" {
		return usagef("metrics: --period is required (e.g. --period 2026-10)")
	}
	if err := tabular.CheckFormat(*format); err != nil {
		return usagef("metrics: %v", err)
	}
	var dims []string
	if *by != "" {
		dims = strings.Split(*by, ",")
		for i := range dims {
			dims[i] = strings.TrimSpace(dims[i])
		}
	}
	if err := queries.CheckDimensions(dims); err != nil {
		return usagef("metrics: %v", err)
	}
	q, done, err := m.openQueries(ctx, &c)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(*period)
	if err != nil {
		return usagef("metrics: %v", err)
	}
	rows, err := q.Metrics(ctx, p, dims)
	if err != nil {
		return err
	}
	if *format == "table" {
		fmt.Fprintf(m.Stdout, "诉求办理指标 metrics  %s  (数据截至 as of %s)%s\n\n", p.Label, q.AsOf.Format("2006-01-02 15:04"), q.ProgressLabel(p))
	}
	return tabular.Write(m.Stdout, *format, queries.MetricsTable(dims, rows))
}
