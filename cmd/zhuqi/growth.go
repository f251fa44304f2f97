package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

type growthOptions struct {
	common
	period, entityType, metric, format string
	summary                            bool
}

// entityTypes are the entity types of targets and actuals (DOMAIN §1.4).
var entityTypes = []string{"enterprise", "region", "department", "program"}

func (m *Main) growthCommand() *cobra.Command {
	var o growthOptions
	cmd := &cobra.Command{
		Use:   "growth [--db F] --period YYYY-MM [--as-of T] [--entity-type T] [--metric K] [--summary] [--format ...]",
		Short: "year-to-date growth against targets and benchmarks",
		Example: `  zhuqi growth --period 2026-10
  zhuqi growth --period 2026-10 --entity-type regions --metric revenue
  zhuqi growth --period 2026-10 --summary --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.growth(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	o.registerAsOf(cmd)
	periodFlag(cmd, &o.period, "month YYYY-MM (year to date through that month)")
	cmd.Flags().StringVar(&o.entityType, "entity-type", "", "only this entity type: enterprise, region, department or program (plurals too)")
	cmd.Flags().StringVar(&o.metric, "metric", "", "only this metric key, e.g. revenue, output, investment, new_projects, tax")
	cmd.Flags().BoolVar(&o.summary, "summary", false, "one row per entity type and metric, from the sums")
	formatFlag(cmd, &o.format)
	cmd.RegisterFlagCompletionFunc("entity-type", cobra.FixedCompletions(entityTypes, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// growthPeople are the columns of the tables for people.
var (
	growthPeople        = []string{"entity", "metric", "ytd", "yoy", "target", "completion", "schedule_gap", "achieved", "benchmark_yoy", "premium", "entity_type", "mom", "value"}
	growthSummaryPeople = []string{"entity_type", "metric", "entities", "achieved", "achieved_share", "ytd", "ytd_prev", "yoy", "target", "completion", "month"}
)

func (m *Main) growth(ctx context.Context, o *growthOptions) error {
	if o.period == "" {
		return usagef("growth: --period is required (a month, e.g. --period 2026-10)")
	}
	if err := tabular.CheckFormat(o.format); err != nil {
		return usagef("growth: %v", err)
	}
	etype := o.entityType
	if etype != "" {
		c, ok := canonical(etype, entityTypes)
		if !ok {
			return usagef("growth: unknown --entity-type %q: use enterprise, region, department or program", etype)
		}
		etype = c
	}
	q, done, err := m.openQueries(ctx, &o.common)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(o.period)
	if err != nil {
		return usagef("growth: %v", err)
	}
	if p.Kind != "month" {
		return usagef("growth: --period must be a month (YYYY-MM); growth is year to date through that month")
	}
	f := queries.GrowthFilter{EntityType: etype, Metric: o.metric}
	var t *tabular.Table
	people := growthPeople
	if o.summary {
		rows, err := q.GrowthSummaries(ctx, p, f)
		if err != nil {
			return err
		}
		t, people = queries.GrowthSummaryTable(rows), growthSummaryPeople
	} else {
		rows, err := q.Growth(ctx, p, f)
		if err != nil {
			return err
		}
		t = queries.GrowthTable(rows)
	}
	if o.format != "table" {
		return tabular.Write(m.Stdout, o.format, t)
	}
	fmt.Fprintf(m.Stdout, "目标完成与增长 growth  %s  序时进度 time progress %d/12\n\n", p.Label, int(p.Start.Month()))
	if len(t.Rows) == 0 {
		fmt.Fprintf(m.Stdout, "%s 没有目标或实际值数据：先导入目标与月度实际值（zhuqi ingest targets.csv actuals.csv）/ no targets or actuals for %s%s: ingest them first (zhuqi ingest targets.csv actuals.csv)\n",
			p.Label, p.Label, filterWords(f))
		return nil
	}
	return writePeople(m.Stdout, t, people, "--format csv")
}

// filterWords names the filter of a growth query for a message: " (region, revenue)".
func filterWords(f queries.GrowthFilter) string {
	var w []string
	for _, s := range []string{f.EntityType, f.Metric} {
		if s != "" {
			w = append(w, s)
		}
	}
	if len(w) == 0 {
		return ""
	}
	return " (" + strings.Join(w, ", ") + ")"
}
