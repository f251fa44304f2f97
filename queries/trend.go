package queries

import (
	"context"
	"fmt"
)

// Trend computes the rates family of DOMAIN §2 (counts, completion, resolution and
// satisfaction rates, on-site, reopened) of the cohort of p by the month tickets were
// created: the same figures as Metrics(ctx, p, []string{"month"}) for those columns
// (the satisfaction score up to the order of a floating-point sum), counted from the
// tickets without the working-day facts, so that a 12-month trend stays cheap on large data. The
// 133-rule columns, flags and durations of the rows are zero or nil.
func (q *Q) Trend(ctx context.Context, p Period) ([]MetricsRow, error) {
	if err := q.checkTickets(p); err != nil {
		return nil, err
	}
	data := q.ruleParams()
	data["Start"] = sqlTime(p.Start)
	data["End"] = sqlTime(p.End)
	data["Source"], data["Reopened"] = q.judge.sourceFor(p), q.judge.reopened
	text, err := render("trend.sql", data)
	if err != nil {
		return nil, err
	}
	recs, err := q.records(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("trend %s: %w", p.Label, err)
	}
	out := make([]MetricsRow, 0, len(recs))
	for _, r := range recs {
		out = append(out, MetricsRow{
			Dims:      []*string{r.str("month")},
			Collected: r.int("collected"), Finished: r.int("finished"), Solved: r.int("solved"),
			CompletionRate: r.rate("completion_rate"), ResolutionRate: r.rate("resolution_rate"),
			Rated: r.int("rated"), Satisfied: r.int("satisfied"), Basic: r.int("basic"), Dissatisfied: r.int("dissatisfied"),
			SatisfactionRate: r.rate("satisfaction_rate"), SatisfactionScore: r.rate("satisfaction_score"),
			OnSite: r.int("on_site"), OnSiteRate: r.rate("on_site_rate"),
			Reopened: r.int("reopened"), ReopenRate: r.rate("reopen_rate"),
		})
	}
	return out, nil
}
