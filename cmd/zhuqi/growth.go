package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

func (m *Main) runGrowth(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("growth", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	c.registerAsOf(fs)
	period := fs.String("period", "", "month YYYY-MM (year to date through that month)")
	etype := fs.String("entity-type", "", "only this entity type: enterprise, region, department or program")
	metric := fs.String("metric", "", "only this metric key, e.g. revenue, output, investment, new_projects, tax")
	summary := fs.Bool("summary", false, "one row per entity type and metric, from the sums")
	format := formatFlag(fs)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if *period == "" {
		return usagef("growth: --period is required (a month, e.g. --period 2026-10)")
	}
	if err := tabular.CheckFormat(*format); err != nil {
		return usagef("growth: %v", err)
	}
	q, done, err := m.openQueries(ctx, &c)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(*period)
	if err != nil {
		return usagef("growth: %v", err)
	}
	if p.Kind != "month" {
		return usagef("growth: --period must be a month (YYYY-MM); growth is year to date through that month")
	}
	f := queries.GrowthFilter{EntityType: *etype, Metric: *metric}
	var t *tabular.Table
	if *summary {
		rows, err := q.GrowthSummaries(ctx, p, f)
		if err != nil {
			return err
		}
		t = queries.GrowthSummaryTable(rows)
	} else {
		rows, err := q.Growth(ctx, p, f)
		if err != nil {
			return err
		}
		t = queries.GrowthTable(rows)
	}
	if *format == "table" {
		fmt.Fprintf(m.Stdout, "目标完成与增长 growth  %s  序时进度 time progress %d/12\n\n", p.Label, int(p.Start.Month()))
	}
	return tabular.Write(m.Stdout, *format, t)
}
