package reports

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi/queries"
)

// flagRows is the most flags a briefing lists; the rest are counted.
const flagRows = 20

// briefing builds the leadership briefing of p (a month or a quarter, DOMAIN §5).
func briefing(ctx context.Context, q *queries.Q, p queries.Period, L labels, ch charter, name string) (*document, error) {
	if p.Kind != "month" && p.Kind != "quarter" {
		return nil, fmt.Errorf("briefing: period %s is a %s; the briefing is for a month (2026-10) or a quarter (2026-Q3)", p.Label, p.Kind)
	}
	title := L.t("briefing")
	if p.Kind == "quarter" {
		title = L.t("briefing.quarter")
	}
	if err := q.Check(p); err != nil {
		return nil, err
	}
	W := trustWords(L)
	doc := &document{Title: title, Subtitle: L.periodName(p), Meta: L.meta(p, q.AsOf, q.RulesVersion())}
	progress := ""
	if q.InProgress(p) {
		progress = W.progress(q.AsOf)
		doc.Title += " " + progress
	}

	total := func(q *queries.Q, pp queries.Period) (queries.MetricsRow, error) {
		rows, err := q.Metrics(ctx, pp, nil)
		if err != nil || len(rows) == 0 {
			return queries.MetricsRow{}, err
		}
		return rows[0], nil
	}
	// The previous period and last year are judged at the same age as p (DOMAIN §2.1).
	compared := func(pp queries.Period) (queries.MetricsRow, queries.Basis, error) {
		cq, basis, err := q.Compared(ctx, p, pp)
		if err != nil {
			return queries.MetricsRow{}, basis, err
		}
		m, err := total(cq, pp)
		return m, basis, err
	}
	// The flags first: their facts (the widest form) then serve the metrics of p.
	flags, err := q.Flags(ctx, &p)
	if err != nil {
		return nil, err
	}
	cur, err := total(q, p)
	if err != nil {
		return nil, err
	}
	prev, prevBasis, err := compared(p.Previous())
	if err != nil {
		return nil, err
	}
	lastYear, yearBasis, err := compared(p.LastYear())
	if err != nil {
		return nil, err
	}
	hasLastYear := lastYear.Collected > 0
	lastMonth := p.End.AddDate(0, -1, 0)
	first := lastMonth.AddDate(0, -11, 0)
	// Each month of the trend judged at the same age as the latest month of p that has
	// started (p's last month, or the month in progress); that month as p is judged.
	ref, err := q.Period(lastMonth.Format("2006-01"))
	if err != nil {
		return nil, err
	}
	if q.InProgress(p) {
		if ref, err = q.Period(q.AsOf.Add(-time.Nanosecond).In(p.Start.Location()).Format("2006-01")); err != nil {
			return nil, err
		}
	}
	var trend []queries.MetricsRow
	var trendBases []queries.Basis
	for m := first; !m.After(lastMonth) && m.Before(q.AsOf); m = m.AddDate(0, 1, 0) {
		mp, err := q.Period(m.Format("2006-01"))
		if err != nil {
			return nil, err
		}
		mq, basis := q, queries.Basis{Period: mp, At: q.AsOf, Snapshot: q.AsOf}
		if mp.End.Before(ref.End) {
			if mq, basis, err = q.Compared(ctx, ref, mp); err != nil {
				return nil, err
			}
		}
		rows, err := mq.Trend(ctx, mp)
		if err != nil {
			return nil, err
		}
		trendBases = append(trendBases, basis)
		trend = append(trend, rows...)
	}
	cats, err := q.Metrics(ctx, p, []string{"category"})
	if err != nil {
		return nil, err
	}
	byCount(cats)
	regions, err := q.Rank(ctx, queries.Regions, p)
	if err != nil {
		return nil, err
	}
	depts, err := q.Rank(ctx, queries.Departments, p)
	if err != nil {
		return nil, err
	}
	// Growth of p's last month, or of the month of the snapshot while p is in progress.
	gm := lastMonth
	if last := q.AsOf.Add(-time.Second); last.Before(gm) {
		gm = last
	}
	growthMonth, err := q.Period(gm.Format("2006-01"))
	if err != nil {
		return nil, err
	}
	growth, err := q.Growth(ctx, growthMonth, queries.GrowthFilter{})
	if err != nil {
		return nil, err
	}
	summaries, err := q.GrowthSummaries(ctx, growthMonth, queries.GrowthFilter{})
	if err != nil {
		return nil, err
	}

	// 1. Summary paragraph, from the figures above.
	doc.heading(L.t("h.summary"))
	// 序时进度 as the growth query states it.
	timeProgress := float64(growthMonth.Start.Month()) / 12
	if len(growth) > 0 {
		timeProgress = growth[0].TimeProgress
	}
	if !hasLastYear {
		lastYear = queries.MetricsRow{}
	}
	summary := summaryText(L, p, cur, prev, lastYear, cats, regions, depts, summaries, timeProgress)
	if progress != "" {
		summary = W.progressLead(progress) + summary
	}
	doc.paragraph(summary)

	// 2. KPI tiles.
	doc.heading(L.t("h.kpi"))
	change := func(d *float64) string {
		if d == nil {
			return "—"
		}
		return L.t("chg.pp", ppString(d))
	}
	// No 同比 where the store has no tickets a year before.
	yoyOr := func(s string) string {
		if !hasLastYear {
			return L.t("chg.yoy") + " —"
		}
		return L.t("chg.yoy") + " " + s
	}
	rateTile := func(key string, f func(queries.MetricsRow) *float64) tile {
		return tile{Label: L.t(key), Value: pct(f(cur)), Changes: []string{
			L.t("chg.mom") + " " + change(diffPP(f(cur), f(prev))),
			yoyOr(change(diffPP(f(cur), f(lastYear)))),
		}}
	}
	countTile := func(key string, f func(queries.MetricsRow) int64) tile {
		return tile{Label: L.t(key), Value: count(f(cur)), Changes: []string{
			L.t("chg.mom") + " " + countChange(f(cur), f(prev)),
			yoyOr(countChange(f(cur), f(lastYear))),
		}}
	}
	doc.tiles([]tile{
		countTile("kpi.collected", func(m queries.MetricsRow) int64 { return m.Collected }),
		countTile("kpi.finished", func(m queries.MetricsRow) int64 { return m.Finished }),
		rateTile("kpi.completion", func(m queries.MetricsRow) *float64 { return m.CompletionRate }),
		rateTile("kpi.resolution", func(m queries.MetricsRow) *float64 { return m.ResolutionRate }),
		rateTile("kpi.satisfaction", func(m queries.MetricsRow) *float64 { return m.SatisfactionRate }),
		rateTile("kpi.response", func(m queries.MetricsRow) *float64 { return m.ResponseRate }),
		rateTile("kpi.ontime", func(m queries.MetricsRow) *float64 { return m.OnTimeReplyRate }),
		{Label: L.t("kpi.flags"), Value: fmt.Sprintf("%d / %d", cur.Red, cur.Black), Changes: []string{
			L.t("chg.mom") + " " + signedN(cur.Red-prev.Red) + " / " + signedN(cur.Black-prev.Black),
			yoyOr(signedN(cur.Red-lastYear.Red) + " / " + signedN(cur.Black-lastYear.Black)),
		}},
	})

	// 3. Trend over 12 months.
	doc.heading(L.t("h.trend"))
	byMonth := map[string]queries.MetricsRow{}
	for _, r := range trend {
		byMonth[r.Dim(0)] = r
	}
	rewound := map[string]bool{}
	for _, b := range trendBases {
		rewound[b.Period.Label] = b.Rewound()
	}
	var months []string
	var coll, fin, comp, res, sat []float64
	tt := &table{Columns: []column{{L.t("col.month"), 1.2, false}, {L.t("col.collected"), 1, true}, {L.t("col.finished"), 1, true},
		{L.t("col.solved"), 1, true}, {L.t("col.completion"), 1, true}, {L.t("col.resolution"), 1, true}, {L.t("col.satisfaction"), 1, true}}}
	for m := first; !m.After(lastMonth); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		r := byMonth[key]
		if r.Collected == 0 && len(months) == 0 {
			continue // before the first ticket: no empty slot
		}
		months = append(months, m.Format("06-01"))
		coll, fin = append(coll, float64(r.Collected)), append(fin, float64(r.Finished))
		comp, res, sat = append(comp, deref(r.CompletionRate)), append(res, deref(r.ResolutionRate)), append(sat, deref(r.SatisfactionRate))
		label := key
		if rewound[key] {
			label += W.rewoundMark
		}
		tt.Rows = append(tt.Rows, []string{label, count(r.Collected), count(r.Finished), count(r.Solved), pct(r.CompletionRate), pct(r.ResolutionRate), pct(r.SatisfactionRate)})
	}
	c, err := ch.bars(name+"-trend", L.t("chart.trend"), "", axis{L.t("unit.count"), countAxis}, months,
		[]series{{L.t("col.collected"), coll}, {L.t("col.finished"), fin}}, false, -1, "")
	if err != nil {
		return nil, err
	}
	doc.addChart(c)
	c, err = ch.lines(name+"-rates", L.t("chart.rates"), "", axis{L.t("unit.pct"), pctAxis}, months,
		[]series{{L.t("col.completion"), comp}, {L.t("col.resolution"), res}, {L.t("col.satisfaction"), sat}})
	if err != nil {
		return nil, err
	}
	doc.addChart(c)
	doc.addTable(tt)
	var shownBases []queries.Basis
	for _, b := range trendBases {
		if byMonth[b.Period.Label].Collected > 0 {
			shownBases = append(shownBases, b)
		}
	}
	doc.note(W.trendNote(shownBases))

	// 4. Categories.
	doc.heading(L.t("h.categories"))
	ct := &table{Columns: []column{{L.t("col.category"), 1.6, false}, {L.t("col.collected"), 1, true}, {L.t("col.finished"), 1, true},
		{L.t("col.solved"), 1, true}, {L.t("col.completion"), 1, true}, {L.t("col.resolution"), 1, true}, {L.t("col.satisfaction"), 1, true}}}
	var catNames []string
	var catColl, catFin []float64
	for i := len(cats) - 1; i >= 0; i-- { // drawn bottom-up: first category on top
		r := cats[i]
		catNames = append(catNames, L.category(r.Dim(0)))
		catColl, catFin = append(catColl, float64(r.Collected)), append(catFin, float64(r.Finished))
	}
	for _, r := range cats {
		ct.Rows = append(ct.Rows, []string{L.category(r.Dim(0)), count(r.Collected), count(r.Finished), count(r.Solved), pct(r.CompletionRate), pct(r.ResolutionRate), pct(r.SatisfactionRate)})
	}
	if len(cats) > 0 {
		c, err = ch.bars(name+"-categories", L.t("chart.categories"), "", axis{L.t("unit.count"), countAxis}, catNames,
			[]series{{L.t("col.collected"), catColl}, {L.t("col.finished"), catFin}}, true, -1, "")
		if err != nil {
			return nil, err
		}
		doc.addChart(c)
	}
	doc.addTable(ct)

	// 5. Regions with the region ranking.
	doc.heading(L.t("h.regions"))
	var rn []string
	var r1, r2, r3 []float64
	for _, r := range regions.Rows {
		if r.Rank == nil {
			continue
		}
		rn = append(rn, r.Name)
		r1, r2, r3 = append(r1, 100*deref(r.ResponseRate)), append(r2, 100*deref(r.ResolutionRate)), append(r3, 100*deref(r.SatisfactionRate))
	}
	if len(rn) > 0 {
		c, err = ch.bars(name+"-regions", L.t("chart.regions"), "", axis{L.t("unit.pct"), pctAxis}, rn,
			[]series{{L.t("col.response"), r1}, {L.t("col.resolution"), r2}, {L.t("col.satisfaction"), r3}}, false, -1, "")
		if err != nil {
			return nil, err
		}
		doc.addChart(c)
	}
	doc.addTable(rankTable(L, regions.Kind, regions.Rows, marks(regions.Rows, regions.Bottom, regions.Risers)))

	// 6. Departments: top and bottom.
	doc.heading(L.t("h.departments"))
	var dn []string
	var dt []float64
	var ranked []queries.RankRow
	for _, r := range depts.Rows {
		if r.Rank != nil {
			ranked = append(ranked, r)
		}
	}
	for i := len(ranked) - 1; i >= 0; i-- {
		dn = append(dn, ranked[i].Name)
		dt = append(dt, deref(ranked[i].Total))
	}
	if len(dn) > 0 {
		c, err = ch.bars(name+"-departments", L.t("chart.departments"), "", axis{L.t("unit.score"), scoreAxis}, dn,
			[]series{{L.t("col.total"), dt}}, true, -1, "")
		if err != nil {
			return nil, err
		}
		doc.addChart(c)
	}
	show := ranked
	if len(ranked) > 10 {
		show = append(append([]queries.RankRow{}, ranked[:5]...), ranked[len(ranked)-5:]...)
	}
	doc.addTable(topBottom(L, depts.Kind, ranked, 5, depts.Bottom, depts.Risers))
	if n := rankNotes(L, show); n != "" {
		doc.note(n)
	}
	doc.paragraph(bottomRisers(L, depts.Bottom, depts.Risers))

	// 7. Red and black flags, longest overdue first (flags.sql orders them).
	// The flags are those of p's tickets at the snapshot time, the ones the red and black
	// counts above count; all of them are in the appendix.
	doc.heading(L.t("h.flags"))
	if len(flags) == 0 {
		doc.paragraph(L.t("flags.none"))
	} else {
		doc.paragraph(W.flagsLead(p, L.periodName(p), q.AsOf, cur.Red, cur.Black, len(flags) > flagRows))
		doc.addTable(flagTable(L, flags[:min(len(flags), flagRows)]))
	}

	// 8. Growth against targets.
	doc.heading(L.t("h.growth"))
	if len(summaries) == 0 {
		doc.paragraph(L.t("growth.none"))
	} else {
		st := &table{Columns: []column{{L.t("col.etype"), 1, false}, {L.t("col.metric"), 1.1, false}, {L.t("col.entities"), 0.8, true},
			{L.t("col.achieved"), 0.8, true}, {L.t("col.ytd"), 1.3, true}, {L.t("col.target"), 1.3, true}, {L.t("col.progress"), 1, true},
			{L.t("col.timeprog"), 1, true}, {L.t("col.gap"), 1.3, true}, {L.t("col.yoy"), 1, true}}}
		tp := timeProgress
		for _, s := range summaries {
			var gap *float64
			if s.Completion != nil {
				g := *s.Completion - tp
				gap = &g
			}
			st.Rows = append(st.Rows, []string{L.entityName(s.EntityType), L.metricName(s.Metric),
				count(s.Entities), count(s.Achieved), amount(s.YTD, L.metricUnit(s.Metric)), amount(s.Target, L.metricUnit(s.Metric)), pct(s.Completion), pct(&tp), ppString(pp(gap)), pct(s.YoY)})
		}
		doc.addTable(st)
		if err := growthDetail(doc, L, ch, name, growth); err != nil {
			return nil, err
		}
	}

	// The comparison basis, then the appendix: every flag of p's tickets.
	doc.note(W.basisNote(q.AsOf, prevBasis, yearBasis, hasLastYear, depts.PrevBasis, depts.PrevPublication))
	if len(flags) > flagRows {
		doc.heading(W.appendix)
		doc.paragraph(W.flagsLead(p, L.periodName(p), q.AsOf, cur.Red, cur.Black, false))
		doc.addTable(flagTable(L, flags))
	}
	return doc, nil
}

// pp is a difference of rates in points, one decimal.
func pp(d *float64) *float64 {
	if d == nil {
		return nil
	}
	v := math.Round(*d*1000) / 10
	return &v
}

// growthDetail shows the regions' (else the first entity type's) completion of their
// first metric's target against the 序时进度 line, with the table of that metric.
func growthDetail(doc *document, L labels, ch charter, name string, rows []queries.GrowthRow) error {
	if len(rows) == 0 {
		return nil
	}
	et, metric := rows[0].EntityType, rows[0].Metric
	for _, r := range rows {
		if r.EntityType == "region" && (et != "region" || r.Metric == "revenue") {
			et, metric = r.EntityType, r.Metric
		}
	}
	unit := L.metricUnit(metric)
	gt := &table{Columns: []column{{L.t("col.entity"), 1.4, false}, {L.withUnit("col.ytd", unit), 1.2, true}, {L.withUnit("col.target", unit), 1.2, true},
		{L.t("col.progress"), 1, true}, {L.t("col.timeprog"), 1, true}, {L.t("col.gap"), 1.3, true}, {L.t("col.yoy"), 1, true}, {L.t("col.premium"), 1.3, true}}}
	var names []string
	var comp []float64
	var tp float64
	for _, r := range rows {
		if r.EntityType != et || r.Metric != metric {
			continue
		}
		tp = r.TimeProgress
		names = append(names, r.Entity)
		comp = append(comp, 100*deref(r.Completion))
		tp := r.TimeProgress
		gt.Rows = append(gt.Rows, []string{r.Entity, amount(r.YTD, unit), amount(r.Target, unit), pct(r.Completion), pct(&tp), ppString(pp(r.ScheduleGap)), pct(r.YoY), ppString(pp(r.Premium))})
		mark := ""
		if negative(pp(r.ScheduleGap)) {
			mark = "bottom"
		}
		gt.Marks = append(gt.Marks, mark)
	}
	what := L.or("entity."+et, et) + L.t("sep") + L.or("metric."+metric, metric)
	if L["sep"] == "、" {
		what = L.or("entity."+et, et) + L.or("metric."+metric, metric)
	}
	c, err := ch.bars(name+"-growth", L.t("chart.growth", what), "", axis{L.t("unit.pct"), pctAxis}, names,
		[]series{{L.t("col.progress"), comp}}, false, 100*tp, L.t("chart.timeline"))
	if err != nil {
		return err
	}
	doc.addChart(c)
	doc.addTable(gt)
	return nil
}

// summaryWords are the sentences of the summary paragraph in one language, as format
// strings: summaryText decides which are said, with which figures.
type summaryWords struct {
	lead, mom, yoy, rates, topCat, flags string
	regionFirst, regionBottom            string
	deptFirst, deptBottom                string
	stop                                 string // ends the sentence of a ranking
	growth                               string // entity, metric, completion, ahead or behind, gap
	capitalMetric                        bool   // the growth sentence starts with the metric
}

var summaryZh = summaryWords{
	lead:         "%s共收集企业诉求%s件，办结%s件，办结率%s",
	mom:          "，环比%s%s个百分点",
	yoy:          "，同比%s%s个百分点",
	rates:        "；解决%s件，解决率%s；企业满意率%s，响应率%s，按时答复率%s。",
	topCat:       "诉求最多的类别是%s（%s件）。",
	flags:        "本期诉求中截至数据时点为红旗的%s件、黑旗的%s件。",
	regionFirst:  "县市区“三率”排名第一的是%s（%s分）",
	regionBottom: "，后三位为%s",
	deptFirst:    "部门要素保障大比拼第一名为%s（%s分）",
	deptBottom:   "，%s列后三位",
	stop:         "。",
	growth:       "%[1]s%[2]s累计完成年度目标的%[3]s，%[4]s%[5]s个百分点。",
}

var summaryEn = summaryWords{
	lead:          "In %s, %s enterprise requests were collected and %s finished: a completion rate of %s",
	mom:           ", %s %s points on the previous period",
	yoy:           " and %s %s points on last year",
	rates:         ". %s were solved (resolution rate %s); satisfaction rate %s, response rate %s, on-time reply rate %s.",
	topCat:        " The largest category was %s (%s).",
	flags:         " Of the period's tickets, %s carry a red flag and %s a black flag as of the data's time.",
	regionFirst:   " First among regions: %s (%s points)",
	regionBottom:  "; bottom three: %s",
	deptFirst:     " First among departments: %s (%s points)",
	deptBottom:    "; bottom three: %s",
	stop:          ".",
	growth:        " %[2]s of %[1]s reached %[3]s of the annual target, %[4]s %[5]s points.",
	capitalMetric: true,
}

// summaryText is the generated paragraph; every number in it is one of the figures of
// the tiles and tables.
func summaryText(L labels, p queries.Period, cur, prev, lastYear queries.MetricsRow, cats []queries.MetricsRow,
	regions, depts *queries.Ranking, growth []queries.GrowthSummary, tp float64) string {
	w, period := summaryEn, L.periodName(p)
	if L["sep"] == "、" {
		w, period = summaryZh, "本季度"
		if p.Kind == "month" {
			period = "本月"
		}
	}
	dir := func(d *float64) string {
		switch {
		case d == nil:
			return ""
		case *d > 0:
			return L.t("up")
		case *d < 0:
			return L.t("down")
		}
		return L.t("flat")
	}
	abs := func(d *float64) string {
		if d == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f", math.Abs(*d))
	}
	mom, yoy := diffPP(cur.CompletionRate, prev.CompletionRate), diffPP(cur.CompletionRate, lastYear.CompletionRate)
	var b strings.Builder
	topCat := ""
	var topN int64
	for _, c := range cats {
		if c.Collected > topN {
			topCat, topN = L.category(c.Dim(0)), c.Collected
		}
	}
	names := func(rows []queries.RankRow) string {
		var s []string
		for _, r := range rows {
			s = append(s, r.Name)
		}
		return strings.Join(s, L.t("sep"))
	}
	// leader names the first of a ranking, and its bottom three.
	leader := func(rk *queries.Ranking, first, bottom string) {
		for _, r := range rk.Rows {
			if r.Rank == nil {
				continue
			}
			fmt.Fprintf(&b, first, r.Name, score(r.Total))
			if len(rk.Bottom) > 0 {
				fmt.Fprintf(&b, bottom, names(rk.Bottom))
			}
			b.WriteString(w.stop)
			return
		}
	}
	fmt.Fprintf(&b, w.lead, period, count(cur.Collected), count(cur.Finished), pct(cur.CompletionRate))
	if mom != nil {
		fmt.Fprintf(&b, w.mom, dir(mom), abs(mom))
	}
	if yoy != nil {
		fmt.Fprintf(&b, w.yoy, dir(yoy), abs(yoy))
	}
	fmt.Fprintf(&b, w.rates, count(cur.Solved), pct(cur.ResolutionRate), pct(cur.SatisfactionRate), pct(cur.ResponseRate), pct(cur.OnTimeReplyRate))
	if topCat != "" {
		fmt.Fprintf(&b, w.topCat, topCat, count(topN))
	}
	fmt.Fprintf(&b, w.flags, count(cur.Red), count(cur.Black))
	leader(regions, w.regionFirst, w.regionBottom)
	leader(depts, w.deptFirst, w.deptBottom)
	for _, g := range growth {
		if g.Completion == nil {
			continue
		}
		gap := pp(ptr(*g.Completion - tp))
		word := L.t("ahead")
		if *gap < 0 {
			word = L.t("behind")
		}
		metric := L.or("metric."+g.Metric, g.Metric)
		if w.capitalMetric {
			metric = strings.ToUpper(metric[:1]) + metric[1:]
		}
		fmt.Fprintf(&b, w.growth, L.or("entity."+g.EntityType, g.EntityType), metric, pct(g.Completion), word, abs(gap))
		break
	}
	return b.String()
}

func ptr(f float64) *float64 { return &f }

// signedN is a change of a count with its sign: "+3", "-2", "0".
func signedN(n int64) string { return signed(&n) }

// trustText is the briefing's texts about the comparison basis, periods in progress and the
// flag list (DOMAIN §2.1, §2.2), in the document's language.
type trustText struct {
	zh          bool
	rewoundMark string
	appendix    string
}

func trustWords(L labels) trustText {
	if L["sep"] == "、" {
		return trustText{zh: true, rewoundMark: "（回溯）", appendix: "附录：本期红旗、黑旗诉求完整清单"}
	}
	return trustText{rewoundMark: " (rebuilt)", appendix: "Appendix: every red and black flag of the period"}
}

func (w trustText) stamp(t time.Time) string { return moment(t) }

// progress labels a period not yet over at T.
func (w trustText) progress(t time.Time) string {
	if w.zh {
		return fmt.Sprintf("截至 %s（期间未结束）", w.stamp(t))
	}
	return fmt.Sprintf("as of %s (period not yet over)", w.stamp(t))
}

func (w trustText) progressLead(label string) string {
	if w.zh {
		return label + "，"
	}
	return strings.ToUpper(label[:1]) + label[1:] + ": "
}

// basisOf says how one compared period was judged.
func (w trustText) basisOf(b queries.Basis) string {
	if b.Rewound() {
		if w.zh {
			return fmt.Sprintf("%s按时间戳回溯至 %s（库中无该时点之前的快照，按各事件时间还原）", b.Period.Label, w.stamp(b.At))
		}
		return fmt.Sprintf("%s rebuilt from the event timestamps as of %s (no stored snapshot that early)", b.Period.Label, w.stamp(b.At))
	}
	if w.zh {
		return fmt.Sprintf("%s取 %s 的数据快照", b.Period.Label, w.stamp(b.Snapshot))
	}
	return fmt.Sprintf("%s from the snapshot of %s", b.Period.Label, w.stamp(b.Snapshot))
}

// basisNote is the footnote on the comparison basis of the whole document.
func (w trustText) basisNote(t time.Time, prev, year queries.Basis, hasYear bool, rank queries.Basis, pub string) string {
	var b strings.Builder
	if w.zh {
		fmt.Fprintf(&b, "比较口径：本期数据截至 %s。环比、同比、趋势各月和上期名次均按同口径比较，即各期都取其结束后经过相同时长时的数据，不拿成熟月份比新月份：", w.stamp(t))
		fmt.Fprintf(&b, "环比%s", w.basisOf(prev))
		if hasYear {
			fmt.Fprintf(&b, "；同比%s", w.basisOf(year))
		} else {
			fmt.Fprintf(&b, "；去年同期（%s）无数据，不作同比", year.Period.Label)
		}
		if pub != "" {
			fmt.Fprintf(&b, "；上期名次取已发布的通报 %s", pub)
		} else {
			fmt.Fprintf(&b, "；上期名次为%s", w.basisOf(rank))
		}
		b.WriteString("。标“回溯”的数字按时间戳回溯：只计当时已发生的交办、答复、办结，评价只计当时已办结的诉求。")
		return b.String()
	}
	fmt.Fprintf(&b, "Comparison basis: this period's data as of %s. Every change against the previous period or last year, every month of the trend and every previous rank compares figures of the same age (each period judged as long after its end as this one): ", w.stamp(t))
	fmt.Fprintf(&b, "previous period %s", w.basisOf(prev))
	if hasYear {
		fmt.Fprintf(&b, "; last year %s", w.basisOf(year))
	} else {
		fmt.Fprintf(&b, "; no data for %s, so no change on last year", year.Period.Label)
	}
	if pub != "" {
		fmt.Fprintf(&b, "; previous ranks as published in %s", pub)
	} else {
		fmt.Fprintf(&b, "; previous ranks %s", w.basisOf(rank))
	}
	b.WriteString(". Figures marked rebuilt count only the assignments, answers and completions time-stamped by then, and ratings only of tickets finished by then.")
	return b.String()
}

// trendNote says on which basis the months of the trend stand.
func (w trustText) trendNote(bases []queries.Basis) string {
	var rew []string
	for _, b := range bases {
		if b.Rewound() {
			rew = append(rew, b.Period.Label)
		}
	}
	if w.zh {
		s := "各月按同口径取数（各月结束后经过与本期相同的时长）"
		if len(rew) > 0 {
			s += fmt.Sprintf("；%s 无当时的快照，按时间戳回溯，标“回溯”", strings.Join(rew, "、"))
		}
		return s + "。"
	}
	s := "Each month judged at the same age as this period"
	if len(rew) > 0 {
		s += fmt.Sprintf("; %s had no snapshot then and are rebuilt from the event timestamps (marked rebuilt)", strings.Join(rew, ", "))
	}
	return s + "."
}

// flagsLead says which flags the list shows, in words: the tickets of p flagged at T.
func (w trustText) flagsLead(p queries.Period, name string, t time.Time, red, black int64, cut bool) string {
	if w.zh {
		s := fmt.Sprintf("%s受理的诉求中，截至 %s 为红旗的%d件、黑旗的%d件（即上文红旗、黑旗件数所计诉求），逾期最久的在前。", name, w.stamp(t), red, black)
		if cut {
			s += fmt.Sprintf("下表列前%d件，完整清单见文末附录。", flagRows)
		}
		return s
	}
	s := fmt.Sprintf("Of the tickets raised in %s, %d carry a red and %d a black flag as of %s (the flags counted above), longest overdue first.", name, red, black, w.stamp(t))
	if cut {
		s += fmt.Sprintf(" The first %d are listed here; the appendix lists them all.", flagRows)
	}
	return s
}

// rankingTrust labels a ranking publication of a period not yet over at its snapshot
// time, and adds the footnote on which basis its previous ranks stand (DOMAIN §2.1, §2.2).
func rankingTrust(doc *document, L labels, pub *queries.Publication, p queries.Period) {
	W := trustWords(L)
	if asOf, err := time.ParseInLocation("2006-01-02 15:04:05", pub.AsOf, p.End.Location()); err == nil && asOf.Before(p.End) {
		doc.Title += " " + W.progress(asOf)
	}
	pr := pub.Ranking(queries.Departments)
	if pr == nil {
		return
	}
	at := func(stored string) string {
		t, err := time.ParseInLocation("2006-01-02 15:04:05", stored, p.End.Location())
		if err != nil {
			return stored
		}
		return moment(t)
	}
	var s string
	switch {
	case pr.PreviousPublication != "" && W.zh:
		s = fmt.Sprintf("比较口径：上期（%s）名次取已发布的通报 %s。", pr.Previous, pr.PreviousPublication)
	case pr.PreviousPublication != "":
		s = fmt.Sprintf("Comparison basis: the previous ranks (%s) are those published in %s.", pr.Previous, pr.PreviousPublication)
	case pr.PreviousJudgedAt == "":
		return
	case pr.PreviousSnapshot != "" && W.zh:
		s = fmt.Sprintf("比较口径：上期（%s）未发布通报，其名次按同口径计算，即取上期结束后经过与本期相同时长时（%s）的数据快照（%s）。", pr.Previous, at(pr.PreviousJudgedAt), at(pr.PreviousSnapshot))
	case pr.PreviousSnapshot != "":
		s = fmt.Sprintf("Comparison basis: %s was not published; its ranks are judged at the same age as this period (%s), from the snapshot of %s.", pr.Previous, at(pr.PreviousJudgedAt), at(pr.PreviousSnapshot))
	case W.zh:
		s = fmt.Sprintf("比较口径：上期（%s）未发布通报，库中也无当时的快照，其名次按时间戳回溯至 %s 计算（只计当时已发生的交办、答复、办结）。", pr.Previous, at(pr.PreviousJudgedAt))
	default:
		s = fmt.Sprintf("Comparison basis: %s was not published and no snapshot that early is stored; its ranks are rebuilt from the event timestamps as of %s.", pr.Previous, at(pr.PreviousJudgedAt))
	}
	doc.note(s)
}

// labelInProgress marks the title of a document of a period not yet over at the
// snapshot time (DOMAIN §2.2).
func labelInProgress(doc *document, L labels, q *queries.Q, p queries.Period) {
	if q.InProgress(p) {
		doc.Title += " " + trustWords(L).progress(q.AsOf)
	}
}
