package reports

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zhuqi/zhuqi/queries"
)

// Langs are the document languages; the first is the default.
var Langs = []string{"zh", "en"}

// labels are the words of the documents in one language.
type labels map[string]string

var words = map[string]labels{
	"zh": {
		"briefing":            "月度运行分析",
		"briefing.quarter":    "季度运行分析",
		"ranking":             "要素保障大比拼排名通报",
		"cadres":              "助企干部赛比评",
		"overdue":             "督办清单",
		"office":              "助企服务工作专班",
		"meta.period":         "统计期间：%s（%s 至 %s）",
		"meta.day":            "统计日期：%s",
		"meta.asof":           "数据截至：%s",
		"meta.rules":          "规则版本：%s",
		"meta.pub":            "通报编号：%s（第%d版）",
		"h.summary":           "一、总体情况",
		"h.kpi":               "二、主要指标",
		"h.trend":             "三、近12个月走势",
		"h.categories":        "四、诉求类别",
		"h.regions":           "五、县市区“三率”排名",
		"h.departments":       "六、部门要素保障大比拼",
		"h.flags":             "七、红黑旗督办",
		"h.growth":            "八、目标完成与序时进度",
		"h.rank.departments":  "部门排名（要素保障大比拼）",
		"h.rank.regions":      "县市区排名（三率）",
		"h.rank.cadres":       "助企干部排名",
		"h.bottom":            "通报（后三位）",
		"h.risers":            "进步较快",
		"h.notranked":         "未参与排名",
		"h.star":              "本周之星与评比",
		"h.recognised":        "本期受表扬干部",
		"h.overdue":           "红旗、黑旗诉求",
		"kpi.collected":       "收集诉求（件）",
		"kpi.finished":        "办结（件）",
		"kpi.completion":      "办结率",
		"kpi.resolution":      "解决率",
		"kpi.satisfaction":    "满意率",
		"kpi.response":        "响应率",
		"kpi.ontime":          "按时答复率",
		"kpi.flags":           "红旗 / 黑旗（件）",
		"chg.mom":             "环比",
		"chg.yoy":             "同比",
		"chg.pp":              "%s个百分点",
		"col.month":           "月份",
		"col.category":        "诉求类别",
		"col.region":          "县市区",
		"col.department":      "部门",
		"col.cadre":           "助企干部",
		"col.rank":            "名次",
		"col.name":            "名称",
		"col.collected":       "收集",
		"col.finished":        "办结",
		"col.solved":          "解决",
		"col.completion":      "办结率",
		"col.resolution":      "解决率",
		"col.satisfaction":    "满意率",
		"col.response":        "响应率",
		"col.ontime":          "按时答复率",
		"col.effect":          "办理成效（50分）",
		"col.service":         "服务质效（30分）",
		"col.efficiency":      "办理效率（20分）",
		"col.total":           "总分",
		"col.prev":            "上期名次",
		"col.change":          "名次变化",
		"col.status":          "状态",
		"col.note":            "说明",
		"col.score":           "满意度",
		"col.flag":            "旗色",
		"col.ticket":          "诉求编号",
		"col.enterprise":      "企业",
		"col.created":         "提报时间",
		"col.due":             "答复时限",
		"col.late":            "逾期（工作日）",
		"col.entity":          "对象",
		"col.metric":          "指标",
		"col.ytd":             "累计",
		"col.target":          "年度目标",
		"col.progress":        "完成进度",
		"col.timeprog":        "序时进度",
		"col.gap":             "超序时（百分点）",
		"col.yoy":             "同比增长",
		"col.premium":         "高于基准（百分点）",
		"col.entities":        "对象数",
		"col.achieved":        "已完成",
		"col.etype":           "类型",
		"flag.red":            "红旗",
		"flag.black":          "黑旗",
		"status.ranked":       "参与排名",
		"status.not_ranked":   "未参与排名",
		"chart.trend":         "近12个月诉求收集与办结（件）",
		"chart.rates":         "近12个月办结率、解决率、满意率（%）",
		"chart.categories":    "本期诉求类别分布（件）",
		"chart.regions":       "县市区“三率”（%）",
		"chart.departments":   "部门要素保障大比拼总分",
		"chart.growth":        "%s完成年度目标进度（%%）",
		"chart.timeline":      "序时进度",
		"unit.count":          "件",
		"unit.pct":            "%",
		"unit.score":          "分",
		"none":                "无",
		"flags.more":          "另有%d件未列出，详见当日督办清单。",
		"flags.none":          "本期无红旗、黑旗诉求。",
		"growth.none":         "本期无目标数据。",
		"rank.none":           "本期无参与排名的对象。",
		"bottom.item":         "%s（第%d名，%s分）",
		"riser.item":          "%s（第%d名，上升%d位）",
		"notranked.intro":     "以下对象诉求不足%d件或无诉求，不参与排名：",
		"notranked.count":     "另有%d名干部解决诉求不足%d件或无企业评价，未参与排名。",
		"cadres.more":         "以上为受表扬的前列干部；另有%d名干部参与排名，名次见完整排名表。",
		"overdue.intro":       "截至%s，共有红旗诉求%d件（逾期不超过%s个工作日，督办）、黑旗诉求%d件（问责），按逾期时长排列如下。",
		"star.intro":          "本周解决诉求最多且满意率达标的助企干部为%s（解决%d件）。",
		"star.none":           "本周无干部达到评星条件（解决不少于%d件且满意率达标）。",
		"cadres.intro":        "%s助企干部评比结果如下，共%d人参与排名。",
		"ranking.intro":       "%s要素保障大比拼共%d个部门参与排名，第一名%s（%s分）；县市区“三率”共%d个县市区参与排名，第一名%s（%s分）。",
		"entity.enterprise":   "企业",
		"entity.region":       "县市区",
		"entity.department":   "部门",
		"entity.program":      "项目",
		"metric.revenue":      "营业收入",
		"metric.output":       "产值",
		"metric.investment":   "投资",
		"metric.new_projects": "新开工项目",
		"metric.tax":          "税收",
		"up":                  "上升",
		"down":                "下降",
		"flat":                "持平",
		"ahead":               "超序时进度",
		"behind":              "落后序时进度",
		"sep":                 "、",

		// Added for issue 19: marker rows, cadre notes, workbook words, units, categories.
		"omitted":                  "……（中间%d个单位略）",
		"cadres.total":             "总分＝%s×解决件数÷本期参评干部最多解决件数＋%s×满意度，满分100分。",
		"star.total":               "本周评比按解决件数计分（总分即解决件数）；参评条件为满意率不低于%s且解决不少于%d件。",
		"star.others":              "另有%d名干部本期有解决诉求，但未达参评条件，不列入评比。",
		"sheet.departments":        "部门排名",
		"sheet.regions":            "县市区排名",
		"sheet.cadres":             "助企干部排名",
		"xlsx.rank":                "名次",
		"xlsx.name":                "名称",
		"xlsx.collected":           "收集",
		"xlsx.effect":              "办理成效（50分）",
		"xlsx.service":             "服务质效（30分）",
		"xlsx.efficiency":          "办理效率（20分）",
		"xlsx.response_rate":       "响应率",
		"xlsx.resolution_rate":     "解决率",
		"xlsx.satisfaction_rate":   "满意率",
		"xlsx.solved":              "解决",
		"xlsx.satisfaction_score":  "满意度",
		"xlsx.total":               "总分",
		"xlsx.prev_rank":           "上期名次",
		"xlsx.rank_change":         "名次变化",
		"xlsx.status":              "状态",
		"xlsx.rules_version":       "规则版本",
		"xlsx.note":                "说明",
		"unit.metric.new_projects": "个",
		"unit.money":               "万元",
		"cat.贷款融资":                 "贷款融资",
		"cat.环保":                   "环保",
		"cat.降本增效":                 "降本增效",
		"cat.其他":                   "其他",
		"cat.审批服务":                 "审批服务",
		"cat.引才用工":                 "引才用工",
		"cat.用地":                   "用地",
		"cat.用电用气用水":               "用电用气用水",
		"cat.政策落实":                 "政策落实",
		"cat.知识产权":                 "知识产权",
	},
	"en": {
		"briefing":            "Monthly Operations Briefing",
		"briefing.quarter":    "Quarterly Operations Briefing",
		"ranking":             "Ranking Publication: Department Support Contest",
		"cadres":              "Cadre Recognition",
		"overdue":             "Overdue List (Supervision)",
		"office":              "Enterprise Service Office",
		"meta.period":         "Period: %s (%s to %s)",
		"meta.day":            "Day: %s",
		"meta.asof":           "Data as of: %s",
		"meta.rules":          "Rules version: %s",
		"meta.pub":            "Publication: %s (version %d)",
		"h.summary":           "1. Overview",
		"h.kpi":               "2. Key indicators",
		"h.trend":             "3. Last 12 months",
		"h.categories":        "4. Categories",
		"h.regions":           "5. Regions: the three rates",
		"h.departments":       "6. Department ranking",
		"h.flags":             "7. Red and black flags",
		"h.growth":            "8. Targets and schedule",
		"h.rank.departments":  "Department ranking",
		"h.rank.regions":      "Region ranking (three rates)",
		"h.rank.cadres":       "Cadre ranking",
		"h.bottom":            "Bottom three",
		"h.risers":            "Fastest risers",
		"h.notranked":         "Not ranked",
		"h.star":              "Star of the week and ranking",
		"h.recognised":        "Recognised cadres",
		"h.overdue":           "Red and black flagged tickets",
		"kpi.collected":       "Collected",
		"kpi.finished":        "Finished",
		"kpi.completion":      "Completion rate",
		"kpi.resolution":      "Resolution rate",
		"kpi.satisfaction":    "Satisfaction rate",
		"kpi.response":        "Response rate",
		"kpi.ontime":          "On-time reply rate",
		"kpi.flags":           "Red / black flags",
		"chg.mom":             "vs prev.",
		"chg.yoy":             "vs last yr",
		"chg.pp":              "%s pp",
		"col.month":           "Month",
		"col.category":        "Category",
		"col.region":          "Region",
		"col.department":      "Department",
		"col.cadre":           "Cadre",
		"col.rank":            "Rank",
		"col.name":            "Name",
		"col.collected":       "Collected",
		"col.finished":        "Finished",
		"col.solved":          "Solved",
		"col.completion":      "Completion",
		"col.resolution":      "Resolution",
		"col.satisfaction":    "Satisfaction",
		"col.response":        "Response",
		"col.ontime":          "On-time reply",
		"col.effect":          "Effect (50)",
		"col.service":         "Service (30)",
		"col.efficiency":      "Efficiency (20)",
		"col.total":           "Total",
		"col.prev":            "Prev. rank",
		"col.change":          "Change",
		"col.status":          "Status",
		"col.note":            "Note",
		"col.score":           "Satisfaction",
		"col.flag":            "Flag",
		"col.ticket":          "Ticket",
		"col.enterprise":      "Enterprise",
		"col.created":         "Created",
		"col.due":             "Reply due",
		"col.late":            "Working days late",
		"col.entity":          "Entity",
		"col.metric":          "Metric",
		"col.ytd":             "YTD",
		"col.target":          "Target",
		"col.progress":        "Completion",
		"col.timeprog":        "Time progress",
		"col.gap":             "Schedule gap (pp)",
		"col.yoy":             "YoY",
		"col.premium":         "Premium (pp)",
		"col.entities":        "Entities",
		"col.achieved":        "Achieved",
		"col.etype":           "Type",
		"flag.red":            "Red",
		"flag.black":          "Black",
		"status.ranked":       "Ranked",
		"status.not_ranked":   "Not ranked",
		"chart.trend":         "Collected and finished, last 12 months",
		"chart.rates":         "Completion, resolution and satisfaction rates (%)",
		"chart.categories":    "Tickets by category",
		"chart.regions":       "Regions: the three rates (%)",
		"chart.departments":   "Department ranking: total score",
		"chart.growth":        "%s: completion of the annual target (%%)",
		"chart.timeline":      "Time progress",
		"unit.count":          "tickets",
		"unit.pct":            "%",
		"unit.score":          "points",
		"none":                "none",
		"flags.more":          "%d more are not listed here; the daily overdue list has them all.",
		"flags.none":          "No red or black flags in the period.",
		"growth.none":         "No target data for the period.",
		"rank.none":           "Nothing was ranked in the period.",
		"bottom.item":         "%s (rank %d, %s points)",
		"riser.item":          "%s (rank %d, up %d)",
		"notranked.intro":     "Fewer than %d tickets or none, not ranked: ",
		"notranked.count":     "%d more cadres had fewer than %d solved tickets or no ratings and were not ranked.",
		"cadres.more":         "The recognised cadres are listed; %d more cadres were ranked and appear in the full ranking table.",
		"overdue.intro":       "As of %s there are %d red-flag tickets (late by at most %s working days: supervision) and %d black-flag tickets (accountability), longest overdue first.",
		"star.intro":          "Star of the week, with the most solved tickets and a satisfaction rate above the bar: %s (%d solved).",
		"star.none":           "No cadre met the star conditions this week (at least %d solved and the satisfaction bar).",
		"cadres.intro":        "Cadre ranking for %s: %d ranked.",
		"ranking.intro":       "In %s, %d departments were ranked, first %s (%s points); %d regions were ranked on the three rates, first %s (%s points).",
		"entity.enterprise":   "enterprises",
		"entity.region":       "regions",
		"entity.department":   "departments",
		"entity.program":      "programs",
		"metric.revenue":      "revenue",
		"metric.output":       "output",
		"metric.investment":   "investment",
		"metric.new_projects": "new projects",
		"metric.tax":          "tax",
		"up":                  "up",
		"down":                "down",
		"flat":                "unchanged",
		"ahead":               "ahead of schedule by",
		"behind":              "behind schedule by",
		"sep":                 ", ",

		// Added for issue 19: marker rows, cadre notes, workbook words, units, categories.
		"omitted":                  "… (%d in between not shown)",
		"cadres.total":             "Total = %s × solved ÷ the most solved among the ranked + %s × satisfaction; 100 at most.",
		"star.total":               "This week's ranking scores the solved tickets (the total is the number solved); the conditions are a satisfaction rate of at least %s and at least %d solved.",
		"star.others":              "%d more cadres solved tickets in the period but did not meet the conditions and are not ranked.",
		"sheet.departments":        "Departments",
		"sheet.regions":            "Regions",
		"sheet.cadres":             "Cadres",
		"unit.metric.new_projects": "projects",
		"unit.money":               "10k yuan",
		"xlsx.rank":                "Rank",
		"xlsx.name":                "Name",
		"xlsx.collected":           "Collected",
		"xlsx.effect":              "Effect (50)",
		"xlsx.service":             "Service (30)",
		"xlsx.efficiency":          "Efficiency (20)",
		"xlsx.response_rate":       "Response rate",
		"xlsx.resolution_rate":     "Resolution rate",
		"xlsx.satisfaction_rate":   "Satisfaction rate",
		"xlsx.solved":              "Solved",
		"xlsx.satisfaction_score":  "Satisfaction",
		"xlsx.total":               "Total",
		"xlsx.prev_rank":           "Previous rank",
		"xlsx.rank_change":         "Rank change",
		"xlsx.status":              "Status",
		"xlsx.rules_version":       "Rules version",
		"xlsx.note":                "Note",
		"cat.贷款融资":                 "Loans and financing",
		"cat.环保":                   "Environmental protection",
		"cat.降本增效":                 "Cost reduction",
		"cat.其他":                   "Other",
		"cat.审批服务":                 "Approvals",
		"cat.引才用工":                 "Hiring and talent",
		"cat.用地":                   "Land use",
		"cat.用电用气用水":               "Power, gas and water",
		"cat.政策落实":                 "Policy implementation",
		"cat.知识产权":                 "Intellectual property",
	},
}

// lang returns the labels of l, or an error naming the languages.
func lang(l string) (labels, error) {
	if l == "" {
		l = "zh"
	}
	if t, ok := words[l]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("unknown language %q: use zh or en", l)
}

// t returns the label of key, formatted with args; a missing key shows as itself.
func (t labels) t(key string, args ...any) string {
	s, ok := t[key]
	if !ok {
		s = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// or returns the label of key, or fallback when there is none (e.g. a metric key that
// is not in the list).
func (t labels) or(key, fallback string) string {
	if s, ok := t[key]; ok {
		return s
	}
	return fallback
}

// periodName is p in words: 2026年10月, 2026年第三季度; October 2026, 2026 Q3.
func (t labels) periodName(p queries.Period) string {
	zh := t["sep"] == "、"
	y := p.Start.Year()
	switch p.Kind {
	case "month":
		if zh {
			return fmt.Sprintf("%d年%d月", y, int(p.Start.Month()))
		}
		return p.Start.Format("January 2006")
	case "quarter":
		q := (int(p.Start.Month()) + 2) / 3
		if zh {
			return fmt.Sprintf("%d年第%s季度", y, []string{"一", "二", "三", "四"}[q-1])
		}
		return fmt.Sprintf("%d Q%d", y, q)
	case "week":
		_, w := p.Start.ISOWeek()
		if zh {
			return fmt.Sprintf("%d年第%d周", y, w)
		}
		return fmt.Sprintf("%d week %d", y, w)
	case "day":
		if zh {
			return fmt.Sprintf("%d年%d月%d日", y, int(p.Start.Month()), p.Start.Day())
		}
		return p.Start.Format("2 January 2006")
	}
	return p.Label
}

// meta is the title block: period, snapshot time and rules version.
func (t labels) meta(p queries.Period, asOf time.Time, rules string) []string {
	last := p.End.AddDate(0, 0, -1)
	period := t.t("meta.period", t.periodName(p), p.Start.Format("2006-01-02"), last.Format("2006-01-02"))
	if p.Kind == "day" {
		period = t.t("meta.day", t.periodName(p))
	}
	return []string{
		period,
		t.t("meta.asof", moment(asOf)),
		t.t("meta.rules", rules),
	}
}

// category is a ticket category in the document's language: the English name of a known
// category, else the name as it is.
func (t labels) category(name string) string { return t.or("cat."+name, name) }

// metricUnit is the unit of a growth metric's figures: 万元 unless the metric counts.
func (t labels) metricUnit(metric string) string {
	return t.or("unit.metric."+metric, t.t("unit.money"))
}

// metricName is a growth metric with its unit, as a table shows it: 营业收入（万元）,
// Revenue (10k yuan).
func (t labels) metricName(metric string) string {
	name := t.or("metric."+metric, metric)
	if t["sep"] == "、" {
		return name + "（" + t.metricUnit(metric) + "）"
	}
	return capital(name) + " (" + t.metricUnit(metric) + ")"
}

// entityName is a kind of growth entity as a table shows it: 县市区, Regions.
func (t labels) entityName(kind string) string { return capital(t.or("entity."+kind, kind)) }

// capital is s with its first letter in upper case (Chinese text is as it is).
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// withUnit is the label of key with a unit: 累计（万元）, YTD (10k yuan).
func (t labels) withUnit(key, unit string) string {
	if t["sep"] == "、" {
		return t.t(key) + "（" + unit + "）"
	}
	return t.t(key) + " (" + unit + ")"
}
