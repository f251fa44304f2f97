package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// Flag is one red- or black-flagged ticket at the snapshot time.
type Flag struct {
	Flag                         string // red or black
	TicketID, Enterprise, Region string
	Department, Cadre            *string
	Category, Status             string
	CreatedAt, DueAt             time.Time
	AnsweredAt                   *time.Time
	LateDays                     float64 // working days late, 2 decimals
}

// Flags lists red and black flags at the snapshot time, longest overdue first. With
// cohort nil it lists what a 督办清单 needs today: every ticket still unanswered and late,
// and those answered late since the start of the snapshot's month. With a cohort, it lists
// every flagged ticket created in that period.
func (q *Q) Flags(ctx context.Context, cohort *Period) ([]Flag, error) {
	flags, _, err := q.flags(ctx, cohort, 0)
	return flags, err
}

// FlagsTop is Flags cut to the first n flags, with the number of all of them: what a
// document that lists the longest overdue needs, without reading every flag.
func (q *Q) FlagsTop(ctx context.Context, cohort *Period, n int) ([]Flag, int64, error) {
	if n <= 0 {
		return nil, 0, fmt.Errorf("flags: top %d: want at least 1", n)
	}
	return q.flags(ctx, cohort, n)
}

// flags lists the flags as Flags does, the first limit of them when limit > 0, and counts
// them all.
func (q *Q) flags(ctx context.Context, cohort *Period, limit int) ([]Flag, int64, error) {
	if q.noTickets {
		return nil, 0, ErrNoTickets
	}
	var table string
	var err error
	if cohort != nil {
		if err := q.Check(*cohort); err != nil {
			return nil, 0, err
		}
		table, err = q.factsTable(ctx, *cohort, listing)
	} else {
		monthStart := time.Date(q.AsOf.Year(), q.AsOf.Month(), 1, 0, 0, 0, 0, q.loc)
		all := Period{Label: "open", Kind: "range", Start: time.Date(1900, 1, 1, 0, 0, 0, 0, q.loc), End: q.AsOf.Add(time.Second)}
		table, err = q.factsWhere(ctx, all, fmt.Sprintf(
			"coalesce(tk.responded_at, tk.resolved_at) IS NULL OR coalesce(tk.responded_at, tk.resolved_at) >= TIMESTAMP '%s'", sqlTime(monthStart)), listing)
	}
	if err != nil {
		return nil, 0, err
	}
	data := q.ruleParams()
	data["Table"] = table
	data["Limit"] = limit
	text, err := render("flags.sql", data)
	if err != nil {
		return nil, 0, err
	}
	recs, err := q.records(ctx, text)
	if err != nil {
		return nil, 0, fmt.Errorf("flags: %w", err)
	}
	var total int64
	out := make([]Flag, 0, len(recs))
	for _, r := range recs {
		total = r.int("total")
		out = append(out, Flag{
			Flag: r.text("flag"), TicketID: r.text("ticket_id"), Enterprise: r.text("enterprise"), Region: r.text("region"),
			Department: r.str("department"), Cadre: r.str("cadre"), Category: r.text("category"), Status: r.text("status"),
			CreatedAt: *r.time("created_at", q.loc), DueAt: *r.time("due_at", q.loc), AnsweredAt: r.time("answered_at", q.loc),
			LateDays: *r.rate("late_days"),
		})
	}
	return out, total, nil
}

// FlagsTable lays flags out for the command line.
func FlagsTable(fs []Flag) *tabular.Table {
	T, Tm, N := tabular.Text, tabular.Time, tabular.Num
	t := &tabular.Table{Columns: []tabular.Column{
		tabular.Col("flag", T), tabular.Col("ticket_id", T), tabular.Col("enterprise", T), tabular.Col("region", T),
		tabular.Col("department", T), tabular.Col("cadre", T), tabular.Col("category", T), tabular.Col("status", T),
		tabular.Col("created_at", Tm), tabular.Col("due_at", Tm), tabular.Col("answered_at", Tm), tabular.Col("late_days", N),
	}}
	for _, f := range fs {
		t.Rows = append(t.Rows, []any{f.Flag, f.TicketID, f.Enterprise, f.Region, f.Department, f.Cadre, f.Category, f.Status,
			f.CreatedAt, f.DueAt, f.AnsweredAt, f.LateDays})
	}
	return t
}
