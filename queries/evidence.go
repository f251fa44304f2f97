package queries

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// Evidence row types.
const (
	EvidenceTicket    = "ticket"    // a ticket of the entity's cohort
	EvidenceDeduction = "deduction" // a deduction from a department's efficiency part
	EvidenceImputed   = "imputed"   // a part given the mean of the ranked (no ticket to count)
)

// EvidenceRow is one line of a ranking's evidence table (DOMAIN §4): a ticket with its
// facts at T and what it added to each count and part of its entity, a deduction with its
// reason, or a part imputed from the mean of the ranked.
type EvidenceRow struct {
	Entity, Type string
	TicketID     string
	CreatedAt    *time.Time
	Status       string
	Outcome      string
	Satisfaction string
	AssignTime   *time.Time
	AssignDue    *time.Time
	AnswerTime   *time.Time
	ReplyDue     *time.Time
	// Excluded lists the scopes of the exclusions in force at T (all, satisfaction,
	// timeliness), DocNo their document numbers and ExclusionReason their reasons.
	Excluded, DocNo, ExclusionReason string

	// What the ticket added to each count the ranking reads (0 or 1).
	Counted, Finished, Solved                              int64
	Rated, Satisfied, Basic, Dissatisfied                  int64
	ResponseCounted, AssignedInTime, ReplyCounted, Replied int64
	Weight                                                 *float64 // rating weight, when its rating counts

	// Parts holds what the row added to each part of the ranking, in points (columns
	// EvidencePartNames). Departments' efficiency: 20 plus the deduction rows' parts (each
	// negative), not below 0.
	Parts [3]*float64
	Note  string // a deduction's reason, or why a part is imputed
}

// Evidence is the evidence table of one ranking: Σ of an entity's rows gives its counts,
// and each published part (rounded to 2 decimals as published). Rows holds them when
// collected (Q.Evidence); a publication's evidence is streamed from the store instead
// (Each), so that a month of a large office is never held in memory.
type Evidence struct {
	Kind string
	Rows []EvidenceRow

	each func(ctx context.Context, fn func(*EvidenceRow) error) error
}

// Each calls fn with every row of the evidence in order: tickets by entity and ticket id,
// then deductions, then imputed parts. fn must not keep r, which is reused.
func (ev *Evidence) Each(ctx context.Context, fn func(r *EvidenceRow) error) error {
	if ev.each != nil {
		return ev.each(ctx, fn)
	}
	for i := range ev.Rows {
		r := ev.Rows[i]
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

// EvidencePartNames names the parts of ranking kind, as the evidence table's columns.
func EvidencePartNames(kind string) []string {
	switch kind {
	case Departments:
		return []string{"effect_points", "service_points", "efficiency_points"}
	case Regions:
		return []string{"response_points", "resolution_points", "satisfaction_points"}
	}
	return []string{"solved_points", "service_points"}
}

// Evidence computes the evidence of ranking rk (of period p, judged in this session) and
// holds its rows.
func (q *Q) Evidence(ctx context.Context, rk *Ranking) (*Evidence, error) {
	ev := &Evidence{Kind: rk.Kind}
	err := q.EachEvidence(ctx, rk, func(r *EvidenceRow) error {
		ev.Rows = append(ev.Rows, *r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// streamedEvidence is the evidence of rk streamed from the store by Each, in this session.
func (q *Q) streamedEvidence(rk *Ranking) *Evidence {
	return &Evidence{Kind: rk.Kind, each: func(ctx context.Context, fn func(*EvidenceRow) error) error {
		return q.EachEvidence(ctx, rk, fn)
	}}
}

// EachEvidence streams the evidence of ranking rk (of period p, judged in this session)
// row by row to fn, in the order of Evidence.Each, holding only each entity's sums.
func (q *Q) EachEvidence(ctx context.Context, rk *Ranking, fn func(r *EvidenceRow) error) error {
	p := rk.Period
	cube, err := q.cubeTable(ctx, p)
	if err != nil {
		return err
	}
	fd := q.factsData(p, "", lean)
	fd["Table"], fd["Evidence"] = "", true
	facts, err := render("facts.sql", fd)
	if err != nil {
		return err
	}
	_, _, data, err := rankData(q.rules, rk.Kind, p.Kind == "week")
	if err != nil {
		return err
	}
	var maxSolved int64
	for _, r := range rk.Rows {
		if r.Rank != nil && r.Solved > maxSolved {
			maxSolved = r.Solved
		}
	}
	data["Kind"], data["Entity"], data["Cube"], data["Facts"] = rk.Kind, entity[rk.Kind], cube, "("+facts+")"
	data["MaxSolved"], data["AsOf"] = maxSolved, tsLit(q.AsOf)
	text, err := render("evidence.sql", data)
	if err != nil {
		return err
	}
	sums := map[string]*entitySums{}
	sum := func(r *EvidenceRow) error {
		x := sums[r.Entity]
		if x == nil {
			x = &entitySums{}
			sums[r.Entity] = x
		}
		x.rated += r.Rated
		x.replyCounted += r.ReplyCounted
		x.responseCounted += r.ResponseCounted
		if r.Parts[0] != nil {
			x.part0 += *r.Parts[0]
		}
		return fn(r)
	}
	if err := q.scanEvidence(ctx, text, sum); err != nil {
		return fmt.Errorf("evidence %s %s: %w", rk.Kind, p.Label, err)
	}
	if rk.Kind == Departments {
		recs, err := q.records(ctx, `SELECT department, points::DOUBLE AS points, coalesce(reason, '') AS reason FROM deductions
WHERE month >= ?::DATE AND month < ?::DATE ORDER BY department COLLATE zh, reason, points`, p.Start.Format("2006-01-02"), p.End.Format("2006-01-02"))
		if err != nil {
			return fmt.Errorf("evidence %s deductions: %w", p.Label, err)
		}
		for _, r := range recs {
			pts := -*r.rate("points")
			if err := fn(&EvidenceRow{Entity: r.text("department"), Type: EvidenceDeduction, Parts: [3]*float64{nil, nil, &pts}, Note: r.text("reason")}); err != nil {
				return err
			}
		}
	}
	for _, r := range imputedRows(rk, sums, q.rules.Region.Scale*q.rules.Region.Response, q.rules.Region.Scale*q.rules.Region.Satisfaction) {
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

// entitySums are the sums of an entity's ticket rows that imputedRows reads.
type entitySums struct {
	rated, replyCounted, responseCounted int64
	part0                                float64 // Σ of the first part (departments: what completion gave)
}

// imputedRows are the parts of ranked entities that no ticket gives (no rating, no reply
// due, every ticket excluded for timeliness): the mean of the ranked, as rk published it.
// respW and satW are the regions' points for a response and a satisfaction rate of 1.
func imputedRows(rk *Ranking, s map[string]*entitySums, respW, satW float64) []EvidenceRow {
	var out []EvidenceRow
	add := func(name string, part int, v float64, note string) {
		row := EvidenceRow{Entity: name, Type: EvidenceImputed, Note: note}
		row.Parts[part] = &v
		out = append(out, row)
	}
	for _, r := range rk.Rows {
		x := s[r.Name]
		if r.Rank == nil || x == nil {
			continue
		}
		switch rk.Kind {
		case Departments:
			if x.rated == 0 && r.Service != nil {
				add(r.Name, 1, *r.Service, "无企业评价，服务分取参评平均值 / no ratings: mean service of the ranked")
			}
			if x.replyCounted == 0 && r.Effect != nil {
				// The effect part less what the tickets' completion gave.
				add(r.Name, 0, *r.Effect-x.part0, "无到期答复，答复分取参评平均值 / no reply due: mean reply part of the ranked")
			}
		case Regions:
			if x.rated == 0 && r.SatisfactionRate != nil {
				add(r.Name, 2, satW**r.SatisfactionRate, "无企业评价，满意率取参评平均值 / no ratings: mean satisfaction rate of the ranked")
			}
			if x.responseCounted == 0 && r.ResponseRate != nil {
				add(r.Name, 0, respW**r.ResponseRate, "诉求均按时效剔除，响应率取参评平均值 / every ticket excluded for timeliness: mean response rate")
			}
		}
	}
	return out
}

// EvidenceTable lays evidence out for CSV and XLSX: the ticket's facts at T, the
// exclusions in force, what it added to each count, then to each part in points.
func EvidenceTable(ev *Evidence) *tabular.Table {
	t := &tabular.Table{Columns: EvidenceColumns(ev.Kind)}
	for i := range ev.Rows {
		t.Rows = append(t.Rows, EvidenceValues(ev.Kind, &ev.Rows[i], nil))
	}
	return t
}

// EvidenceColumns are the columns of the evidence table of ranking kind (EvidenceTable).
func EvidenceColumns(kind string) []tabular.Column {
	T, I, N, Tm := tabular.Text, tabular.Int, tabular.Num, tabular.Time
	cols := []tabular.Column{
		tabular.Col("ranking", T), tabular.Col("entity", T), tabular.Col("row_type", T), tabular.Col("ticket_id", T),
		tabular.Col("created_at", Tm), tabular.Col("status", T), tabular.Col("outcome", T), tabular.Col("satisfaction", T),
		tabular.Col("assign_time", Tm), tabular.Col("assign_due", Tm), tabular.Col("answer_time", Tm), tabular.Col("reply_due", Tm),
		tabular.Col("excluded", T), tabular.Col("doc_no", T), tabular.Col("exclusion_reason", T),
		tabular.Col("counted", I), tabular.Col("finished", I), tabular.Col("solved", I),
		tabular.Col("response_counted", I), tabular.Col("assigned_in_time", I), tabular.Col("reply_counted", I), tabular.Col("replied_on_time", I),
		tabular.Col("rated", I), tabular.Col("satisfied", I), tabular.Col("basic", I), tabular.Col("dissatisfied", I), tabular.Col("rating_weight", N),
	}
	for _, n := range EvidencePartNames(kind) {
		cols = append(cols, tabular.Col(n, N))
	}
	return append(cols, tabular.Col("note", T))
}

// EvidenceValues appends to row[:0] the values of r in the columns of EvidenceColumns(kind).
func EvidenceValues(kind string, r *EvidenceRow, row []any) []any {
	row = append(row[:0], kind, r.Entity, r.Type, r.TicketID, r.CreatedAt, r.Status, r.Outcome, r.Satisfaction,
		r.AssignTime, r.AssignDue, r.AnswerTime, r.ReplyDue, r.Excluded, r.DocNo, r.ExclusionReason)
	if r.Type == EvidenceTicket {
		row = append(row, r.Counted, r.Finished, r.Solved, r.ResponseCounted, r.AssignedInTime, r.ReplyCounted, r.Replied,
			r.Rated, r.Satisfied, r.Basic, r.Dissatisfied, r.Weight)
	} else {
		row = append(row, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil)
	}
	for i := range EvidencePartNames(kind) {
		row = append(row, round10p(r.Parts[i]))
	}
	return append(row, r.Note)
}

// round10p rounds points to 10 decimals for the evidence files: a spreadsheet keeps 15
// significant digits, and 10 decimals keep every Σ of a part exact to its 2 published ones.
func round10p(f *float64) *float64 {
	if f == nil {
		return nil
	}
	r := math.Round(*f*1e10) / 1e10
	return &r
}

// scanEvidence streams the ticket rows of evidence.sql's query text to fn, column by
// column in its order: a month of a large office has a million of them.
func (q *Q) scanEvidence(ctx context.Context, text string, fn func(*EvidenceRow) error) error {
	rows, err := q.conn.QueryContext(ctx, text)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		entity, ticket, status, outcome, sat, excluded, docNo, reason sql.NullString
		created, assign, assignDue, answer, replyDue                  sql.NullTime
		weight, p1, p2, p3                                            sql.NullFloat64
	)
	for rows.Next() {
		var r EvidenceRow
		if err := rows.Scan(&entity, &ticket, &created, &status, &outcome, &sat, &assign, &assignDue, &answer, &replyDue,
			&excluded, &docNo, &reason, &r.Counted, &r.Finished, &r.Solved, &r.Rated, &r.Satisfied, &r.Basic, &r.Dissatisfied,
			&weight, &r.ResponseCounted, &r.AssignedInTime, &r.ReplyCounted, &r.Replied, &p1, &p2, &p3); err != nil {
			return err
		}
		r.Type, r.Entity, r.TicketID = EvidenceTicket, entity.String, ticket.String
		r.Status, r.Outcome, r.Satisfaction = status.String, outcome.String, sat.String
		r.Excluded, r.DocNo, r.ExclusionReason = excluded.String, docNo.String, reason.String
		r.CreatedAt, r.AssignTime, r.AssignDue = q.nullTime(created), q.nullTime(assign), q.nullTime(assignDue)
		r.AnswerTime, r.ReplyDue = q.nullTime(answer), q.nullTime(replyDue)
		r.Weight = nullFloat(weight)
		r.Parts = [3]*float64{nullFloat(p1), nullFloat(p2), nullFloat(p3)}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (q *Q) nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	w := wall(t.Time, q.loc)
	return &w
}

func nullFloat(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	return &f.Float64
}
