package reports

import (
	"strconv"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/queries"
)

// pubRows turns the published rows back into ranking rows for layout.
func pubRows(pr *queries.PubRank) []queries.RankRow {
	var out []queries.RankRow
	for _, r := range pr.Rows {
		row := queries.RankRow{Rank: r.Rank, Name: r.Name, Collected: r.Collected, Effect: r.Effect, Service: r.Service,
			Efficiency: r.Efficiency, ResponseRate: r.ResponseRate, ResolutionRate: r.ResolutionRate,
			SatisfactionRate: r.SatisfactionRate, SatisfactionScore: r.SatisfactionScore, Total: r.Total,
			PrevRank: r.PrevRank, RankChange: r.RankChange, Status: r.Status, Note: r.Note}
		if r.Solved != nil {
			row.Solved = *r.Solved
		}
		out = append(out, row)
	}
	return out
}

// pick returns the rows whose names are in names, in names' order.
func pick(rows []queries.RankRow, names []string) []queries.RankRow {
	var out []queries.RankRow
	for _, n := range names {
		for _, r := range rows {
			if r.Name == n {
				out = append(out, r)
			}
		}
	}
	return out
}

// ranking builds the ranking publication (排名通报) of a frozen publication: every
// ranking with its score breakdown and rank changes, the bottom three and the risers.
// Of the cadres, those ranked 1 to top (the recognised ones, rules.cadre.top, ties
// included, rules.cadre.top) are listed, with how their total is made; the XLSX and CSV
// carry every row.
func ranking(pub *queries.Publication, p queries.Period, asOf string, cr zhuqi.CadreRules, L labels, ch charter, name string) (*document, error) {
	top := cr.Top
	doc := &document{Title: L.t("ranking"), Subtitle: L.periodName(p)}
	last := p.End.AddDate(0, 0, -1)
	doc.Meta = []string{
		L.t("meta.period", L.periodName(p), p.Start.Format("2006-01-02"), last.Format("2006-01-02")),
		L.t("meta.asof", asOfMoment(asOf)),
		L.t("meta.rules", pub.RulesVersion),
		L.t("meta.pub", pub.ID, pub.Version),
	}
	firstOf := func(k string) (n int, name, total string) {
		pr := pub.Ranking(k)
		if pr == nil {
			return 0, L.t("none"), "—"
		}
		name, total = L.t("none"), "—"
		for _, r := range pr.Rows {
			if r.Rank != nil {
				if n == 0 {
					name, total = r.Name, score(r.Total)
				}
				n++
			}
		}
		return n, name, total
	}
	dn, dname, dtotal := firstOf(queries.Departments)
	rn, rname, rtotal := firstOf(queries.Regions)
	doc.paragraph(L.t("ranking.intro", L.periodName(p), dn, dname, dtotal, rn, rname, rtotal))
	for _, k := range queries.RankKinds {
		pr := pub.Ranking(k)
		if pr == nil {
			continue
		}
		rows := pubRows(pr)
		var ranked, notRanked []queries.RankRow
		for _, r := range rows {
			if r.Rank != nil {
				ranked = append(ranked, r)
			} else {
				notRanked = append(notRanked, r)
			}
		}
		doc.heading(L.t("h.rank." + k))
		if len(ranked) == 0 {
			doc.paragraph(L.t("rank.none"))
			continue
		}
		bottom, risers := pick(rows, pr.Bottom), pick(rows, pr.Risers)
		more := 0
		if k == queries.Cadres {
			// Ranks 1 to top, ties included.
			n := 0
			for n < len(ranked) && *ranked[n].Rank <= int64(top) {
				n++
			}
			more, ranked = len(ranked)-n, ranked[:n]
		}
		doc.addTable(rankTable(L, k, ranked, marks(ranked, bottom, risers)))
		if more > 0 {
			doc.note(L.t("cadres.more", more))
		}
		if k == queries.Cadres {
			doc.note(L.t("cadres.total", strconv.FormatFloat(cr.SolvedWeight, 'f', -1, 64), strconv.FormatFloat(cr.SatisfactionWeight, 'f', -1, 64)))
		}
		if n := rankNotes(L, ranked); n != "" {
			doc.note(n)
		}
		if k != queries.Cadres {
			doc.paragraph(bottomRisers(L, bottom, risers))
		}
		if k == queries.Departments {
			var names []string
			var totals []float64
			for i := len(ranked) - 1; i >= 0; i-- {
				names = append(names, ranked[i].Name)
				totals = append(totals, deref(ranked[i].Total))
			}
			c, err := ch.bars(name+"-departments", L.t("chart.departments"), "", axis{L.t("unit.score"), scoreAxis}, names,
				[]series{{L.t("col.total"), totals}}, true, -1, "")
			if err != nil {
				return nil, err
			}
			doc.addChart(c)
		}
		switch {
		case len(notRanked) > 0 && k == queries.Cadres:
			doc.note(L.t("notranked.count", len(notRanked), pr.Minimum))
		case len(notRanked) > 0:
			var names []string
			for _, r := range notRanked {
				names = append(names, r.Name)
			}
			doc.note(L.t("notranked.intro", pr.Minimum) + joinNames(L, names))
		}
	}
	rankingTrust(doc, L, pub, p)
	return doc, nil
}

func joinNames(L labels, names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += L.t("sep")
		}
		out += n
	}
	return out
}

// asOfMoment is a publication's as-of time ("2006-01-02 15:04:05", local) as moment
// writes it; as it is when it does not parse.
func asOfMoment(s string) string {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		return s
	}
	return moment(t)
}
