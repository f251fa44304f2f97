package queries

import (
	"context"
	"fmt"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// exclusionFixture: October 2026, T = 2026-11-01 00:00. 甲局 (region 奎文区, cadre 张三)
// has eight tickets created Monday 12 October 09:00 (assign due at the end of the 13th,
// reply due at the end of the 15th):
//
//	A1–A4  assigned 10:00, answered and resolved the 13th, solved, 满意
//	B1     the same, 不满意
//	D1     the same, 基本满意
//	C1     assigned the 14th (late), answered the 20th (late), in progress, unrated
//	C2     assigned 10:00, answered the 20th (late), in progress, unrated
//
// 乙局 (寿光市, 王五) has eight solved, 满意 tickets on time: the cadres' max solved is 8.
// excl lists the exclusions, each "ticket scope"; every file also holds one of A1
// approved after T, which must not count.
func exclusionFixture(t *testing.T, excl ...[2]string) *Q {
	t.Helper()
	f := newFixture(t)
	var ts []tk
	add := func(id, dept, cadre, region, assigned, answered, status, outcome, sat string) {
		x := tk{id: id, enterprise: "企业" + id, region: region, department: dept, cadre: cadre, category: "政策落实",
			created: "2026-10-12 09:00", assigned: assigned, responded: answered, status: status, outcome: outcome, satisfaction: sat, onSite: "否"}
		if status == "已办结" {
			x.resolved = answered
		}
		ts = append(ts, x)
	}
	ok := func(id, sat string) {
		add(id, "甲局", "张三", "奎文区", "2026-10-12 10:00", "2026-10-13 10:00", "已办结", "已解决", sat)
	}
	ok("A1", "满意")
	ok("A2", "满意")
	ok("A3", "满意")
	ok("A4", "满意")
	ok("B1", "不满意")
	ok("D1", "基本满意")
	add("C1", "甲局", "张三", "奎文区", "2026-10-14 10:00", "2026-10-20 10:00", "办理中", "", "")
	add("C2", "甲局", "张三", "奎文区", "2026-10-12 10:00", "2026-10-20 10:00", "办理中", "", "")
	for i := 1; i <= 8; i++ {
		add(fmt.Sprintf("Y%d", i), "乙局", "王五", "寿光市", "2026-10-12 10:00", "2026-10-13 10:00", "已办结", "已解决", "满意")
	}
	f.tickets("2026-11-01 00:00", ts)
	rows := [][]string{{"A1", "全部", "重复诉求", "市营商办", "2026-11-05 10:00", "营商办〔2026〕99号"}}
	for i, e := range excl {
		rows = append(rows, []string{e[0], e[1], "无理诉求", "市营商办", "2026-10-25 10:00", fmt.Sprintf("营商办〔2026〕%d号", i+1)})
	}
	f.facts(zhuqi.KindExclusions, []string{"诉求编号", "剔除范围", "剔除原因", "审核单位", "审核时间", "文号"}, rows)
	return f.open()
}

// TestRank_ExclusionScopes: exclusions of each scope change exactly the counts their
// scope names, in the department, region and cadre rankings, against figures computed
// by hand from exclusionFixture's tickets; the plain metrics count every ticket and show
// how many are excluded.
func TestRank_ExclusionScopes(t *testing.T) {
	type want struct {
		collected                 int64
		effect, service, deptTot  float64
		resp, resol, satRate, reg float64
		solved                    int64
		score, cadre              float64
		excluded                  int64
	}
	cases := []struct {
		name string
		excl [][2]string
		want want
	}{
		// collected 8, finished = solved 6, rated 6 (4 满意, 1 基本满意, 1 不满意), assigned in
		// time 7 of 8, replied on time 6 of 8.
		{"None", nil, want{8, 25*6.0/8 + 25*6.0/8, 30 * 4.8 / 6, 81.5,
			7.0 / 8, 6.0 / 8, 5.0 / 6, 80.0, 6, 4.8 / 6, 60*6.0/8 + 40*4.8/6, 0}},
		// C1 and A2 out of everything: collected 6, finished = solved 5, rated 5 (3 满意, 1
		// 基本满意, 1 不满意), assigned in time 6 of 6, replied on time 5 of 6.
		{"All", [][2]string{{"C1", "全部"}, {"A2", "all"}}, want{6, 25*5.0/6 + 25*5.0/6, 30 * 3.8 / 5, 84.47,
			1, 5.0 / 6, 4.0 / 5, 83.5, 5, 3.8 / 5, 67.9, 2}},
		// B1 out of the rated counts only: rated 5 (4 满意, 1 基本满意).
		{"Satisfaction", [][2]string{{"B1", "满意度"}}, want{8, 37.5, 30 * 4.8 / 5, 86.3,
			7.0 / 8, 6.0 / 8, 1, 87.5, 6, 4.8 / 5, 83.4, 1}},
		// C2 out of the reply and response counts: assigned in time 6 of 7, replied on time 6 of 7.
		{"Timeliness", [][2]string{{"C2", "时效"}}, want{8, 25*6.0/7 + 25*6.0/8, 24, 84.18,
			6.0 / 7, 6.0 / 8, 5.0 / 6, 79.82, 6, 0.8, 77.0, 1}},
		// All three: collected 6, finished = solved 5, rated 4 (3 满意, 1 基本满意),
		// assigned in time 5 of 5, replied on time 5 of 5.
		{"Combined", [][2]string{{"C1", "全部"}, {"A2", "全部"}, {"B1", "满意度"}, {"C2", "时效"}}, want{6, 25 + 25*5.0/6, 30 * 0.95, 94.33,
			1, 5.0 / 6, 1, 92.5, 5, 0.95, 75.5, 4}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := exclusionFixture(t, tc.excl...)
			p, err := q.Period("2026-10")
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			row := func(kind, name string) RankRow {
				t.Helper()
				rk, err := q.Rank(ctx, kind, p)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rk.Rows {
					if r.Name == name {
						return r
					}
				}
				t.Fatalf("%s: no row %s", kind, name)
				return RankRow{}
			}
			d := row(Departments, "甲局")
			eq(t, "department collected", d.Collected, w.collected)
			near(t, "effect", d.Effect, round2(w.effect))
			near(t, "service", d.Service, round2(w.service))
			near(t, "efficiency", d.Efficiency, 20.0)
			near(t, "department total", d.Total, w.deptTot)

			r := row(Regions, "奎文区")
			eq(t, "region collected", r.Collected, w.collected)
			near(t, "response_rate", r.ResponseRate, w.resp)
			near(t, "resolution_rate", r.ResolutionRate, w.resol)
			near(t, "satisfaction_rate", r.SatisfactionRate, w.satRate)
			near(t, "region total", r.Total, w.reg)

			c := row(Cadres, "张三")
			eq(t, "cadre solved", c.Solved, w.solved)
			near(t, "satisfaction_score", c.SatisfactionScore, w.score)
			near(t, "cadre total", c.Total, w.cadre)

			// 乙局 has no exclusion: untouched.
			near(t, "乙局 total", row(Departments, "乙局").Total, 100.0)

			ms, err := q.Metrics(ctx, p, []string{"department"})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.Dim(0) == "甲局" {
					eq(t, "metrics collected", m.Collected, 8)
					eq(t, "metrics rated", m.Rated, 6)
					eq(t, "metrics excluded", m.Excluded, w.excluded)
				}
			}
		})
	}
}
