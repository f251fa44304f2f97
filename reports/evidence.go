package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhuqi/zhuqi/internal/tabular"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/queries"
)

// The words of the evidence, the change list and the explanations, added to words.
var evidenceWords = map[string]labels{
	"zh": {
		"h.changes":                     "与上一版相比的变化",
		"changes.intro":                 "本版（第%d版）取代 %s。变化原因如下：",
		"changes.snapshot":              "数据更新：数据截至时间由 %s 改为 %s。",
		"changes.inputs":                "新导入文件：%s。",
		"changes.rules":                 "规则版本由 %s 改为 %s。",
		"changes.exclusion":             "%s审核剔除 %s：诉求 %s（%s，%s），剔除范围：%s，原因：%s。",
		"changes.added":                 "新增",
		"changes.removed":               "撤销",
		"changes.deduction":             "扣分调整：%s「%s」由 %s 分改为 %s 分。",
		"changes.moved":                 "得分或名次变动：",
		"changes.moved.item":            "%s 总分 %s → %s，名次 %s → %s",
		"changes.none":                  "排名结果无变动。",
		"changes.colon":                 "：",
		"h.appendix":                    "附：后三位部门得分依据",
		"h.exclusions":                  "审核剔除",
		"exclusions.item":               "%s：剔除 %d 件，剔除范围：%s，原因：%s（%s）。",
		"appendix.intro":                "以下按诉求逐件列明后三位部门的得分来源，全部诉求的逐件明细见本通报所附评分明细表。",
		"appendix.costly":               "失分较多的诉求（前%d件，共%d件）：",
		"appendix.costly.item":          "%s 失%s分（%s）",
		"appendix.excluded":             "审核剔除：",
		"appendix.deductions":           "扣分：",
		"sheet.evidence-departments":    "部门评分明细",
		"sheet.evidence-regions":        "县市区评分明细",
		"sheet.evidence-cadres":         "助企干部评分明细",
		"ev.effect_points":              "办理成效得分",
		"ev.service_points":             "服务质效得分",
		"ev.efficiency_points":          "办理效率得分",
		"evv.ranking.departments":       "部门",
		"evv.ranking.regions":           "县市区",
		"evv.ranking.cadres":            "助企干部",
		"evv.row_type.ticket":           "诉求",
		"evv.row_type.deduction":        "扣分",
		"evv.row_type.imputed":          "取平均值",
		"evv.status.new":                "待交办",
		"evv.status.assigned":           "已交办",
		"evv.status.in_progress":        "办理中",
		"evv.status.responded":          "已答复",
		"evv.status.resolved":           "已办结",
		"evv.status.closed":             "已关闭",
		"evv.status.reopened":           "重办",
		"evv.status.cancelled":          "已撤销",
		"evv.outcome.resolved":          "已解决",
		"evv.outcome.partial":           "部分解决",
		"evv.outcome.planned":           "列入计划",
		"evv.outcome.explained":         "已解释",
		"evv.outcome.unresolved":        "未解决",
		"evv.outcome.unknown":           "未填写",
		"evv.satisfaction.satisfied":    "满意",
		"evv.satisfaction.basic":        "基本满意",
		"evv.satisfaction.dissatisfied": "不满意",
		"evv.satisfaction.unrated":      "未评价",
		"evv.excluded.all":              "全部",
		"evv.excluded.satisfaction":     "满意度",
		"evv.excluded.timeliness":       "时效",
		"ev.truncated":                  "本表只列出前 %d 行（共 %d 行），完整明细见 %s。",
		"ev.ranking":                    "排名",
		"ev.entity":                     "对象",
		"ev.row_type":                   "明细类型",
		"ev.ticket_id":                  "诉求编号",
		"ev.created_at":                 "提报时间",
		"ev.status":                     "办理状态",
		"ev.outcome":                    "办理结果",
		"ev.satisfaction":               "企业评价",
		"ev.assign_time":                "交办时间",
		"ev.assign_due":                 "交办时限",
		"ev.answer_time":                "答复时间",
		"ev.reply_due":                  "答复时限",
		"ev.excluded":                   "审核剔除范围",
		"ev.doc_no":                     "文号",
		"ev.exclusion_reason":           "剔除原因",
		"ev.counted":                    "计入参评",
		"ev.finished":                   "办结",
		"ev.solved":                     "解决",
		"ev.response_counted":           "计入响应率",
		"ev.assigned_in_time":           "按时交办",
		"ev.reply_counted":              "计入答复率",
		"ev.replied_on_time":            "按时答复",
		"ev.rated":                      "已评价",
		"ev.satisfied":                  "满意",
		"ev.basic":                      "基本满意",
		"ev.dissatisfied":               "不满意",
		"ev.rating_weight":              "评价权重",
		"ev.note":                       "说明",
		"x.col.item":                    "项目",
		"x.col.formula":                 "计算",
		"x.col.value":                   "结果",
		"x.title.departments":           "部门排名",
		"x.title.regions":               "县市区排名",
		"x.title.cadres":                "助企干部排名",
		"x.collected":                   "参评诉求",
		"x.collected.formula":           "本期诉求 %d 件，其中审核剔除 %d 件（整体剔除不计 %d 件）",
		"x.collected.plain":             "本期诉求 %d 件",
		"x.completion":                  "办结率",
		"x.ontime":                      "按时答复率",
		"x.score":                       "满意度得分",
		"x.ratio":                       "%s %d ÷ %s %d",
		"x.wratio":                      "评价权重合计 %.1f ÷ 评价 %d 件",
		"x.finished":                    "办结",
		"x.replied":                     "按时答复",
		"x.replydue":                    "应答复",
		"x.assigned":                    "按时交办",
		"x.respN":                       "应交办",
		"x.solved":                      "解决",
		"x.good":                        "满意和基本满意",
		"x.rated":                       "评价",
		"x.efficiency":                  "%s − 扣分 %s（不低于0）",
		"x.total.dept":                  "办理成效 + 服务质效 + 办理效率",
		"x.most":                        "参评干部中最多解决 %d 件",
		"x.rank":                        "第 %d 名 / 参评 %d 个",
		"x.notranked":                   "未参与排名",
		"x.prev":                        "上期第 %d 名",
		"x.noprev":                      "上期未参与排名",
		"x.imputed.reply":               "无到期答复：答复分取参评部门平均 + %s × %s",
		"x.imputed.service":             "无企业评价：取参评部门平均",
		"x.imputed.rate":                "无企业评价：取参评平均",
		"x.why.late":                    "答复超期",
		"x.why.slow":                    "交办超时",
		"x.why.unfinished":              "未办结",
		"x.why.unsolved":                "未解决",
		"x.why.dissatisfied":            "不满意",
		"x.why.basic":                   "基本满意",
		"scope.all":                     "全部",
		"scope.satisfaction":            "满意度",
		"scope.timeliness":              "时效",
		"status.new":                    "待交办",
		"status.assigned":               "已交办",
		"status.in_progress":            "办理中",
		"status.responded":              "已答复",
		"status.resolved":               "已办结",
		"status.closed":                 "已评价",
		"status.reopened":               "退回重办",
		"sat.satisfied":                 "满意",
		"sat.basic":                     "基本满意",
		"sat.dissatisfied":              "不满意",
		"sat.unrated":                   "未评价",
	},
	"en": {
		"h.changes":                     "Changes since the previous version",
		"changes.intro":                 "This version (%d) replaces %s, for these reasons:",
		"changes.snapshot":              "New data: the snapshot time moved from %s to %s.",
		"changes.inputs":                "Files ingested since: %s.",
		"changes.rules":                 "Rules changed from %s to %s.",
		"changes.exclusion":             "Exclusion %s %s: ticket %s (%s, %s), scope: %s, reason: %s.",
		"changes.added":                 "added",
		"changes.removed":               "withdrawn",
		"changes.deduction":             "Deduction changed: %s \"%s\" from %s to %s points.",
		"changes.moved":                 "Totals or ranks that moved: ",
		"changes.moved.item":            "%s total %s → %s, rank %s → %s",
		"changes.none":                  "No ranking result moved.",
		"changes.colon":                 ": ",
		"h.appendix":                    "Appendix: how the bottom three departments scored",
		"h.exclusions":                  "Tickets excluded after review",
		"exclusions.item":               "%s: %d tickets, scope %s, reason: %s (%s).",
		"appendix.intro":                "The sources of the bottom three departments' scores, ticket by ticket; every ticket is listed in the evidence tables that come with this publication.",
		"appendix.costly":               "Tickets that cost most (first %d of %d): ",
		"appendix.costly.item":          "%s −%s (%s)",
		"appendix.excluded":             "Excluded after review: ",
		"appendix.deductions":           "Deductions: ",
		"sheet.evidence-departments":    "Evidence (departments)",
		"sheet.evidence-regions":        "Evidence (regions)",
		"sheet.evidence-cadres":         "Evidence (cadres)",
		"ev.effect_points":              "Effect points",
		"ev.service_points":             "Service points",
		"ev.efficiency_points":          "Efficiency points",
		"evv.ranking.departments":       "Departments",
		"evv.ranking.regions":           "Regions",
		"evv.ranking.cadres":            "Cadres",
		"evv.row_type.ticket":           "Ticket",
		"evv.row_type.deduction":        "Deduction",
		"evv.row_type.imputed":          "Mean of the ranked",
		"evv.status.new":                "New",
		"evv.status.assigned":           "Assigned",
		"evv.status.in_progress":        "In progress",
		"evv.status.responded":          "Responded",
		"evv.status.resolved":           "Resolved",
		"evv.status.closed":             "Closed",
		"evv.status.reopened":           "Reopened",
		"evv.status.cancelled":          "Cancelled",
		"evv.outcome.resolved":          "Resolved",
		"evv.outcome.partial":           "Partly resolved",
		"evv.outcome.planned":           "Planned",
		"evv.outcome.explained":         "Explained",
		"evv.outcome.unresolved":        "Unresolved",
		"evv.outcome.unknown":           "Not given",
		"evv.satisfaction.satisfied":    "Satisfied",
		"evv.satisfaction.basic":        "Basically satisfied",
		"evv.satisfaction.dissatisfied": "Dissatisfied",
		"evv.satisfaction.unrated":      "Not rated",
		"evv.excluded.all":              "All",
		"evv.excluded.satisfaction":     "Satisfaction",
		"evv.excluded.timeliness":       "Timeliness",
		"ev.truncated":                  "This sheet lists the first %d rows of %d; the full table is in %s.",
		"ev.ranking":                    "Ranking",
		"ev.entity":                     "Entity",
		"ev.row_type":                   "Row type",
		"ev.ticket_id":                  "Ticket ID",
		"ev.created_at":                 "Created",
		"ev.status":                     "Status",
		"ev.outcome":                    "Outcome",
		"ev.satisfaction":               "Rating",
		"ev.assign_time":                "Assigned",
		"ev.assign_due":                 "Assign due",
		"ev.answer_time":                "Answered",
		"ev.reply_due":                  "Reply due",
		"ev.excluded":                   "Excluded scope",
		"ev.doc_no":                     "Doc no.",
		"ev.exclusion_reason":           "Exclusion reason",
		"ev.counted":                    "Counted",
		"ev.finished":                   "Finished",
		"ev.solved":                     "Solved",
		"ev.response_counted":           "Response counted",
		"ev.assigned_in_time":           "Assigned in time",
		"ev.reply_counted":              "Reply counted",
		"ev.replied_on_time":            "Replied on time",
		"ev.rated":                      "Rated",
		"ev.satisfied":                  "Satisfied",
		"ev.basic":                      "Basically satisfied",
		"ev.dissatisfied":               "Dissatisfied",
		"ev.rating_weight":              "Rating weight",
		"ev.note":                       "Note",
		"x.col.item":                    "Item",
		"x.col.formula":                 "Computed as",
		"x.col.value":                   "Value",
		"x.title.departments":           "Department ranking",
		"x.title.regions":               "Region ranking",
		"x.title.cadres":                "Cadre ranking",
		"x.collected":                   "Tickets counted",
		"x.collected.formula":           "%d tickets in the period, %d excluded after review (%d entirely)",
		"x.collected.plain":             "%d tickets in the period",
		"x.completion":                  "Completion rate",
		"x.ontime":                      "On-time reply rate",
		"x.score":                       "Satisfaction score",
		"x.ratio":                       "%s %d ÷ %s %d",
		"x.wratio":                      "rating weights %.1f ÷ rated %d",
		"x.finished":                    "finished",
		"x.replied":                     "replied on time",
		"x.replydue":                    "reply due",
		"x.assigned":                    "assigned in time",
		"x.respN":                       "counted",
		"x.solved":                      "Solved",
		"x.good":                        "satisfied or basic",
		"x.rated":                       "rated",
		"x.efficiency":                  "%s − deductions %s (not below 0)",
		"x.total.dept":                  "effect + service + efficiency",
		"x.most":                        "the most solved by a ranked cadre: %d",
		"x.rank":                        "rank %d of %d",
		"x.notranked":                   "not ranked",
		"x.prev":                        "previous rank %d",
		"x.noprev":                      "not ranked in the previous period",
		"x.imputed.reply":               "no reply due: mean reply part of the ranked + %s × %s",
		"x.imputed.service":             "no ratings: mean of the ranked",
		"x.imputed.rate":                "no ratings: mean of the ranked",
		"x.why.late":                    "answered late",
		"x.why.slow":                    "assigned late",
		"x.why.unfinished":              "unfinished",
		"x.why.unsolved":                "unsolved",
		"x.why.dissatisfied":            "dissatisfied",
		"x.why.basic":                   "basically satisfied",
		"scope.all":                     "all",
		"scope.satisfaction":            "satisfaction",
		"scope.timeliness":              "timeliness",
		"status.new":                    "new",
		"status.assigned":               "assigned",
		"status.in_progress":            "in progress",
		"status.responded":              "responded",
		"status.resolved":               "resolved",
		"status.closed":                 "closed",
		"status.reopened":               "reopened",
		"sat.satisfied":                 "satisfied",
		"sat.basic":                     "basic",
		"sat.dissatisfied":              "dissatisfied",
		"sat.unrated":                   "unrated",
	},
}

func init() {
	for l, ws := range evidenceWords {
		for k, v := range ws {
			if _, ok := words[l][k]; !ok {
				words[l][k] = v
			}
		}
	}
}

// evidenceName is the file name of ranking kind's evidence CSV in a publication.
func evidenceName(pub *queries.Publication, kind string) string {
	return fmt.Sprintf("ranking-evidence-%s-%s-v%d.csv", kind, pub.Period, pub.Version)
}

// maxEvidenceSheetRows is the most rows of an evidence sheet: a workbook is for reading,
// and past this the sheet ends with a note that the full table is in its CSV.
const maxEvidenceSheetRows = 100000

// evidenceFiles writes pub's evidence in one pass over each ranking's rows, streamed from
// the store: one CSV per ranking, and when f is not nil one sheet per ranking added to the
// workbook f (its first maxEvidenceSheetRows rows). It returns the CSV files and the rows
// the documents quote (publicationExtras): every row of the bottom departments, the tickets
// excluded after review, and every deduction and imputed part.
func evidenceFiles(ctx context.Context, L labels, f *excelize.File, pub *queries.Publication) ([]output, []*queries.Evidence, error) {
	bottom := map[string]bool{}
	if pr := pub.Ranking(queries.Departments); pr != nil {
		for _, n := range pr.Bottom {
			bottom[n] = true
		}
	}
	var outs []output
	var quoted []*queries.Evidence
	for _, ev := range pub.Evidence {
		name := evidenceName(pub, ev.Kind)
		cols := queries.EvidenceColumns(ev.Kind)
		var sw *evidenceSheet
		if f != nil {
			var err error
			sheet := L.or("sheet.evidence-"+ev.Kind, "evidence-"+ev.Kind)
			if sw, err = newEvidenceSheet(L, f, sheet, "evidence_"+ev.Kind, cols); err != nil {
				return nil, nil, fmt.Errorf("xlsx evidence %s: %w", ev.Kind, err)
			}
		}
		var b bytes.Buffer
		cw := csv.NewWriter(&b)
		rec := make([]string, len(cols))
		for j, c := range cols {
			rec[j] = c.Name
		}
		if err := cw.Write(rec); err != nil {
			return nil, nil, err
		}
		kept := &queries.Evidence{Kind: ev.Kind}
		var vals []any
		err := ev.Each(ctx, func(r *queries.EvidenceRow) error {
			vals = queries.EvidenceValues(ev.Kind, r, vals)
			for j, c := range cols {
				rec[j] = machine(c.Kind, vals[j])
			}
			if sw != nil {
				if err := sw.add(vals, rec); err != nil {
					return fmt.Errorf("xlsx evidence %s: %w", ev.Kind, err)
				}
			}
			for j, c := range cols {
				if c.Kind == tabular.Text {
					rec[j] = tabular.DefuseFormula(rec[j])
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
			if r.Type != queries.EvidenceTicket || r.Excluded != "" || ev.Kind == queries.Departments && bottom[r.Entity] {
				kept.Rows = append(kept.Rows, *r)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		if cw.Flush(); cw.Error() != nil {
			return nil, nil, cw.Error()
		}
		if sw != nil {
			if err := sw.close(L.t("ev.truncated", sw.limit, sw.rows, name)); err != nil {
				return nil, nil, fmt.Errorf("xlsx evidence %s: %w", ev.Kind, err)
			}
		}
		outs = append(outs, output{name, b.Bytes()})
		quoted = append(quoted, kept)
	}
	return outs, quoted, nil
}

// evidenceSheet streams an evidence table into a sheet of a workbook, each a table with
// a frozen header row and filter buttons on it. Cells hold the values of the CSV: numbers
// as numbers, times and text as text.
type evidenceSheet struct {
	L     labels
	sw    *excelize.StreamWriter
	table string
	cols  []tabular.Column
	cells []any
	rows  int // rows added, written or not
	limit int // the most rows written (maxEvidenceSheetRows)
}

// newEvidenceSheet adds sheet name to f, with the header row of cols in the words of L.
func newEvidenceSheet(L labels, f *excelize.File, name, table string, cols []tabular.Column) (*evidenceSheet, error) {
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"781919"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for j, c := range cols {
		w := 10.0
		switch c.Kind {
		case tabular.Text:
			w = 18
		case tabular.Time:
			w = 26
		case tabular.Int:
			w = 8
		}
		if err := sw.SetColWidth(j+1, j+1, max(w, float64(len(L.or("ev."+c.Name, c.Name)))+2)); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return nil, err
	}
	cells := make([]any, len(cols))
	for j, c := range cols {
		cells[j] = excelize.Cell{StyleID: header, Value: L.or("ev."+c.Name, c.Name)}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	return &evidenceSheet{L: L, sw: sw, table: table, cols: cols, cells: cells, limit: maxEvidenceSheetRows}, nil
}

// add writes the row of values vals, whose machine texts are rec, unless the sheet is
// full: numbers as numbers (the values of the CSV's texts), the rest as its texts.
func (s *evidenceSheet) add(vals []any, rec []string) error {
	s.rows++
	if s.rows > s.limit {
		return nil
	}
	for j, c := range s.cols {
		s.cells[j] = nil
		if rec[j] == "" {
			continue
		}
		switch v := vals[j].(type) {
		case int64:
			s.cells[j] = v
		case *float64:
			s.cells[j] = *v
		case float64:
			s.cells[j] = v
		case time.Time:
			s.cells[j] = moment(v) // local time, as the documents write it
		case *time.Time:
			s.cells[j] = moment(*v)
		default:
			if c.Kind == tabular.Int || c.Kind == tabular.Num {
				return fmt.Errorf("column %s: a number, not %T", c.Name, v)
			}
			// Codes (status, outcome, scope …) in the workbook's language; names as written.
			s.cells[j] = s.L.or("evv."+c.Name+"."+rec[j], rec[j])
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, s.rows+1)
	return s.sw.SetRow(cell, s.cells)
}

// machine is tabular.Machine, without its fmt.Sprint for the evidence's counts.
func machine(k tabular.Kind, v any) string {
	if n, ok := v.(int64); ok {
		return strconv.FormatInt(n, 10)
	}
	return tabular.Machine(k, v)
}

// close ends the sheet: a table over the rows written gives the header row its filter
// buttons (an autofilter); below it, note when rows were left out.
func (s *evidenceSheet) close(note string) error {
	n := min(s.rows, s.limit)
	if s.rows > s.limit {
		cell, _ := excelize.CoordinatesToCellName(1, n+3)
		if err := s.sw.SetRow(cell, []any{note}); err != nil {
			return err
		}
	}
	end, _ := excelize.CoordinatesToCellName(len(s.cols), n+1)
	stripes := false
	if err := s.sw.AddTable(&excelize.Table{Range: "A1:" + end, Name: s.table,
		StyleName: "TableStyleLight1", ShowRowStripes: &stripes}); err != nil {
		return err
	}
	return s.sw.Flush()
}

// publicationExtras adds to a ranking publication the change list against its previous
// version and, when its evidence is at hand, the appendix on the bottom departments.
// quoted is the evidence evidenceFiles keeps for the documents.
func publicationExtras(doc *document, L labels, pub *queries.Publication, quoted []*queries.Evidence, r zhuqi.Rules) {
	if c := pub.Changes; c != nil {
		doc.heading(L.t("h.changes"))
		doc.paragraph(L.t("changes.intro", pub.Version, c.Previous))
		for _, line := range changeLines(L, c) {
			doc.paragraph(line)
		}
	}
	var ev *queries.Evidence
	for _, e := range quoted {
		if e.Kind == queries.Departments {
			ev = e
		}
		if e.Kind == queries.Regions {
			// Every ticket has a region: its evidence quotes every exclusion in force.
			exclusionsInForce(doc, L, e)
		}
	}
	pr := pub.Ranking(queries.Departments)
	if ev == nil || pr == nil || len(pr.Bottom) == 0 {
		return
	}
	doc.heading(L.t("h.appendix"))
	doc.note(L.t("appendix.intro"))
	rows := pubRows(pr)
	for _, name := range pr.Bottom {
		x, err := explain(L, r, queries.Departments, pub.Period, pub.AsOf, pub.RulesVersion, rows, ev, name)
		if err != nil {
			continue
		}
		title := name
		if x.Rank != nil {
			title = L.t("bottom.item", name, *x.Rank, score(x.Total))
		}
		doc.paragraph(title)
		t := &table{Columns: []column{{L.t("x.col.item"), 1.3, false}, {L.t("x.col.formula"), 3.4, false}, {L.t("x.col.value"), 1.1, true}}}
		for _, s := range x.Steps {
			t.Rows = append(t.Rows, []string{s.Item, s.Formula, s.Value})
		}
		doc.addTable(t)
		var notes []string
		if n := len(x.Costly); n > 0 {
			k := min(n, 5)
			var items []string
			for _, c := range x.Costly[:k] {
				items = append(items, L.t("appendix.costly.item", c.TicketID, score(&c.Points), strings.Join(c.Why, L.t("sep"))))
			}
			notes = append(notes, L.t("appendix.costly", k, n)+strings.Join(items, L.t("sep")))
		}
		if len(x.Excluded) > 0 {
			var items []string
			for _, e := range x.Excluded {
				items = append(items, fmt.Sprintf("%s（%s，%s）", e.TicketID, e.Scope, e.DocNo))
			}
			notes = append(notes, L.t("appendix.excluded")+strings.Join(items, L.t("sep")))
		}
		if len(x.Deductions) > 0 {
			var items []string
			for _, d := range x.Deductions {
				items = append(items, fmt.Sprintf("−%s %s", score(&d.Points), d.Reason))
			}
			notes = append(notes, L.t("appendix.deductions")+strings.Join(items, L.t("sep")))
		}
		for _, n := range notes {
			doc.note(n)
		}
	}
}

// changeLines words a change list, one reason a line, then what moved.
func changeLines(L labels, c *queries.Changes) []string {
	var out []string
	if c.Snapshot != nil {
		out = append(out, L.t("changes.snapshot", c.Snapshot.From, c.Snapshot.To))
	}
	if len(c.NewInputs) > 0 {
		var files []string
		for _, in := range c.NewInputs {
			files = append(files, in.File+"（"+in.Kind+"）")
		}
		out = append(out, L.t("changes.inputs", strings.Join(files, L.t("sep"))))
	}
	if c.Rules != nil {
		out = append(out, L.t("changes.rules", c.Rules.From, c.Rules.To))
	}
	for _, e := range c.Exclusions {
		who := e.Department
		if who == "" {
			who = e.Region
		}
		out = append(out, L.t("changes.exclusion", L.t("changes."+e.Change), e.DocNo, e.TicketID, who, e.ApprovedAt, L.t("scope."+e.Scope), e.Reason))
	}
	for _, d := range c.Deductions {
		out = append(out, L.t("changes.deduction", d.Department, d.Reason, score(d.From), score(d.To)))
	}
	if len(c.Moved) == 0 {
		return append(out, L.t("changes.none"))
	}
	for _, k := range queries.RankKinds {
		var moved []string
		for _, m := range c.Moved {
			if m.Ranking == k {
				moved = append(moved, L.t("changes.moved.item", m.Name, score(m.TotalFrom), score(m.TotalTo), intp(m.RankFrom), intp(m.RankTo)))
			}
		}
		if len(moved) > 0 {
			out = append(out, L.t("changes.moved")+L.t("h.rank."+k)+L.t("changes.colon")+strings.Join(moved, L.t("sep")))
		}
	}
	return out
}

// exclusionsInForce lists the tickets of the period excluded after review, by document
// number and scope, from evidence that holds every excluded ticket.
func exclusionsInForce(doc *document, L labels, ev *queries.Evidence) {
	type key struct{ doc, scope, reason string }
	var order []key
	tickets := map[key][]string{}
	for _, r := range ev.Rows {
		if r.Type != queries.EvidenceTicket || r.Excluded == "" {
			continue
		}
		var scopes []string
		for _, s := range strings.Split(r.Excluded, ",") {
			scopes = append(scopes, L.t("scope."+s))
		}
		k := key{r.DocNo, strings.Join(scopes, L.t("sep")), r.ExclusionReason}
		if tickets[k] == nil {
			order = append(order, k)
		}
		tickets[k] = append(tickets[k], r.TicketID)
	}
	if len(order) == 0 {
		return
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].doc < order[j].doc })
	doc.heading(L.t("h.exclusions"))
	for _, k := range order {
		doc.paragraph(L.t("exclusions.item", k.doc, len(tickets[k]), k.scope, k.reason, strings.Join(tickets[k], L.t("sep"))))
	}
}
