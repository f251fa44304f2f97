package queries

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Changes is what changed in a publication against its previous version, and why
// (DOMAIN §4): a new snapshot or other new inputs, exclusions, deductions, the rules;
// then the entities whose totals or ranks moved.
type Changes struct {
	Previous   string            `json:"previous"` // the version compared with
	Snapshot   *Change           `json:"snapshot,omitempty"`
	NewInputs  []Input           `json:"new_inputs,omitempty"`
	Exclusions []ExclusionChange `json:"exclusions,omitempty"`
	Deductions []DeductionChange `json:"deductions,omitempty"`
	Rules      *Change           `json:"rules,omitempty"`
	Moved      []Moved           `json:"moved,omitempty"`
}

// Change is a value before and after.
type Change struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// ExclusionChange is an exclusion of a ticket of the period that came into force (added)
// or left (removed) between two versions.
type ExclusionChange struct {
	Change     string `json:"change"` // added or removed
	DocNo      string `json:"doc_no"`
	TicketID   string `json:"ticket_id"`
	Scope      string `json:"scope"`
	Reason     string `json:"reason"`
	ApprovedBy string `json:"approved_by,omitempty"`
	ApprovedAt string `json:"approved_at"`
	Department string `json:"department,omitempty"`
	Region     string `json:"region,omitempty"`
}

// DeductionChange is a deduction of the period whose points changed (nil: none).
type DeductionChange struct {
	Department string   `json:"department"`
	Reason     string   `json:"reason"`
	From       *float64 `json:"from"`
	To         *float64 `json:"to"`
}

// Moved is an entity whose total or rank changed.
type Moved struct {
	Ranking   string   `json:"ranking"`
	Name      string   `json:"name"`
	TotalFrom *float64 `json:"total_from"`
	TotalTo   *float64 `json:"total_to"`
	RankFrom  *int64   `json:"rank_from"`
	RankTo    *int64   `json:"rank_to"`
}

// changes compares pub with prev, an earlier version of the same period p.
func (q *Q) changes(ctx context.Context, p Period, prev, pub *Publication) (*Changes, error) {
	c := &Changes{Previous: prev.ID}
	if prev.AsOf != pub.AsOf {
		c.Snapshot = &Change{From: prev.AsOf, To: pub.AsOf}
	}
	if prev.RulesVersion != pub.RulesVersion {
		c.Rules = &Change{From: prev.RulesVersion, To: pub.RulesVersion}
	}
	had := map[string]bool{}
	for _, in := range prev.Inputs {
		had[in.Kind+" "+in.SHA256] = true
	}
	for _, in := range pub.Inputs {
		if !had[in.Kind+" "+in.SHA256] {
			c.NewInputs = append(c.NewInputs, in)
		}
	}
	before, err := q.exclusionsInForce(ctx, p, prev)
	if err != nil {
		return nil, err
	}
	after, err := q.exclusionsInForce(ctx, p, pub)
	if err != nil {
		return nil, err
	}
	c.Exclusions = append(diffExclusions("removed", before, after), diffExclusions("added", after, before)...)
	sort.SliceStable(c.Exclusions, func(i, j int) bool {
		a, b := c.Exclusions[i], c.Exclusions[j]
		return a.DocNo+"\x00"+a.TicketID+"\x00"+a.Scope < b.DocNo+"\x00"+b.TicketID+"\x00"+b.Scope
	})
	dBefore, err := q.deductionsOf(ctx, p, prev)
	if err != nil {
		return nil, err
	}
	dAfter, err := q.deductionsOf(ctx, p, pub)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for k := range dBefore {
		keys[k] = true
	}
	for k := range dAfter {
		keys[k] = true
	}
	for _, k := range sortedStrings(keys) {
		from, to := dBefore[k], dAfter[k]
		if from != nil && to != nil && *from == *to {
			continue
		}
		dept, reason, _ := strings.Cut(k, "\x00")
		c.Deductions = append(c.Deductions, DeductionChange{Department: dept, Reason: reason, From: from, To: to})
	}
	for _, pr := range pub.Rankings {
		old := prev.Ranking(pr.Ranking)
		was := map[string]PubRow{}
		if old != nil {
			for _, r := range old.Rows {
				was[r.Name] = r
			}
		}
		for _, r := range pr.Rows {
			o, ok := was[r.Name]
			if ok && eqFloat(o.Total, r.Total) && eqInt(o.Rank, r.Rank) {
				continue
			}
			m := Moved{Ranking: pr.Ranking, Name: r.Name, TotalTo: r.Total, RankTo: r.Rank}
			if ok {
				m.TotalFrom, m.RankFrom = o.Total, o.Rank
			}
			c.Moved = append(c.Moved, m)
		}
	}
	return c, nil
}

// exclusionsInForce are the exclusions of tickets created in p that pub rests on: those
// of its input files approved by its snapshot time, keyed by doc_no, ticket and scope.
func (q *Q) exclusionsInForce(ctx context.Context, p Period, pub *Publication) (map[string]ExclusionChange, error) {
	var shas []string
	for _, in := range pub.Inputs {
		if in.Kind == "exclusions" {
			shas = append(shas, sqlString(in.SHA256))
		}
	}
	out := map[string]ExclusionChange{}
	if len(shas) == 0 {
		return out, nil
	}
	recs, err := q.records(ctx, fmt.Sprintf(`SELECT DISTINCT e.doc_no, e.ticket_id, e.scope, e.reason, coalesce(e.approved_by, '') AS approved_by,
    strftime(e.approved_at, '%%Y-%%m-%%d %%H:%%M') AS approved_at, coalesce(t.department, '') AS department, t.region
FROM exclusions e JOIN ingests i ON i.ingest_id = e.ingest_id AND i.kind = 'exclusions'
JOIN tickets t ON t.ticket_id = e.ticket_id
WHERE i.sha256 IN (%s) AND e.approved_at <= ?::TIMESTAMP AND t.created_at >= ?::TIMESTAMP AND t.created_at < ?::TIMESTAMP`,
		strings.Join(shas, ", ")), pub.AsOf, sqlTime(p.Start), sqlTime(p.End))
	if err != nil {
		return nil, fmt.Errorf("exclusions of %s: %w", pub.ID, err)
	}
	for _, r := range recs {
		e := ExclusionChange{DocNo: r.text("doc_no"), TicketID: r.text("ticket_id"), Scope: r.text("scope"), Reason: r.text("reason"),
			ApprovedBy: r.text("approved_by"), ApprovedAt: r.text("approved_at"), Department: r.text("department"), Region: r.text("region")}
		out[e.DocNo+"\x00"+e.TicketID+"\x00"+e.Scope] = e
	}
	return out, nil
}

// deductionsOf are the deductions of p that pub rests on (the latest of its input files
// per department, month and reason), summed per department and reason.
func (q *Q) deductionsOf(ctx context.Context, p Period, pub *Publication) (map[string]*float64, error) {
	var shas []string
	for _, in := range pub.Inputs {
		if in.Kind == "deductions" {
			shas = append(shas, sqlString(in.SHA256))
		}
	}
	out := map[string]*float64{}
	if len(shas) == 0 {
		return out, nil
	}
	recs, err := q.records(ctx, fmt.Sprintf(`SELECT department, coalesce(reason, '') AS reason, sum(points)::DOUBLE AS points FROM (
    SELECT d.*, row_number() OVER (PARTITION BY d.department, d.month, d.reason ORDER BY d.ingest_id DESC, d.row_number DESC) AS rn
    FROM deduction_rows d JOIN ingests i ON i.ingest_id = d.ingest_id AND i.kind = 'deductions'
    WHERE i.sha256 IN (%s))
WHERE rn = 1 AND month >= ?::DATE AND month < ?::DATE
GROUP BY ALL`, strings.Join(shas, ", ")), p.Start.Format("2006-01-02"), p.End.Format("2006-01-02"))
	if err != nil {
		return nil, fmt.Errorf("deductions of %s: %w", pub.ID, err)
	}
	for _, r := range recs {
		out[r.text("department")+"\x00"+r.text("reason")] = r.rate("points")
	}
	return out, nil
}

// diffExclusions lists the exclusions of a that b lacks, marked change.
func diffExclusions(change string, a, b map[string]ExclusionChange) []ExclusionChange {
	var out []ExclusionChange
	for k, e := range a {
		if _, ok := b[k]; !ok {
			e.Change = change
			out = append(out, e)
		}
	}
	return out
}

func sortedStrings(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func eqFloat(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqInt(a, b *int64) bool     { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// withEvidence gives pub the evidence of its rankings of p, streamed on demand from the
// store as judged in this session (the inputs pub rests on): rks are those rankings when
// computed already, else nil.
func (q *Q) withEvidence(ctx context.Context, p Period, pub *Publication, rks []*Ranking) error {
	if rks == nil {
		for _, k := range RankKinds {
			rk, err := q.Rank(ctx, k, p)
			if err != nil {
				return fmt.Errorf("evidence of %s: %w", pub.ID, err)
			}
			rks = append(rks, rk)
		}
	}
	for _, rk := range rks {
		pub.Evidence = append(pub.Evidence, q.streamedEvidence(rk))
	}
	return nil
}
