package queries

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/tabular"
)

// Ranking kinds.
const (
	Departments = "departments"
	Regions     = "regions"
	Cadres      = "cadres"
)

// RankKinds lists the rankings.
var RankKinds = []string{Departments, Regions, Cadres}

// RankRow is one entity of a ranking (columns of DOMAIN §7). Rank is nil for an entity
// that is not ranked; the component fields used depend on the kind.
type RankRow struct {
	Rank      *int64
	Name      string
	Collected int64
	// Departments: the three parts of the 100 points.
	Effect, Service, Efficiency *float64
	// Regions: the three rates.
	ResponseRate, ResolutionRate, SatisfactionRate *float64
	// Cadres.
	Solved            int64
	SatisfactionScore *float64

	Total      *float64
	PrevRank   *int64
	RankChange *int64 // previous rank − rank: positive means moved up
	Status     string // ranked or not_ranked
	Note       string // why not ranked, or what was imputed (Chinese)
}

// Ranking is one ranking of one period: every entity, ranked ones first in rank order,
// with the bottom of the table (通报) and the biggest risers (进步较快).
type Ranking struct {
	Kind         string
	Period       Period
	Previous     Period
	RulesVersion string
	AsOf         time.Time
	Minimum      int // the minimum that qualifies an entity (tickets, or solved for cadres)
	Rows         []RankRow
	Bottom       []RankRow
	Risers       []RankRow
	NotRanked    []RankRow
	// PrevBasis is how the previous period was judged, at the same age (DOMAIN §2.1);
	// PrevPublication the publication whose ranks are the previous ranks, when one exists.
	PrevBasis       Basis
	PrevPublication string
}

// previousRanks are the ranks of kind in prev (DOMAIN §2.1): those of the latest
// publication of prev when one exists (what the departments were shown), else prev
// judged at the same age as p.
func (q *Q) previousRanks(ctx context.Context, kind string, p, prev Period) (map[string]int64, Basis, string, error) {
	cq, basis, err := q.Compared(ctx, p, prev)
	if err != nil {
		return nil, basis, "", err
	}
	out := map[string]int64{}
	pub, err := q.latestPublication(ctx, prev.Label)
	if err != nil {
		return nil, basis, "", err
	}
	if pub != nil {
		if pr := pub.Ranking(kind); pr != nil {
			for _, r := range pr.Rows {
				if r.Rank != nil {
					out[r.Name] = *r.Rank
				}
			}
			return out, basis, pub.ID, nil
		}
	}
	before, _, err := cq.rankRows(ctx, kind, prev, true)
	if err != nil {
		return nil, basis, "", err
	}
	for _, r := range before {
		if r.Rank != nil {
			out[r.Name] = *r.Rank
		}
	}
	return out, basis, "", nil
}

// Rank computes ranking kind for period p, with rank changes against the previous period.
func (q *Q) Rank(ctx context.Context, kind string, p Period) (*Ranking, error) {
	if err := q.checkTickets(p); err != nil {
		return nil, err
	}
	rows, min, err := q.rankRows(ctx, kind, p, false)
	if err != nil {
		return nil, err
	}
	prev := p.Previous()
	prevRank, basis, pubID, err := q.previousRanks(ctx, kind, p, prev)
	if err != nil {
		return nil, err
	}
	rk := &Ranking{Kind: kind, Period: p, Previous: prev, RulesVersion: q.RulesVersion(), AsOf: q.AsOf, Minimum: min,
		PrevBasis: basis, PrevPublication: pubID}
	for i := range rows {
		r := &rows[i]
		if pr, ok := prevRank[r.Name]; ok {
			r.PrevRank = &pr
			if r.Rank != nil {
				ch := pr - *r.Rank
				r.RankChange = &ch
			}
		}
		if r.Rank == nil {
			rk.NotRanked = append(rk.NotRanked, *r)
		}
	}
	rk.Rows = rows
	rk.Bottom = bottom(rows, q.rules.Bottom)
	rk.Risers = risers(rows, q.rules.Risers)
	return rk, nil
}

// rankRows runs the ranking's SQL for p and assigns competition ranks (1, 2, 2, 4).
// With ranksOnly, it lists only the entities with tickets in p: the ranks are the same
// (a rank needs the minimum of tickets, and the means are of the ranked), without
// seeking every entity the tickets judged name (rank_names.sql), which for an earlier
// snapshot means every ticket's version at it.
func (q *Q) rankRows(ctx context.Context, kind string, p Period, ranksOnly bool) ([]RankRow, int, error) {
	table, err := q.cubeTable(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	names := fmt.Sprintf("(SELECT DISTINCT name FROM %s WHERE entity = '%s' AND name IS NOT NULL)", table, entity[kind])
	if !ranksOnly {
		if names, err = q.namesTable(ctx, kind); err != nil {
			return nil, 0, err
		}
	}
	file, min, data, err := rankData(q.rules, kind, p.Kind == "week")
	if err != nil {
		return nil, 0, err
	}
	data["Table"], data["Names"], data["Start"], data["End"] = table, names, dateLit(p.Start), dateLit(p.End)
	text, err := render(file, data)
	if err != nil {
		return nil, 0, err
	}
	recs, err := q.records(ctx, text)
	if err != nil {
		return nil, 0, fmt.Errorf("rank %s %s: %w", kind, p.Label, err)
	}
	rows := make([]RankRow, 0, len(recs))
	var lastTotal float64
	var rank int64
	for i, rec := range recs {
		row := RankRow{Name: rec.text("name"), Collected: rec.int("collected"), Total: rec.rate("total"), Status: "not_ranked"}
		switch kind {
		case Departments:
			row.Effect, row.Service, row.Efficiency = rec.rate("effect"), rec.rate("service"), rec.rate("efficiency")
		case Regions:
			row.ResponseRate, row.ResolutionRate, row.SatisfactionRate = rec.rate("response_rate"), rec.rate("resolution_rate"), rec.rate("satisfaction_rate")
		case Cadres:
			row.Solved, row.SatisfactionScore = rec.int("solved"), rec.rate("satisfaction_score")
		}
		if rec.bool("eligible") && row.Total != nil {
			if i == 0 || *row.Total != lastTotal {
				rank = int64(i) + 1
				lastTotal = *row.Total
			}
			rk := rank
			row.Rank, row.Status = &rk, "ranked"
			row.Note = imputedNote(rec)
		} else {
			row.Note = notRankedNote(kind, p, row, min)
		}
		rows = append(rows, row)
	}
	return rows, min, nil
}

// cubeTable materialises the counts of rank_cube.sql for period p once per session: what
// the three rankings (and their comparisons with p) read.
func (q *Q) cubeTable(ctx context.Context, p Period) (string, error) {
	key := q.judge.key + "cube\x00" + p.Label
	if t := q.facts[key]; t != "" {
		return t, nil
	}
	facts, err := q.factsSource(p, lean)
	if err != nil {
		return "", err
	}
	table := fmt.Sprintf("zq_cube_%d", len(q.facts)+1)
	if err := q.execTemplate(ctx, "rank_cube.sql", cubeData(table, facts, q.noExclusions)); err != nil {
		return "", fmt.Errorf("rank %s: %w", p.Label, err)
	}
	q.facts[key] = table
	return table, nil
}

// cubeData is the template data of rank_cube.sql: the counts of facts into table (""
// for the bare query), leaving out what exclusions take out unless noExclusions.
func cubeData(table, facts string, noExclusions bool) map[string]any {
	d := map[string]any{"Table": table, "Facts": facts,
		"NotAll": " AND NOT ex_all", "NotSat": " AND NOT (ex_all OR ex_sat)", "NotTime": " AND NOT (ex_all OR ex_time)",
		"Excluded": "ex_all OR ex_sat OR ex_time"}
	if noExclusions {
		d["NotAll"], d["NotSat"], d["NotTime"], d["Excluded"] = "", "", "", "false"
	}
	return d
}

// rankData is the template file, the minimum and the rule parameters of ranking kind
// (weekly: the cadre star); the caller adds Table (counts of rank_cube.sql), Names, Start
// and End.
func rankData(r zhuqi.Rules, kind string, weekly bool) (file string, min int, data map[string]any, err error) {
	data = map[string]any{
		"WSatisfied": num(r.WeightSatisfied), "WBasic": num(r.WeightBasic), "WDissatisfied": num(r.WeightDissatisfied),
	}
	switch kind {
	case Departments:
		file, min = "rank_departments.sql", r.Department.MinTickets
		data["Min"] = min
		data["EffectReply"] = num(r.Department.EffectReply)
		data["EffectCompletion"] = num(r.Department.EffectCompletion)
		data["Service"] = num(r.Department.Service)
		data["Efficiency"] = num(r.Department.Efficiency)
	case Regions:
		file, min = "rank_regions.sql", r.Region.MinTickets
		data["Min"] = min
		data["Scale"] = num(r.Region.Scale)
		data["WResponse"] = num(r.Region.Response)
		data["WResolution"] = num(r.Region.Resolution)
		data["WSatisfaction"] = num(r.Region.Satisfaction)
	case Cadres:
		file = "rank_cadres.sql"
		min = r.Cadre.MinSolved
		if weekly {
			min = r.Cadre.StarMinSolved
		}
		data["Weekly"] = weekly
		data["StarMinSat"] = num(r.Cadre.StarMinSatisfaction)
		data["StarMinSolved"] = r.Cadre.StarMinSolved
		data["MinSolved"] = r.Cadre.MinSolved
		data["Top"] = r.Cadre.Top
		data["WSolved"] = num(r.Cadre.SolvedWeight)
		data["WSat"] = num(r.Cadre.SatisfactionWeight)
	default:
		return "", 0, nil, fmt.Errorf("unknown ranking %q: use departments, regions or cadres", kind)
	}
	return file, min, data, nil
}

// entity is the entity column of rank_cube.sql and rank_names.sql for a ranking kind.
var entity = map[string]string{Departments: "department", Regions: "region", Cadres: "cadre"}

// namesSQL is the relation of the names ranking kind lists, from names, a relation of
// rank_names.sql.
func namesSQL(kind, names string) string {
	return fmt.Sprintf("(SELECT name FROM %s WHERE entity = '%s')", names, entity[kind])
}

// namesTable is the relation of the names ranking kind lists; rank_names.sql runs once
// per session.
func (q *Q) namesTable(ctx context.Context, kind string) (string, error) {
	key := q.judge.key + "names"
	table := q.facts[key]
	if table == "" {
		table = fmt.Sprintf("zq_names_%d", len(q.facts)+1)
		if err := q.execTemplate(ctx, "rank_names.sql", map[string]any{"Table": table, "Source": q.judge.source}); err != nil {
			return "", err
		}
		q.facts[key] = table
	}
	return namesSQL(kind, table), nil
}

func imputedNote(rec record) string {
	return imputedNoteOf(rec.bool("service_imputed"), rec.bool("reply_imputed"))
}

func imputedNoteOf(service, reply bool) string {
	switch {
	case service && reply:
		return "无评价、无到期答复，服务分与答复分取参评平均值 / no ratings and no reply due: mean service and reply parts"
	case service:
		return "无企业评价，服务分取参评平均值 / no ratings: mean of the ranked"
	case reply:
		return "无到期答复，答复分取参评平均值 / no reply due: mean reply part"
	}
	return ""
}

func notRankedNote(kind string, p Period, r RankRow, min int) string {
	switch {
	case kind == Cadres && p.Kind == "week":
		return fmt.Sprintf("未达评星条件（解决≥%d件且满意率≥标准） / not eligible for the star (at least %d solved and the satisfaction bar)", min, min)
	case kind == Cadres:
		return fmt.Sprintf("解决不足%d件或无评价 / fewer than %d solved or no ratings", min, min)
	case r.Collected == 0:
		return "本期无诉求 / no tickets in the period"
	}
	return fmt.Sprintf("诉求不足%d件，不参与排名 / fewer than %d tickets: not ranked", min, min)
}

// bottom returns the last n ranked rows, and any row tied with the first of them.
func bottom(rows []RankRow, n int) []RankRow {
	var ranked []RankRow
	for _, r := range rows {
		if r.Rank != nil {
			ranked = append(ranked, r)
		}
	}
	if n <= 0 || len(ranked) == 0 {
		return nil
	}
	if n > len(ranked) {
		n = len(ranked)
	}
	cut := *ranked[len(ranked)-n].Rank
	var out []RankRow
	for _, r := range ranked {
		if *r.Rank >= cut {
			out = append(out, r)
		}
	}
	return out
}

// risers returns the n ranked rows that rose most against the previous period, and any
// row tied with the last of them; only rows that rose.
func risers(rows []RankRow, n int) []RankRow {
	var up []RankRow
	for _, r := range rows {
		if r.RankChange != nil && *r.RankChange > 0 {
			up = append(up, r)
		}
	}
	sort.SliceStable(up, func(i, j int) bool { return *up[i].RankChange > *up[j].RankChange })
	if n <= 0 || len(up) == 0 {
		return nil
	}
	if n >= len(up) {
		return up
	}
	cut := *up[n-1].RankChange
	var out []RankRow
	for _, r := range up {
		if *r.RankChange >= cut {
			out = append(out, r)
		}
	}
	return out
}

// RankTable lays a ranking out with the columns of DOMAIN §7, then the rules version and
// a note.
func RankTable(rk *Ranking) *tabular.Table {
	rows := make([]PubRow, len(rk.Rows))
	for i, r := range rk.Rows {
		rows[i] = pubRow(rk.Kind, r)
	}
	return rankTable(rk.Kind, rk.RulesVersion, rows)
}

// rankTable lays the rows of a ranking of kind out (RankTable, PubRankTable).
func rankTable(kind, rulesVersion string, rows []PubRow) *tabular.Table {
	T, I, S, R, F := tabular.Text, tabular.Int, tabular.Score, tabular.Rate, tabular.Fraction
	cols := []tabular.Column{tabular.Col("rank", I), tabular.Col("name", T), tabular.Col("collected", I)}
	switch kind {
	case Departments:
		cols = append(cols, tabular.Col("effect", S), tabular.Col("service", S), tabular.Col("efficiency", S))
	case Regions:
		cols = append(cols, tabular.Col("response_rate", R), tabular.Col("resolution_rate", R), tabular.Col("satisfaction_rate", R))
	case Cadres:
		cols = append(cols, tabular.Col("solved", I), tabular.Col("satisfaction_score", F))
	}
	cols = append(cols, tabular.Col("total", S), tabular.Col("prev_rank", I), tabular.Col("rank_change", I),
		tabular.Col("status", T), tabular.Col("rules_version", T), tabular.Col("note", T))
	t := &tabular.Table{Columns: cols}
	for _, r := range rows {
		row := []any{r.Rank, r.Name, r.Collected}
		switch kind {
		case Departments:
			row = append(row, r.Effect, r.Service, r.Efficiency)
		case Regions:
			row = append(row, r.ResponseRate, r.ResolutionRate, r.SatisfactionRate)
		case Cadres:
			row = append(row, r.Solved, r.SatisfactionScore)
		}
		row = append(row, r.Total, r.PrevRank, r.RankChange, r.Status, rulesVersion, r.Note)
		t.Rows = append(t.Rows, row)
	}
	return t
}
