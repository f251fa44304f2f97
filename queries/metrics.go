package queries

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/tabular"
)

// Dimensions are the breakdowns of DOMAIN §2: the ticket column of each, or for month
// the month the ticket was created.
var Dimensions = []string{"region", "street", "department", "category", "source", "level", "cadre", "industry", "month"}

// MetricsRow is the metrics of one group of the cohort (DOMAIN §2, columns of §7).
// Rates are nil when their denominator is 0.
type MetricsRow struct {
	Dims []*string // values of the --by dimensions, in order; nil for a ticket without one

	Collected, Finished, Solved     int64
	CompletionRate, ResolutionRate  *float64
	Rated, Satisfied, Basic         int64
	Dissatisfied                    int64
	SatisfactionRate                *float64
	SatisfactionScore               *float64
	OnSite                          int64
	OnSiteRate                      *float64
	AssignedInTime                  int64
	ResponseRate                    *float64
	RepliedOnTime, ReplyDue         int64
	OnTimeReplyRate                 *float64
	Red, Black                      int64
	Reopened                        int64
	ReopenRate                      *float64
	AssignDaysMedian, AssignDaysP90 *float64
	AnswerDaysMedian, AnswerDaysP90 *float64
	FinishDaysMedian, FinishDaysP90 *float64
	// Excluded counts the tickets with an exclusion (审核剔除) approved by T; the other
	// figures count them all the same.
	Excluded int64
}

// Dim returns the value of dimension i, "" for none.
func (m MetricsRow) Dim(i int) string {
	if i < len(m.Dims) && m.Dims[i] != nil {
		return *m.Dims[i]
	}
	return ""
}

// CheckDimensions returns an error naming the valid dimensions if one of by is unknown.
func CheckDimensions(by []string) error {
	seen := map[string]bool{}
next:
	for _, d := range by {
		if seen[d] {
			return fmt.Errorf("dimension %q given twice", d)
		}
		seen[d] = true
		for _, ok := range Dimensions {
			if d == ok {
				continue next
			}
		}
		return fmt.Errorf("unknown dimension %q: use one or more of %s, separated by commas", d, strings.Join(Dimensions, ", "))
	}
	return nil
}

// groupSQL returns the select list prefix, the GROUP BY clause and the ORDER BY clause
// for dimensions by (already checked).
func groupSQL(by []string) (sel, group, order string) {
	if len(by) == 0 {
		return "", "", ""
	}
	var cols, keys []string
	for _, d := range by {
		if d == "month" {
			cols = append(cols, `strftime(created_month, '%Y-%m') AS "month"`)
		} else {
			cols = append(cols, fmt.Sprintf("%q", d))
		}
		keys = append(keys, fmt.Sprintf("%q COLLATE zh NULLS LAST", d))
	}
	return strings.Join(cols, ", ") + ",", "GROUP BY ALL", "ORDER BY " + strings.Join(keys, ", ")
}

// Metrics computes the metrics of the cohort of p, broken down by the dimensions by (none:
// one row of totals). It reads the session's facts table of p when one is made (Flags
// makes one), else computes the facts within its one query.
func (q *Q) Metrics(ctx context.Context, p Period, by []string) ([]MetricsRow, error) {
	if err := CheckDimensions(by); err != nil {
		return nil, err
	}
	if err := q.checkTickets(p); err != nil {
		return nil, err
	}
	table, err := q.factsSource(p, wide)
	if err != nil {
		return nil, err
	}
	sel, group, order := groupSQL(by)
	aggs, err := metricAggregates(q.rules)
	if err != nil {
		return nil, err
	}
	// Each quantile list (median, p90) is computed with one sort.
	query := fmt.Sprintf(`SELECT * EXCLUDE (assign_days_q, answer_days_q, finish_days_q),
    assign_days_q[1] AS assign_days_median, assign_days_q[2] AS assign_days_p90,
    answer_days_q[1] AS answer_days_median, answer_days_q[2] AS answer_days_p90,
    finish_days_q[1] AS finish_days_median, finish_days_q[2] AS finish_days_p90
FROM (SELECT %s
%s
FROM %s
%s)
%s`, sel, aggs, table, group, order)
	recs, err := q.records(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("metrics %s: %w", p.Label, err)
	}
	out := make([]MetricsRow, 0, len(recs))
	for _, r := range recs {
		row := MetricsRow{
			Collected: r.int("collected"), Finished: r.int("finished"), Solved: r.int("solved"),
			CompletionRate: r.rate("completion_rate"), ResolutionRate: r.rate("resolution_rate"),
			Rated: r.int("rated"), Satisfied: r.int("satisfied"), Basic: r.int("basic"), Dissatisfied: r.int("dissatisfied"),
			SatisfactionRate: r.rate("satisfaction_rate"), SatisfactionScore: r.rate("satisfaction_score"),
			OnSite: r.int("on_site"), OnSiteRate: r.rate("on_site_rate"),
			AssignedInTime: r.int("assigned_in_time"), ResponseRate: r.rate("response_rate"),
			RepliedOnTime: r.int("replied_on_time"), ReplyDue: r.int("reply_due"), OnTimeReplyRate: r.rate("on_time_reply_rate"),
			Red: r.int("red"), Black: r.int("black"),
			Reopened: r.int("reopened"), ReopenRate: r.rate("reopen_rate"),
			AssignDaysMedian: r.rate("assign_days_median"), AssignDaysP90: r.rate("assign_days_p90"),
			AnswerDaysMedian: r.rate("answer_days_median"), AnswerDaysP90: r.rate("answer_days_p90"),
			FinishDaysMedian: r.rate("finish_days_median"), FinishDaysP90: r.rate("finish_days_p90"),
			Excluded: r.int("excluded"),
		}
		for _, dim := range by {
			row.Dims = append(row.Dims, r.str(dim))
		}
		out = append(out, row)
	}
	return out, nil
}

// metricAggregates is the select list of the metric families (rates, 133 rule and flags,
// durations) over a facts table.
func metricAggregates(r zhuqi.Rules) (string, error) {
	data := ruleParams(r)
	var aggs []string
	for _, family := range []string{"rates.sql", "sla.sql", "durations.sql"} {
		text, err := render(family, data)
		if err != nil {
			return "", err
		}
		aggs = append(aggs, strings.TrimSpace(stripComments(text)))
	}
	return strings.Join(aggs, ",\n"), nil
}

// stripComments drops the comment lines of a SQL fragment.
func stripComments(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// MetricsTable lays rows out with the columns of DOMAIN §7 (then the durations).
func MetricsTable(by []string, rows []MetricsRow) *tabular.Table {
	t := &tabular.Table{}
	for _, d := range by {
		t.Columns = append(t.Columns, tabular.Column{Name: d, Kind: tabular.Text})
	}
	I, R, N := tabular.Int, tabular.Rate, tabular.Num
	t.Columns = append(t.Columns, []tabular.Column{
		tabular.Col("collected", I), tabular.Col("finished", I), tabular.Col("solved", I), tabular.Col("completion_rate", R), tabular.Col("resolution_rate", R),
		tabular.Col("rated", I), tabular.Col("satisfied", I), tabular.Col("basic", I), tabular.Col("dissatisfied", I), tabular.Col("satisfaction_rate", R),
		tabular.Col("satisfaction_score", tabular.Fraction), tabular.Col("on_site", I), tabular.Col("on_site_rate", R), tabular.Col("assigned_in_time", I), tabular.Col("response_rate", R),
		tabular.Col("replied_on_time", I), tabular.Col("reply_due", I), tabular.Col("on_time_reply_rate", R), tabular.Col("red", I), tabular.Col("black", I),
		tabular.Col("reopened", I), tabular.Col("reopen_rate", R),
		tabular.Col("assign_days_median", N), tabular.Col("assign_days_p90", N), tabular.Col("answer_days_median", N), tabular.Col("answer_days_p90", N),
		tabular.Col("finish_days_median", N), tabular.Col("finish_days_p90", N), tabular.Col("excluded", I),
	}...)
	for _, m := range rows {
		var row []any
		for _, d := range m.Dims {
			row = append(row, d)
		}
		row = append(row, m.Collected, m.Finished, m.Solved, m.CompletionRate, m.ResolutionRate,
			m.Rated, m.Satisfied, m.Basic, m.Dissatisfied, m.SatisfactionRate,
			m.SatisfactionScore, m.OnSite, m.OnSiteRate, m.AssignedInTime, m.ResponseRate,
			m.RepliedOnTime, m.ReplyDue, m.OnTimeReplyRate, m.Red, m.Black,
			m.Reopened, m.ReopenRate,
			round2p(m.AssignDaysMedian), round2p(m.AssignDaysP90), round2p(m.AnswerDaysMedian), round2p(m.AnswerDaysP90),
			round2p(m.FinishDaysMedian), round2p(m.FinishDaysP90), m.Excluded)
		t.Rows = append(t.Rows, row)
	}
	return t
}
