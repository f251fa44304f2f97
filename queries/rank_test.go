package queries

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// rankFixture: September and October 2026. Tickets are created on a Monday 09:00 and
// assigned an hour later (in time); the reply is due at 24:00 three working days later.
// "ok" tickets are answered and resolved the next day (on time) and solved; "late" ones
// are answered a week later and still in progress. T = 2026-11-01 00:00.
func rankFixture(t *testing.T) (*fixture, *Q) {
	f := newFixture(t)
	var ts []tk
	n := 0
	add := func(month, dept, cadre, region, kind, sat string, count int) {
		day, ok, late := "2026-10-12", "2026-10-13 10:00", "2026-10-20 10:00"
		if month == "09" {
			day, ok, late = "2026-09-07", "2026-09-08 10:00", "2026-09-18 10:00"
		}
		for i := 0; i < count; i++ {
			n++
			x := tk{id: fmt.Sprintf("R%03d", n), enterprise: fmt.Sprintf("企业%03d", n), region: region, department: dept, cadre: cadre,
				category: "政策落实", created: day + " 09:00", assigned: day + " 10:00", satisfaction: sat, onSite: "否"}
			switch kind {
			case "ok":
				x.responded, x.resolved, x.status, x.outcome = ok, ok, "已办结", "已解决"
			case "open-on-time":
				x.responded, x.status = ok, "办理中"
			case "late":
				x.responded, x.status = late, "办理中"
			}
			ts = append(ts, x)
		}
	}
	// September: 己局 perfect; 乙局 answered late, unfinished, unrated.
	add("09", "己局", "赵六", "寿光市", "ok", "满意", 5)
	add("09", "乙局", "孙七", "奎文区", "late", "", 5)
	// October.
	add("10", "甲局", "张三", "奎文区", "ok", "满意", 5)
	add("10", "乙局", "孙七", "奎文区", "ok", "", 5)
	for _, d := range [][2]string{{"丁局", "李四"}, {"戊局", "王五"}} {
		add("10", d[0], d[1], "奎文区", "ok", "满意", 2)
		add("10", d[0], d[1], "奎文区", "ok", "基本满意", 2)
		add("10", d[0], d[1], "奎文区", "open-on-time", "不满意", 1)
	}
	add("10", "己局", "赵六", "寿光市", "ok", "满意", 3)
	add("10", "己局", "赵六", "寿光市", "late", "", 3)
	add("10", "丙局", "周八", "高新区", "ok", "满意", 4)
	add("10", "", "", "寿光市", "ok", "", 5)
	f.tickets("2026-11-01 00:00", ts)
	f.facts(zhuqi.KindDeductions, []string{"department", "month", "points", "reason"}, [][]string{
		{"甲局", "2026-10", "15", "信息报送迟报"},
		{"甲局", "2026-10", "10", "未按时办结督办件"},
		{"丁局", "2026-10", "2.5", "材料不全"},
		{"戊局", "2026-10", "2.5", "材料不全"},
		{"乙局", "2026-09", "5", "上月扣分不计入十月"},
	})
	return f, f.open()
}

func rankOf(rk *Ranking) string {
	var b []string
	for _, r := range rk.Rows {
		s := r.Name + ":"
		if r.Rank != nil {
			s += fmt.Sprint(*r.Rank)
		} else {
			s += "-"
		}
		b = append(b, s)
	}
	return strings.Join(b, " ")
}

func names(rows []RankRow) string {
	var b []string
	for _, r := range rows {
		b = append(b, r.Name)
	}
	return strings.Join(b, " ")
}

func TestRankDepartments(t *testing.T) {
	f, q := rankFixture(t)
	rk, err := q.Rank(context.Background(), Departments, f.period(q, "2026-10"))
	if err != nil {
		t.Fatal(err)
	}
	// 甲 50 + 30 + max(0, 20 − 25) = 80; 乙 50 + mean service (30, 21.6, 21.6, 30 → 25.8) + 20
	// = 95.8; 丁 and 戊 (25 + 25 × 4/5) + 30 × 0.72 + 17.5 = 84.1, tied, listed by pinyin;
	// 己 (25 × 3/6 + 25 × 3/6) + 30 + 20 = 75; 丙 has 4 tickets: not ranked.
	eq(t, "order", rankOf(rk), "乙局:1 丁局:2 戊局:2 甲局:4 己局:5 丙局:-")
	want := map[string][4]float64{ // effect, service, efficiency, total
		"乙局": {50, 25.8, 20, 95.8}, "丁局": {45, 21.6, 17.5, 84.1}, "戊局": {45, 21.6, 17.5, 84.1},
		"甲局": {50, 30, 0, 80}, "己局": {25, 30, 20, 75},
	}
	for _, r := range rk.Rows {
		w, ok := want[r.Name]
		if !ok {
			eq(t, r.Name+" status", r.Status, "not_ranked")
			near(t, r.Name+" total", r.Total, nil)
			continue
		}
		near(t, r.Name+" effect", r.Effect, w[0])
		near(t, r.Name+" service", r.Service, w[1])
		near(t, r.Name+" efficiency", r.Efficiency, w[2])
		near(t, r.Name+" total", r.Total, w[3])
		eq(t, r.Name+" status", r.Status, "ranked")
	}
	eq(t, "乙局 note", strings.Contains(rk.Rows[0].Note, "无企业评价"), true)
	// September: 己 100 (1st), 乙 0 + 30 (mean of 己) + 20 = 50 (2nd).
	eq(t, "乙局 prev_rank", *rk.Rows[0].PrevRank, 2)
	eq(t, "乙局 rank_change", *rk.Rows[0].RankChange, 1)
	eq(t, "己局 rank_change", *rk.Rows[4].RankChange, -4)
	if rk.Rows[1].PrevRank != nil {
		t.Errorf("丁局 prev_rank = %d, want none (no tickets in September)", *rk.Rows[1].PrevRank)
	}
	// The bottom three reach back to the tie at 2nd place; only 乙 rose.
	eq(t, "bottom", names(rk.Bottom), "丁局 戊局 甲局 己局")
	eq(t, "risers", names(rk.Risers), "乙局")
	eq(t, "not ranked", names(rk.NotRanked), "丙局")
	eq(t, "rules version", rk.RulesVersion, zhuqi.Default().Rules.Version())
}

func TestRankRegions(t *testing.T) {
	f, q := rankFixture(t)
	rk, err := q.Rank(context.Background(), Regions, f.period(q, "2026-10"))
	if err != nil {
		t.Fatal(err)
	}
	// 奎文区: 20 tickets, all assigned in time, 18 solved, 13 of 15 rated satisfied or basic:
	// 100 × (0.10 + 0.45 × 0.9 + 0.45 × 13/15) = 89.5.
	// 寿光市: 11 tickets, 8 solved, 3 of 3 satisfied: 100 × (0.10 + 0.45 × 8/11 + 0.45) = 87.727… → 87.73.
	// 高新区: 4 tickets, under the minimum of 5.
	eq(t, "order", rankOf(rk), "奎文区:1 寿光市:2 高新区:-")
	near(t, "奎文区 total", rk.Rows[0].Total, 89.5)
	near(t, "奎文区 resolution_rate", rk.Rows[0].ResolutionRate, 0.9)
	near(t, "奎文区 satisfaction_rate", rk.Rows[0].SatisfactionRate, 13.0/15)
	near(t, "寿光市 total", rk.Rows[1].Total, 87.73)
	near(t, "寿光市 response_rate", rk.Rows[1].ResponseRate, 1.0)
	// September: 寿光市 100; 奎文区 10 + 0 + 45 (mean satisfaction of the ranked) = 55.
	eq(t, "奎文区 rank_change", *rk.Rows[0].RankChange, 1)
	eq(t, "寿光市 rank_change", *rk.Rows[1].RankChange, -1)
	eq(t, "高新区 note", strings.Contains(rk.Rows[2].Note, "不足5件"), true)
}

func TestRankCadres(t *testing.T) {
	f, q := rankFixture(t)
	ctx := context.Background()
	month, err := q.Rank(ctx, Cadres, f.period(q, "2026-10"))
	if err != nil {
		t.Fatal(err)
	}
	// 60 × solved / 5 + 40 × score: 张三 60 + 40 = 100; 周八 48 + 40 = 88; 李四 and 王五
	// 48 + 28.8 = 76.8; 赵六 36 + 40 = 76; 孙七 has no rating: not ranked.
	eq(t, "month order", rankOf(month), "张三:1 周八:2 李四:3 王五:3 赵六:5 孙七:-")
	near(t, "李四 total", month.Rows[2].Total, 76.8)
	near(t, "李四 satisfaction_score", month.Rows[2].SatisfactionScore, 0.72)
	// Week 42 (12–18 Oct): the star needs satisfaction ≥ 90% and 3 solved.
	week, err := q.Rank(ctx, Cadres, f.period(q, "2026-W42"))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "week order", rankOf(week)[:len("张三:1 周八:2 赵六:3")], "张三:1 周八:2 赵六:3")
	near(t, "张三 weekly total", week.Rows[0].Total, 5.0)
}
