package reports

import (
	"testing"
	"time"

	"github.com/zhuqi/zhuqi/queries"
)

// summaryText says every sentence it can, in both languages, with the same decisions:
// changes on the previous period and last year, the largest category, the flags, the
// first and bottom three of each ranking (a ranking without bottom three, and one whose
// first row is not ranked), and the first growth summary with a completion.
func TestSummaryText_EveryBranchBothLanguages(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	n := func(v int64) *int64 { return &v }
	s := func(v string) *string { return &v }
	p, err := queries.ParsePeriod("2026-10", time.UTC, time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	cur := queries.MetricsRow{Collected: 120, Finished: 90, Solved: 80, CompletionRate: f(0.75), ResolutionRate: f(0.6667),
		SatisfactionRate: f(0.9), ResponseRate: f(0.95), OnTimeReplyRate: f(0.8), Red: 3, Black: 1}
	prev := queries.MetricsRow{CompletionRate: f(0.7)}
	lastYear := queries.MetricsRow{CompletionRate: f(0.8)}
	cats := []queries.MetricsRow{{Dims: []*string{s("融资")}, Collected: 30}, {Dims: []*string{s("用地")}, Collected: 50}}
	regions := &queries.Ranking{
		Rows:   []queries.RankRow{{Name: "新区"}, {Rank: n(1), Name: "奎文区", Total: f(92.5)}, {Rank: n(2), Name: "潍城区", Total: f(90)}},
		Bottom: []queries.RankRow{{Name: "寒亭区"}, {Name: "坊子区"}, {Name: "青州市"}},
	}
	depts := &queries.Ranking{Rows: []queries.RankRow{{Rank: n(1), Name: "发改委", Total: f(88.25)}}}
	growth := []queries.GrowthSummary{
		{EntityType: "region", Metric: "output"},
		{EntityType: "region", Metric: "tax", Completion: f(0.7)},
		{EntityType: "department", Metric: "tax", Completion: f(0.9)},
	}
	for _, c := range []struct{ lang, want string }{
		{"zh", "本月共收集企业诉求120件，办结90件，办结率75.0%，环比上升5.0个百分点，同比下降5.0个百分点；解决80件，解决率66.7%；企业满意率90.0%，响应率95.0%，按时答复率80.0%。诉求最多的类别是用地（50件）。本期诉求中截至数据时点为红旗的3件、黑旗的1件。县市区“三率”排名第一的是奎文区（92.50分），后三位为寒亭区、坊子区、青州市。部门要素保障大比拼第一名为发改委（88.25分）。县市区税收累计完成年度目标的70.0%，落后序时进度10.0个百分点。"},
		{"en", "In October 2026, 120 enterprise requests were collected and 90 finished: a completion rate of 75.0%, up 5.0 points on the previous period and down 5.0 points on last year. 80 were solved (resolution rate 66.7%); satisfaction rate 90.0%, response rate 95.0%, on-time reply rate 80.0%. The largest category was Land use (50). Of the period's tickets, 3 carry a red flag and 1 a black flag as of the data's time. First among regions: 奎文区 (92.50 points); bottom three: 寒亭区, 坊子区, 青州市. First among departments: 发改委 (88.25 points). Tax of regions reached 70.0% of the annual target, behind schedule by 10.0 points."},
	} {
		L, err := lang(c.lang)
		if err != nil {
			t.Fatal(err)
		}
		if got := summaryText(L, p, cur, prev, lastYear, cats, regions, depts, growth, 0.8); got != c.want {
			t.Errorf("%s summary:\n got %q\nwant %q", c.lang, got, c.want)
		}
	}
}
