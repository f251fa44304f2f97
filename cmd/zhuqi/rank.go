package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

type rankOptions struct {
	common
	kind, period, format string
}

// rankings are the rankings' names; the singulars are accepted too.
var rankings = []string{queries.Departments, queries.Regions, queries.Cadres}

func (m *Main) rankCommand() *cobra.Command {
	var o rankOptions
	cmd := &cobra.Command{
		Use:   "rank departments|regions|cadres [--db F] --period P [--as-of T] [--format ...]",
		Short: "the official rankings (rules versioned)",
		Example: `  zhuqi rank departments --period 2026-10
  zhuqi rank --period 2026-Q3 regions
  zhuqi rank cadre --period 2026-W42 --format csv`,
		ValidArgs: rankings,
		Args:      oneOf("ranking", rankings, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.kind = args[0]
			return m.rank(cmd.Context(), &o)
		},
	}
	o.register(cmd, true)
	o.registerAsOf(cmd)
	periodFlag(cmd, &o.period, "period: "+queries.PeriodForms)
	formatFlag(cmd, &o.format)
	return cmd
}

func (m *Main) rank(ctx context.Context, o *rankOptions) error {
	q, p, done, err := m.openPeriod(ctx, "rank", &o.common, o.period, o.format)
	if err != nil {
		return err
	}
	defer done()
	rk, err := q.Rank(ctx, o.kind, p)
	if err != nil {
		return err
	}
	if o.format != "table" {
		return tabular.Write(m.Stdout, o.format, queries.RankTable(rk))
	}
	return writeRankText(m.Stdout, rk)
}

var rankTitles = map[string]string{
	queries.Departments: "部门要素保障大比拼排名 department ranking",
	queries.Regions:     "县市区“三率”排名 region ranking",
	queries.Cadres:      "助企干部赛比评 cadre recognition",
}

func writeRankText(w io.Writer, rk *queries.Ranking) error {
	progress := ""
	if rk.AsOf.Before(rk.Period.End) {
		progress = "  截至 " + rk.AsOf.Format("2006-01-02 15:04") + "（期间未结束）"
	}
	fmt.Fprintf(w, "%s  %s%s  (对比 vs %s；数据截至 as of %s；规则 rules %s)\n\n",
		rankTitles[rk.Kind], rk.Period.Label, progress, rk.Previous.Label, rk.AsOf.Format("2006-01-02 15:04"), rk.RulesVersion)
	t := queries.RankTable(rk)
	// The rules version is in the title; the note goes first when the table is too wide.
	var cols []string
	for _, c := range t.Columns {
		if c.Name != "rules_version" {
			cols = append(cols, c.Name)
		}
	}
	if err := writePeople(w, t, cols, "--format csv"); err != nil {
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
