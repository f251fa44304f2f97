package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

func (m *Main) runRank(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("rank: name the ranking: departments, regions or cadres")
	}
	kind := args[0]
	if kind != queries.Departments && kind != queries.Regions && kind != queries.Cadres {
		return usagef("rank: unknown ranking %q: use departments, regions or cadres", kind)
	}
	fs := flag.NewFlagSet("rank "+kind, flag.ContinueOnError)
	var c common
	c.register(fs, true)
	c.registerAsOf(fs)
	period := fs.String("period", "", "period: "+queries.PeriodForms)
	format := formatFlag(fs)
	if err := m.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *period == "" {
		return usagef("rank: --period is required (e.g. --period 2026-10)")
	}
	if err := tabular.CheckFormat(*format); err != nil {
		return usagef("rank: %v", err)
	}
	q, done, err := m.openQueries(ctx, &c)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(*period)
	if err != nil {
		return usagef("rank: %v", err)
	}
	rk, err := q.Rank(ctx, kind, p)
	if err != nil {
		return err
	}
	if *format != "table" {
		return tabular.Write(m.Stdout, *format, queries.RankTable(rk))
	}
	return writeRankText(m.Stdout, rk)
}

var rankTitles = map[string]string{
	queries.Departments: "部门要素保障大比拼排名 department ranking",
	queries.Regions:     "县市区“三率”排名 region ranking",
	queries.Cadres:      "助企干部赛比评 cadre recognition",
}

func writeRankText(w interface{ Write([]byte) (int, error) }, rk *queries.Ranking) error {
	progress := ""
	if rk.AsOf.Before(rk.Period.End) {
		progress = "  截至 " + rk.AsOf.Format("2006-01-02 15:04") + "（期间未结束）"
	}
	fmt.Fprintf(w, "%s  %s%s  (对比 vs %s；数据截至 as of %s；规则 rules %s)\n\n",
		rankTitles[rk.Kind], rk.Period.Label, progress, rk.Previous.Label, rk.AsOf.Format("2006-01-02 15:04"), rk.RulesVersion)
	t := queries.RankTable(rk)
	// The rules version is in the title; drop its column for people.
	keep := make([]int, 0, len(t.Columns))
	for i, c := range t.Columns {
		if c.Name != "rules_version" {
			keep = append(keep, i)
		}
	}
	people := &tabular.Table{}
	for _, i := range keep {
		people.Columns = append(people.Columns, t.Columns[i])
	}
	for _, r := range t.Rows {
		var row []any
		for _, i := range keep {
			row = append(row, r[i])
		}
		people.Rows = append(people.Rows, row)
	}
	if err := tabular.WriteText(w, people); err != nil {
		return err
	}
	list := func(title string, rows []queries.RankRow) {
		var names []string
		for _, r := range rows {
			s := r.Name
			if r.Rank != nil {
				s = fmt.Sprintf("%s（第%d名", r.Name, *r.Rank)
				if r.RankChange != nil && *r.RankChange > 0 {
					s += fmt.Sprintf("，上升%d位", *r.RankChange)
				}
				s += "）"
			}
			names = append(names, s)
		}
		if len(names) == 0 {
			names = []string{"无 none"}
		}
		fmt.Fprintf(w, "\n%s: %s\n", title, strings.Join(names, "、"))
	}
	if rk.Kind == queries.Cadres {
		list("表扬 recognised", topRows(rk))
	} else {
		list("通报 bottom", rk.Bottom)
		list("进步较快 risers", rk.Risers)
	}
	list(fmt.Sprintf("未参与排名 not ranked (min %d)", rk.Minimum), rk.NotRanked)
	return nil
}

// topRows is the weekly star (rank 1) or the monthly top of the cadre recognition.
func topRows(rk *queries.Ranking) []queries.RankRow {
	limit := int64(10)
	if rk.Period.Kind == "week" {
		limit = 1
	}
	var out []queries.RankRow
	for _, r := range rk.Rows {
		if r.Rank != nil && *r.Rank <= limit {
			out = append(out, r)
		}
	}
	return out
}
