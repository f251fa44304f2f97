package queries

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// GrowthRow is one entity's progress on one metric (DOMAIN §3, columns of §7). Values
// that cannot be computed (no previous year, no target, no benchmark) are nil.
type GrowthRow struct {
	EntityType, Entity, Metric, Month string
	Value, YTD, YTDPrev, YoY, MoM     *float64
	Target, Completion                *float64
	TimeProgress                      float64
	ScheduleGap                       *float64
	BenchmarkYoY, Premium             *float64
	MeetsRule, Achieved               *bool
}

// GrowthSummary is one entity type and metric, from the sums (DOMAIN §7 growth --summary).
type GrowthSummary struct {
	EntityType, Metric, Month string
	Entities, Achieved        int64
	AchievedShare             *float64
	YTD, YTDPrev, YoY         *float64
	Target, Completion        *float64
}

// GrowthFilter narrows growth to one entity type and/or one metric; empty means all.
type GrowthFilter struct {
	EntityType, Metric string
}

func (q *Q) growthSQL(p Period, f GrowthFilter) (string, error) {
	if p.Kind != "month" {
		return "", fmt.Errorf("growth: period %s is a %s; growth is reported for a month (YYYY-MM), year to date", p.Label, p.Kind)
	}
	if err := q.Check(p); err != nil {
		return "", err
	}
	var filter strings.Builder
	if f.EntityType != "" {
		fmt.Fprintf(&filter, " AND entity_type = %s", sqlString(f.EntityType))
	}
	if f.Metric != "" {
		fmt.Fprintf(&filter, " AND metric = %s", sqlString(f.Metric))
	}
	y, m := p.Start.Year(), int(p.Start.Month())
	return render("growth.sql", map[string]any{
		"Year": y, "M": m, "Label": p.Label,
		"Month":         p.Start.Format("2006-01-02"),
		"PrevMonth":     p.Start.AddDate(0, -1, 0).Format("2006-01-02"),
		"PrevYearStart": fmt.Sprintf("%d-01-01", y-1),
		"Filter":        filter.String(),
		"Premium":       num(q.rules.GrowthPremium),
	})
}

// Growth reports every entity's progress against its targets for month p.
func (q *Q) Growth(ctx context.Context, p Period, f GrowthFilter) ([]GrowthRow, error) {
	text, err := q.growthSQL(p, f)
	if err != nil {
		return nil, err
	}
	recs, err := q.records(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("growth %s: %w", p.Label, err)
	}
	out := make([]GrowthRow, 0, len(recs))
	for _, r := range recs {
		out = append(out, GrowthRow{
			EntityType: r.text("entity_type"), Entity: r.text("entity"), Metric: r.text("metric"), Month: r.text("month"),
			Value: r.rate("value"), YTD: r.rate("ytd"), YTDPrev: r.rate("ytd_prev"), YoY: r.rate("yoy"), MoM: r.rate("mom"),
			Target: r.rate("target"), Completion: r.rate("completion"), TimeProgress: *r.rate("time_progress"),
			ScheduleGap: r.rate("schedule_gap"), BenchmarkYoY: r.rate("benchmark_yoy"), Premium: r.rate("premium"),
			MeetsRule: r.boolp("meets_rule"), Achieved: r.boolp("achieved"),
		})
	}
	return out, nil
}

// GrowthSummaries sums growth per entity type and metric for month p.
func (q *Q) GrowthSummaries(ctx context.Context, p Period, f GrowthFilter) ([]GrowthSummary, error) {
	detail, err := q.growthSQL(p, f)
	if err != nil {
		return nil, err
	}
	text, err := render("growth_summary.sql", map[string]any{"Detail": detail})
	if err != nil {
		return nil, err
	}
	recs, err := q.records(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("growth summary %s: %w", p.Label, err)
	}
	out := make([]GrowthSummary, 0, len(recs))
	for _, r := range recs {
		out = append(out, GrowthSummary{
			EntityType: r.text("entity_type"), Metric: r.text("metric"), Month: r.text("month"),
			Entities: r.int("entities"), Achieved: r.int("achieved"), AchievedShare: r.rate("achieved_share"),
			YTD: r.rate("ytd"), YTDPrev: r.rate("ytd_prev"), YoY: r.rate("yoy"),
			Target: r.rate("target"), Completion: r.rate("completion"),
		})
	}
	return out, nil
}

// GrowthTable lays growth rows out with the columns of DOMAIN §7.
func GrowthTable(rows []GrowthRow) *tabular.Table {
	T, N, R, P, B := tabular.Text, tabular.Num, tabular.Rate, tabular.Points, tabular.Bool
	t := &tabular.Table{Columns: []tabular.Column{
		tabular.Col("entity_type", T), tabular.Col("entity", T), tabular.Col("metric", T), tabular.Col("month", T),
		tabular.Col("value", N), tabular.Col("ytd", N), tabular.Col("ytd_prev", N), tabular.Col("yoy", R), tabular.Col("mom", R),
		tabular.Col("target", N), tabular.Col("completion", R), tabular.Col("time_progress", R), tabular.Col("schedule_gap", P),
		tabular.Col("benchmark_yoy", R), tabular.Col("premium", P), tabular.Col("meets_rule", B), tabular.Col("achieved", B),
	}}
	for _, g := range rows {
		t.Rows = append(t.Rows, []any{g.EntityType, g.Entity, g.Metric, g.Month,
			round4p(g.Value), round4p(g.YTD), round4p(g.YTDPrev), g.YoY, g.MoM,
			round4p(g.Target), g.Completion, g.TimeProgress, g.ScheduleGap,
			g.BenchmarkYoY, g.Premium, boolOrNil(g.MeetsRule), boolOrNil(g.Achieved)})
	}
	return t
}

// GrowthSummaryTable lays summaries out with the columns of DOMAIN §7.
func GrowthSummaryTable(rows []GrowthSummary) *tabular.Table {
	T, I, N, R := tabular.Text, tabular.Int, tabular.Num, tabular.Rate
	t := &tabular.Table{Columns: []tabular.Column{
		tabular.Col("entity_type", T), tabular.Col("metric", T), tabular.Col("month", T),
		tabular.Col("entities", I), tabular.Col("achieved", I), tabular.Col("achieved_share", R),
		tabular.Col("ytd", N), tabular.Col("ytd_prev", N), tabular.Col("yoy", R), tabular.Col("target", N), tabular.Col("completion", R),
	}}
	for _, g := range rows {
		t.Rows = append(t.Rows, []any{g.EntityType, g.Metric, g.Month, g.Entities, g.Achieved, g.AchievedShare,
			round4p(g.YTD), round4p(g.YTDPrev), g.YoY, round4p(g.Target), g.Completion})
	}
	return t
}

func boolOrNil(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
