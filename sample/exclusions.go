package sample

import (
	"fmt"
	"path/filepath"
	"time"
)

// exclusions writes exclusions_DATE.csv (审核剔除, DOMAIN §1.4) for tickets of the last month of
// the latest snapshot, each approved two days before its end, under three document
// numbers: unfinished tickets found outside their department's remit (scope all),
// dissatisfied ratings of unreasonable demands (satisfaction), answers delayed by the
// enterprise itself (timeliness). Messy adds an unknown ticket, an unknown scope and a
// missing doc_no, each rejected.
func (g *gen) exclusions() (FileSummary, error) {
	until := g.opt.Until
	end := until.AddDate(0, 0, 1)
	first := time.Date(until.Year(), until.Month(), 1, 0, 0, 0, 0, shanghai)
	approved := until.AddDate(0, 0, -2).Add(16 * time.Hour).Format("2006-01-02 15:04")
	year := until.Year()
	doc := func(n int) string { return fmt.Sprintf("营商办〔%d〕%d号", year, n) }
	picks := []struct {
		scope, reason, docNo string
		want                 int
		ok                   func(st state) bool
	}{
		{"全部", "不属于本部门职责，已转有关单位", doc(31), 4, func(st state) bool { return st.status == "办理中" || st.status == "已交办" }},
		{"满意度", "无理诉求，企业评价不予采信", doc(32), 3, func(st state) bool { return st.satisfaction == "不满意" }},
		{"时效", "企业申请延期答复，经审核同意", doc(33), 3, func(st state) bool { return st.status == "已答复" }},
	}
	var rows [][]string
	used := map[string]bool{}
	for _, p := range picks {
		n := 0
		for i := 0; i < g.opt.Tickets && n < p.want; i++ {
			if g.opt.Messy && i < len(defects) {
				continue // a row the tickets' own defects may reject or repeat
			}
			t := makeTicket(g.w, g.opt.Seed, i, g.start, g.span, g.opt.Tickets)
			if t.created.Before(first) || !t.created.Before(end) || used[t.id] || t.dept == "" || !p.ok(t.at(end)) {
				continue
			}
			used[t.id] = true
			rows = append(rows, []string{t.id, p.scope, p.reason, "市优化营商环境工作专班", approved, p.docNo})
			n++
		}
	}
	rejects := map[string]int64{}
	if g.opt.Messy && len(rows) > 0 {
		rows = append(rows,
			[]string{"WF000000000000000", "全部", "重复诉求", "市优化营商环境工作专班", approved, doc(34)},
			[]string{rows[0][0], "部分剔除", "重复诉求", "市优化营商环境工作专班", approved, doc(34)},
			[]string{rows[1][0], "时效", "重复诉求", "市优化营商环境工作专班", approved, ""})
		rejects["unknown_ticket"], rejects["unknown_enum"], rejects["missing_required"] = 1, 1, 1
	}
	p := filepath.Join(g.opt.Out, "exclusions_"+until.Format("2006-01-02")+".csv")
	if err := writeCSV(p, []string{"诉求编号", "剔除范围", "剔除原因", "审核单位", "审核时间", "文号"}, rows); err != nil {
		return FileSummary{}, err
	}
	return FileSummary{Path: p, Kind: "exclusions", Format: "csv", AsOf: until, Rows: int64(len(rows)), Rejects: rejects, Warnings: map[string]int64{}}, nil
}
