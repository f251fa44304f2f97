package reports

import (
	"context"
	"strconv"

	"github.com/zhuqi/zhuqi/queries"
)

// cadres builds the cadre recognition (赛比评) of p: for a week, the star of the week
// (most solved among cadres who meet the bar); for a month, the recognised top
// (rules.cadre.top, ties included). Cadres who did not meet the bar are counted, not
// listed.
func cadres(ctx context.Context, q *queries.Q, p queries.Period, L labels) (*document, *queries.Ranking, error) {
	rk, err := q.Rank(ctx, queries.Cadres, p)
	if err != nil {
		return nil, nil, err
	}
	doc := &document{Title: L.t("cadres"), Subtitle: L.periodName(p), Meta: L.meta(p, q.AsOf, q.RulesVersion())}
	var ranked []queries.RankRow
	for _, r := range rk.Rows {
		if r.Rank != nil {
			ranked = append(ranked, r)
		}
	}
	if p.Kind == "week" {
		doc.heading(L.t("h.star"))
	} else {
		doc.heading(L.t("h.recognised"))
	}
	if p.Kind == "week" {
		var stars []string
		var solved int64
		for _, r := range ranked {
			if *r.Rank == 1 {
				stars = append(stars, r.Name)
				solved = r.Solved
			}
		}
		if len(stars) == 0 {
			doc.paragraph(L.t("star.none", rk.Minimum))
		} else {
			doc.paragraph(L.t("star.intro", joinNames(L, stars), solved))
		}
	} else {
		doc.paragraph(L.t("cadres.intro", L.periodName(p), len(ranked)))
	}
	// For a month, the recognised: ranks 1 to rules.cadre.top, ties included.
	cr := q.Rules().Cadre
	more := 0
	if p.Kind != "week" {
		n := 0
		for n < len(ranked) && *ranked[n].Rank <= int64(cr.Top) {
			n++
		}
		more, ranked = len(ranked)-n, ranked[:n]
	}
	if len(ranked) == 0 {
		doc.paragraph(L.t("rank.none"))
	} else {
		doc.addTable(rankTable(L, queries.Cadres, ranked, marks(ranked, nil, rk.Risers)))
	}
	if more > 0 {
		doc.note(L.t("cadres.more", more))
	}
	// How the total is made, and how many cadres solved tickets without being ranked:
	// counted, not listed (only the ranked are recognised).
	if p.Kind == "week" {
		doc.note(L.t("star.total", pct(&cr.StarMinSatisfaction), cr.StarMinSolved))
	} else {
		doc.note(L.t("cadres.total", strconv.FormatFloat(cr.SolvedWeight, 'f', -1, 64), strconv.FormatFloat(cr.SatisfactionWeight, 'f', -1, 64)))
	}
	others := 0
	for _, r := range rk.Rows {
		if r.Rank == nil && r.Solved > 0 {
			others++
		}
	}
	if others > 0 {
		doc.note(L.t("star.others", others))
	}
	return doc, rk, nil
}
