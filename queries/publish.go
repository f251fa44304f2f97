package queries

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/store"
)

// Publication is a frozen ranking publication (DOMAIN §4): what was ranked, on which
// data, under which rules. Its Body is canonical JSON; the same inputs give the same bytes.
type Publication struct {
	ID           string    `json:"publication_id"`
	Kind         string    `json:"kind"`
	Period       string    `json:"period"`
	Version      int       `json:"version"`
	RulesVersion string    `json:"rules_version"`
	AsOf         string    `json:"as_of"`
	Inputs       []Input   `json:"inputs"`
	InputsSHA256 string    `json:"inputs_sha256"`
	Rankings     []PubRank `json:"rankings"`
	// Changes against the previous version of the period (none for a first version).
	Changes *Changes `json:"changes,omitempty"`

	// Evidence of each ranking (versions.go), streamed from the store by Evidence.Each
	// while the session that prepared the publication is open; not stored.
	Evidence []*Evidence `json:"-"`

	// Stored beside the body, not in it.
	BodySHA256  string    `json:"-"`
	Files       []string  `json:"-"`
	PublishedAt time.Time `json:"-"`
	// Existing is true when Prepare found this version already stored.
	Existing bool `json:"-"`
}

// Input is one ingested file a publication rests on.
type Input struct {
	Kind   string `json:"kind"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	AsOf   string `json:"as_of"`
}

// PubRank is one ranking inside a publication.
type PubRank struct {
	Ranking   string   `json:"ranking"`
	Previous  string   `json:"previous_period"`
	Minimum   int      `json:"minimum"`
	Rows      []PubRow `json:"rows"`
	Bottom    []string `json:"bottom"`
	Risers    []string `json:"risers"`
	NotRanked []string `json:"not_ranked"`
	// How the previous ranks were judged (DOMAIN §2.1): the publication of the previous
	// period they come from, else the time T′ and the snapshot judged (none: rebuilt
	// from the event timestamps).
	PreviousPublication string `json:"previous_publication,omitempty"`
	PreviousJudgedAt    string `json:"previous_judged_at,omitempty"`
	PreviousSnapshot    string `json:"previous_snapshot,omitempty"`
}

// PubRow is a ranking row as published.
type PubRow struct {
	Rank              *int64   `json:"rank"`
	Name              string   `json:"name"`
	Collected         int64    `json:"collected"`
	Effect            *float64 `json:"effect,omitempty"`
	Service           *float64 `json:"service,omitempty"`
	Efficiency        *float64 `json:"efficiency,omitempty"`
	ResponseRate      *float64 `json:"response_rate,omitempty"`
	ResolutionRate    *float64 `json:"resolution_rate,omitempty"`
	SatisfactionRate  *float64 `json:"satisfaction_rate,omitempty"`
	Solved            *int64   `json:"solved,omitempty"`
	SatisfactionScore *float64 `json:"satisfaction_score,omitempty"`
	Total             *float64 `json:"total"`
	PrevRank          *int64   `json:"prev_rank"`
	RankChange        *int64   `json:"rank_change"`
	Status            string   `json:"status"`
	Note              string   `json:"note,omitempty"`
}

// Ranking returns the ranking of kind k, or nil.
func (p *Publication) Ranking(k string) *PubRank {
	for i := range p.Rankings {
		if p.Rankings[i].Ranking == k {
			return &p.Rankings[i]
		}
	}
	return nil
}

// Prepare freezes the three rankings of period p (DOMAIN §4). When the latest stored
// version of the period has the same inputs and rules, it returns that one (Existing);
// otherwise the next version of the period, not yet stored: the publishing package
// records it (Record, store.Store.SavePublication) once its files are written. Prepare
// reads only: it runs on a read-only store.
func (q *Q) Prepare(ctx context.Context, p Period, now time.Time) (*Publication, error) {
	if err := q.checkTickets(p); err != nil {
		return nil, err
	}
	if q.judge.key != "" {
		return nil, fmt.Errorf("publish %s: a publication freezes the latest data (%s), not an earlier snapshot (%s); drop --as-of",
			p.Label, q.latest.Format("2006-01-02 15:04"), q.AsOf.Format("2006-01-02 15:04"))
	}
	if !q.AllowUnfinished {
		if err := q.CheckFinished(p); err != nil {
			return nil, err
		}
	}
	inputs, err := q.inputs(ctx)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	for _, in := range inputs {
		fmt.Fprintf(h, "%s %s %s\n", in.Kind, in.SHA256, in.AsOf)
	}
	inputsSHA := hex.EncodeToString(h.Sum(nil))
	rules := q.RulesVersion()

	prev, err := q.latestPublication(ctx, p.Label)
	if err != nil {
		return nil, err
	} else if prev != nil && prev.InputsSHA256 == inputsSHA && prev.RulesVersion == rules {
		prev.Existing = true
		return prev, q.withEvidence(ctx, p, prev, nil)
	}
	version := 1
	if err := q.conn.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) + 1 FROM publications WHERE kind = 'ranking' AND period = ?`, p.Label).Scan(&version); err != nil {
		return nil, fmt.Errorf("publish %s: %w", p.Label, err)
	}
	pub := &Publication{
		ID: fmt.Sprintf("ranking-%s-v%d", p.Label, version), Kind: "ranking", Period: p.Label, Version: version,
		RulesVersion: rules, AsOf: q.AsOf.Format("2006-01-02 15:04:05"), Inputs: inputs, InputsSHA256: inputsSHA,
		PublishedAt: now,
	}
	var rks []*Ranking
	for _, k := range RankKinds {
		rk, err := q.Rank(ctx, k, p)
		if err != nil {
			return nil, fmt.Errorf("publish %s: %w", p.Label, err)
		}
		pub.Rankings = append(pub.Rankings, pubRank(rk))
		rks = append(rks, rk)
	}
	if prev != nil {
		if pub.Changes, err = q.changes(ctx, p, prev, pub); err != nil {
			return nil, fmt.Errorf("publish %s: %w", p.Label, err)
		}
	}
	if err := q.withEvidence(ctx, p, pub, rks); err != nil {
		return nil, err
	}
	body, err := pub.Body()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	pub.BodySHA256 = hex.EncodeToString(sum[:])
	return pub, nil
}

// Body is the publication's canonical JSON.
func (p *Publication) Body() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode publication %s: %w", p.ID, err)
	}
	return append(b, '\n'), nil
}

func pubRank(rk *Ranking) PubRank {
	pr := PubRank{Ranking: rk.Kind, Previous: rk.Previous.Label, Minimum: rk.Minimum,
		Bottom: []string{}, Risers: []string{}, NotRanked: []string{}, PreviousPublication: rk.PrevPublication}
	if rk.PrevPublication == "" && !rk.PrevBasis.At.IsZero() {
		pr.PreviousJudgedAt = rk.PrevBasis.At.Format("2006-01-02 15:04:05")
		if !rk.PrevBasis.Rewound() {
			pr.PreviousSnapshot = rk.PrevBasis.Snapshot.Format("2006-01-02 15:04:05")
		}
	}
	for _, r := range rk.Rows {
		// The rates are published with 6 decimals, as the CSV shows them.
		row := pubRow(rk.Kind, r)
		row.ResponseRate, row.ResolutionRate, row.SatisfactionRate = round6p(row.ResponseRate), round6p(row.ResolutionRate), round6p(row.SatisfactionRate)
		row.SatisfactionScore = round6p(row.SatisfactionScore)
		pr.Rows = append(pr.Rows, row)
	}
	for _, r := range rk.Bottom {
		pr.Bottom = append(pr.Bottom, r.Name)
	}
	for _, r := range rk.Risers {
		pr.Risers = append(pr.Risers, r.Name)
	}
	for _, r := range rk.NotRanked {
		pr.NotRanked = append(pr.NotRanked, r.Name)
	}
	return pr
}

// pubRow is r as published in a ranking of kind: the components of that kind only.
func pubRow(kind string, r RankRow) PubRow {
	row := PubRow{Rank: r.Rank, Name: r.Name, Collected: r.Collected, Total: r.Total,
		PrevRank: r.PrevRank, RankChange: r.RankChange, Status: r.Status, Note: r.Note}
	switch kind {
	case Departments:
		row.Effect, row.Service, row.Efficiency = r.Effect, r.Service, r.Efficiency
	case Regions:
		row.ResponseRate, row.ResolutionRate, row.SatisfactionRate = r.ResponseRate, r.ResolutionRate, r.SatisfactionRate
	case Cadres:
		solved := r.Solved
		row.Solved, row.SatisfactionScore = &solved, r.SatisfactionScore
	}
	return row
}

func (q *Q) inputs(ctx context.Context) ([]Input, error) {
	recs, err := q.records(ctx, `SELECT kind, file, sha256, strftime(as_of, '%Y-%m-%d %H:%M:%S') AS as_of FROM ingests ORDER BY as_of, kind, sha256`)
	if err != nil {
		return nil, fmt.Errorf("publish: inputs: %w", err)
	}
	out := make([]Input, 0, len(recs))
	for _, r := range recs {
		file := r.text("file")
		if i := strings.LastIndexAny(file, `/\`); i >= 0 {
			file = file[i+1:]
		}
		out = append(out, Input{Kind: r.text("kind"), File: file, SHA256: r.text("sha256"), AsOf: r.text("as_of")})
	}
	return out, nil
}

// Record is the publication in the plain values of the publications and
// publication_rows tables, its times as wall clock in loc.
func (p *Publication) Record(loc *time.Location) (*store.Publication, error) {
	body, err := p.Body()
	if err != nil {
		return nil, err
	}
	inputs, err := json.Marshal(p.Inputs)
	if err != nil {
		return nil, err
	}
	rec := &store.Publication{ID: p.ID, Kind: p.Kind, Period: p.Period, Version: p.Version, RulesVersion: p.RulesVersion,
		AsOf: p.AsOf, Inputs: inputs, InputsSHA256: p.InputsSHA256, Body: body, BodySHA256: p.BodySHA256,
		PublishedAt: p.PublishedAt.In(loc).Format("2006-01-02 15:04:05")}
	for _, rk := range p.Rankings {
		for i, r := range rk.Rows {
			rec.Rows = append(rec.Rows, []any{rk.Ranking, i + 1, r.Rank, r.Name, r.Collected, r.Effect, r.Service, r.Efficiency,
				r.ResponseRate, r.ResolutionRate, r.SatisfactionRate, r.Solved, r.SatisfactionScore,
				r.Total, r.PrevRank, r.RankChange, r.Status, nullIfEmpty(r.Note)})
		}
	}
	return rec, nil
}

func (q *Q) latestPublication(ctx context.Context, period string) (*Publication, error) {
	var id string
	err := q.conn.QueryRowContext(ctx, `SELECT publication_id FROM publications WHERE kind = 'ranking' AND period = ? ORDER BY version DESC LIMIT 1`, period).Scan(&id)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("publications of %s: %w", period, err)
	}
	return q.Publication(ctx, id)
}

// Publication loads a stored publication by id (e.g. ranking-2026-10-v1), or the latest
// version of a period when id is a period label.
func (q *Q) Publication(ctx context.Context, id string) (*Publication, error) {
	if !strings.HasPrefix(id, "ranking-") {
		p, err := q.latestPublication(ctx, id)
		if err == nil && p == nil {
			err = fmt.Errorf("no publication of %s yet: run `zhuqi publish ranking --period %s`", id, id)
		}
		return p, err
	}
	var body, files string
	var sum string
	var at time.Time
	err := q.conn.QueryRowContext(ctx, `SELECT body::VARCHAR, body_sha256, files::VARCHAR, published_at FROM publications WHERE publication_id = ?`, id).Scan(&body, &sum, &files, &at)
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("no publication %q: `zhuqi publish list` shows the stored ones", id)
	}
	if err != nil {
		return nil, fmt.Errorf("publication %s: %w", id, err)
	}
	var pub Publication
	if err := json.Unmarshal([]byte(body), &pub); err != nil {
		return nil, fmt.Errorf("publication %s: %w", id, err)
	}
	pub.BodySHA256, pub.PublishedAt = sum, at
	if err := json.Unmarshal([]byte(files), &pub.Files); err != nil {
		return nil, fmt.Errorf("publication %s files: %w", id, err)
	}
	return &pub, nil
}

// PublicationInfo is one line of `zhuqi publish list`.
type PublicationInfo struct {
	ID, Period, RulesVersion string
	Version                  int
	AsOf, PublishedAt        time.Time
	Inputs                   int
	BodySHA256               string
}

// Publications lists the stored publications, newest period first.
func (q *Q) Publications(ctx context.Context) ([]PublicationInfo, error) {
	recs, err := q.records(ctx, `SELECT publication_id, period, version, rules_version, as_of, published_at,
		json_array_length(inputs) AS inputs, body_sha256 FROM publications ORDER BY period DESC, version DESC`)
	if err != nil {
		return nil, fmt.Errorf("publications: %w", err)
	}
	var out []PublicationInfo
	for _, r := range recs {
		out = append(out, PublicationInfo{ID: r.text("publication_id"), Period: r.text("period"), Version: int(r.int("version")),
			RulesVersion: r.text("rules_version"), AsOf: *r.time("as_of", q.loc), PublishedAt: *r.time("published_at", q.loc),
			Inputs: int(r.int("inputs")), BodySHA256: r.text("body_sha256")})
	}
	return out, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// PubRankTable lays a published ranking out with the columns of DOMAIN §7 rank, then the
// rules version and the note.
func PubRankTable(pub *Publication, pr *PubRank) *tabular.Table {
	return rankTable(pr.Ranking, pub.RulesVersion, pr.Rows)
}
