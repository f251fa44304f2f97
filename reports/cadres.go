package reports

import (
	"context"
	"sort"

	"github.com/zhuqi/zhuqi/queries"
)

// cadres builds the cadre recognition (赛比评) of p: for a week, the star of the week
// (most solved among cadres who meet the bar); for a month, the top ten.
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
	doc.heading(L.t("h.star"))
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
	if len(ranked) == 0 {
		doc.paragraph(L.t("rank.none"))
	} else {
		doc.addTable(rankTable(L, queries.Cadres, ranked, marks(ranked, nil, rk.Risers)))
	}
	// The most solved tickets, whether or not the cadre met the bar.
	var most []queries.RankRow
	for _, r := range rk.Rows {
		if r.Rank == nil && r.Solved > 0 {
			most = append(most, r)
		}
	}
	sort.SliceStable(most, func(i, j int) bool { return most[i].Solved > most[j].Solved })
	if len(most) > 10 {
		most = most[:10]
	}
	if len(most) > 0 {
		doc.heading(L.t("h.most"))
		doc.addTable(rankTable(L, queries.Cadres, most, nil))
	}
	return doc, rk, nil
}
