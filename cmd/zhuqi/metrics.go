package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

type metricsOptions struct {
	common
	period, by, format string
}

func (m *Main) metricsCommand() *cobra.Command {
	var o metricsOptions
	cmd := &cobra.Command{
		Use:   "metrics [--db F] --period P [--as-of T] [--by DIM[,DIM]] [--format table|csv|json]",
		Short: "resolution, satisfaction and response rates of a period",
		Example: `  zhuqi metrics --period 2026-10
  zhuqi metrics --period 2026-Q3 --by region
  zhuqi metrics --period 2026-10 --by department,category --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.metrics(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	o.registerAsOf(cmd)
	periodFlag(cmd, &o.period, "period: "+queries.PeriodForms)
	cmd.Flags().StringVar(&o.by, "by", "", "break down by dimensions, comma-separated: "+strings.Join(queries.Dimensions, ", "))
	formatFlag(cmd, &o.format)
	return cmd
}

// metricsPeople are the columns of the table for people, after the --by dimensions.
var metricsPeople = []string{"collected", "solved", "resolution_rate", "satisfaction_rate", "completion_rate",
	"response_rate", "red", "black", "on_time_reply_rate", "finished"}

func (m *Main) metrics(ctx context.Context, o *metricsOptions) error {
	if o.period == "" {
		return usagef("metrics: --period is required (e.g. --period 2026-10)")
	}
	if err := tabular.CheckFormat(o.format); err != nil {
		return usagef("metrics: %v", err)
	}
	var dims []string
	if o.by != "" {
		dims = strings.Split(o.by, ",")
		for i := range dims {
			dims[i] = strings.TrimSpace(dims[i])
			if c, ok := canonical(dims[i], queries.Dimensions); ok {
				dims[i] = c
			}
		}
	}
	if err := queries.CheckDimensions(dims); err != nil {
		return usagef("metrics: %v", err)
	}
	q, done, err := m.openQueries(ctx, &o.common)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(o.period)
	if err != nil {
		return usagef("metrics: %v", err)
	}
	rows, err := q.Metrics(ctx, p, dims)
	if err != nil {
		return err
	}
	t := queries.MetricsTable(dims, rows)
	if o.format != "table" {
		return tabular.Write(m.Stdout, o.format, t)
	}
	fmt.Fprintf(m.Stdout, "诉求办理指标 metrics  %s  (数据截至 as of %s)%s\n\n", p.Label, q.AsOf.Format("2006-01-02 15:04"), q.ProgressLabel(p))
	return writePeople(m.Stdout, t, append(append([]string{}, dims...), metricsPeople...), "--format csv")
}
