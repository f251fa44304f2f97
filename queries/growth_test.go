package queries

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

var (
	targetHeader    = []string{"entity_type", "entity", "metric", "year", "target", "unit"}
	actualHeader    = []string{"entity_type", "entity", "metric", "month", "value"}
	benchmarkHeader = []string{"metric", "scope", "month", "yoy"}
)

// growthFixture needs a ticket export only for the snapshot time.
func growthFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.tickets("2026-11-01 00:00", []tk{{id: "X1", enterprise: "企业", region: "任城区", category: "其他",
		created: "2026-10-12 09:00", status: "办理中"}})
	return f
}

func TestGrowth(t *testing.T) {
	f := growthFixture(t)
	var actuals [][]string
	for m := 1; m <= 10; m++ {
		// 2025: 10 a month; 2026: 12 a month, except September at 15.
		v26 := "12"
		if m == 9 {
			v26 = "15"
		}
		actuals = append(actuals,
			[]string{"enterprise", "鲁南装备公司", "revenue", fmt.Sprintf("2025-%02d", m), "10"},
			[]string{"enterprise", "鲁南装备公司", "revenue", fmt.Sprintf("2026-%02d", m), v26})
	}
	// A new enterprise: no previous year, no benchmark.
	actuals = append(actuals, []string{"enterprise", "济宁新材公司", "revenue", "2026-10", "30"})
	f.facts(zhuqi.KindActuals, actualHeader, actuals)
	f.facts(zhuqi.KindTargets, targetHeader, [][]string{
		{"enterprise", "鲁南装备公司", "revenue", "2026", "150", "万元"},
		{"enterprise", "济宁新材公司", "revenue", "2026", "20", "万元"},
	})
	f.facts(zhuqi.KindBenchmarks, benchmarkHeader, [][]string{
		{"revenue", "enterprise", "2026-10", "0.18"},
	})
	q := f.open()
	rows, err := q.Growth(context.Background(), f.period(q, "2026-10"), GrowthFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows = %+v", rows)
	}
	g := rows[1] // 鲁南 (lu) after 济宁 (ji)
	eq(t, "entity", g.Entity, "鲁南装备公司")
	// ytd = 9 × 12 + 15 = 123; ytd_prev = 100; yoy = 0.23; mom = 12/15 − 1 = −0.2;
	// completion = 123/150 = 0.82; time progress 10/12; gap = 0.82 − 0.8333 = −0.01333;
	// premium = 0.23 − 0.18 = 0.05: exactly 5 points meets the rule; not achieved.
	near(t, "value", g.Value, 12.0)
	near(t, "ytd", g.YTD, 123.0)
	near(t, "ytd_prev", g.YTDPrev, 100.0)
	near(t, "yoy", g.YoY, 0.23)
	near(t, "mom", g.MoM, -0.2)
	near(t, "completion", g.Completion, 0.82)
	eq(t, "time_progress", g.TimeProgress, 10.0/12)
	near(t, "schedule_gap", g.ScheduleGap, 0.82-10.0/12)
	near(t, "benchmark_yoy", g.BenchmarkYoY, 0.18)
	near(t, "premium", g.Premium, 0.05)
	eq(t, "meets_rule", *g.MeetsRule, true)
	eq(t, "achieved", *g.Achieved, false)

	n := rows[0]
	near(t, "new entity ytd_prev", n.YTDPrev, nil)
	near(t, "new entity yoy", n.YoY, nil)
	near(t, "new entity mom", n.MoM, nil)
	near(t, "new entity completion", n.Completion, 1.5)
	eq(t, "new entity achieved", *n.Achieved, true)
	if n.MeetsRule != nil {
		t.Errorf("meets_rule without a benchmark = %v, want NULL", *n.MeetsRule)
	}

	sum, err := q.GrowthSummaries(context.Background(), f.period(q, "2026-10"), GrowthFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// From the sums: ytd 153, target 170 → 0.9; one of two achieved.
	eq(t, "summary entities", sum[0].Entities, 2)
	eq(t, "summary achieved", sum[0].Achieved, 1)
	near(t, "summary achieved_share", sum[0].AchievedShare, 0.5)
	near(t, "summary completion", sum[0].Completion, 153.0/170)
}

// TestSeedFigures reproduces the figures the seeds published, from fixtures shaped like
// them (DOMAIN §3 and the seeds).
func TestSeedFigures(t *testing.T) {
	t.Run("Weifang 35363 collected 34485 solved", func(t *testing.T) {
		f := newFixture(t)
		var ts []tk
		for i := 0; i < 35363; i++ {
			x := tk{id: fmt.Sprintf("WF%06d", i), enterprise: "企业", region: "潍城区", category: "其他",
				created: "2026-10-12 09:00", status: "已办结", outcome: "已解决", responded: "2026-10-12 12:00", resolved: "2026-10-13 09:00"}
			if i >= 34485 {
				x.outcome = "未解决"
			}
			ts = append(ts, x)
		}
		f.tickets("2026-11-01 00:00", ts)
		q := f.open()
		rows, err := q.Metrics(context.Background(), f.period(q, "2026-10"), nil)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "collected", rows[0].Collected, 35363)
		eq(t, "solved", rows[0].Solved, 34485)
		eq(t, "resolution_rate (csv)", fmt.Sprintf("%.6f", *rows[0].ResolutionRate), "0.975172")
		eq(t, "resolution_rate (table)", fmt.Sprintf("%.1f%%", *rows[0].ResolutionRate*100), "97.5%")
	})
	t.Run("Zhangye 236 problems by category", func(t *testing.T) {
		f := newFixture(t)
		var ts []tk
		for cat, n := range map[string]int{"贷款融资": 54, "降本增效": 72, "引才用工": 63, "政策落实": 27, "其他": 20} {
			for i := 0; i < n; i++ {
				ts = append(ts, tk{id: fmt.Sprintf("ZY-%s-%d", cat, i), enterprise: "企业", region: "甘州区", category: cat,
					created: "2022-06-06 09:00", status: "办理中"})
			}
		}
		f.tickets("2022-07-01 00:00", ts)
		q := f.open()
		// 2022 is outside the shipped calendar: Monday to Friday, with a warning.
		if len(q.Warnings) != 1 || !strings.Contains(q.Warnings[0], "2022") {
			t.Errorf("warnings = %q, want one about 2022", q.Warnings)
		}
		rows, err := q.Metrics(context.Background(), f.period(q, "2022"), []string{"category"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		var total int64
		for _, r := range rows {
			got[r.Dim(0)] = r.Collected
			total += r.Collected
		}
		eq(t, "total", total, 236)
		for cat, n := range map[string]int64{"贷款融资": 54, "降本增效": 72, "引才用工": 63, "政策落实": 27, "其他": 20} {
			eq(t, cat, got[cat], n)
		}
	})
	t.Run("Tai'an 116 needs 77 on site", func(t *testing.T) {
		f := newFixture(t)
		var ts []tk
		for i := 0; i < 116; i++ {
			x := tk{id: fmt.Sprintf("TA%03d", i), enterprise: "企业", region: "泰山区", category: "用电用气用水",
				created: "2023-03-15 09:00", status: "办理中", onSite: "否"}
			if i < 77 {
				x.onSite, x.status, x.resolved = "是", "已办结", "2023-03-15 10:00"
			}
			ts = append(ts, x)
		}
		f.tickets("2023-03-16 00:00", ts)
		q := f.open()
		rows, err := q.Metrics(context.Background(), f.period(q, "2023-03-15"), nil)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "collected", rows[0].Collected, 116)
		eq(t, "on_site", rows[0].OnSite, 77)
		near(t, "on_site_rate", rows[0].OnSiteRate, 77.0/116)
	})
	t.Run("Rencheng 19 of 22 climb enterprises", func(t *testing.T) {
		f := growthFixture(t)
		var targets, actuals [][]string
		for i := 0; i < 22; i++ {
			name := fmt.Sprintf("攀登企业%02d", i+1)
			targets = append(targets, []string{"enterprise", name, "revenue", "2021", "1000", "万元"})
			v := "1000" // the whole year's revenue booked in December
			if i >= 19 {
				v = "900"
			}
			actuals = append(actuals, []string{"enterprise", name, "revenue", "2021-12", v})
		}
		f.facts(zhuqi.KindTargets, targetHeader, targets)
		f.facts(zhuqi.KindActuals, actualHeader, actuals)
		q := f.open()
		sum, err := q.GrowthSummaries(context.Background(), f.period(q, "2021-12"), GrowthFilter{EntityType: "enterprise"})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "entities", sum[0].Entities, 22)
		eq(t, "achieved", sum[0].Achieved, 19)
		eq(t, "achieved_share", fmt.Sprintf("%.1f%%", *sum[0].AchievedShare*100), "86.4%")
	})
	t.Run("Jiyuan 137 vs 135 and 80 vs 60 projects", func(t *testing.T) {
		f := growthFixture(t)
		f.facts(zhuqi.KindTargets, targetHeader, [][]string{
			{"program", "济源示范区", "investment", "2022", "1350000", "万元"},
			{"program", "济源示范区", "new_projects", "2022", "60", "个"},
		})
		var actuals [][]string
		for m := 1; m <= 12; m++ {
			inv, proj := "114000", "7"
			if m == 12 {
				inv, proj = "116000", "3"
			}
			actuals = append(actuals,
				[]string{"program", "济源示范区", "investment", fmt.Sprintf("2022-%02d", m), inv},
				[]string{"program", "济源示范区", "new_projects", fmt.Sprintf("2022-%02d", m), proj})
		}
		f.facts(zhuqi.KindActuals, actualHeader, actuals)
		q := f.open()
		rows, err := q.Growth(context.Background(), f.period(q, "2022-12"), GrowthFilter{EntityType: "program"})
		if err != nil {
			t.Fatal(err)
		}
		byMetric := map[string]GrowthRow{}
		for _, r := range rows {
			byMetric[r.Metric] = r
		}
		inv, proj := byMetric["investment"], byMetric["new_projects"]
		near(t, "investment ytd (万元)", inv.YTD, 1370000.0)
		eq(t, "investment completion", fmt.Sprintf("%.1f%%", *inv.Completion*100), "101.5%")
		eq(t, "investment achieved", *inv.Achieved, true)
		near(t, "new projects ytd", proj.YTD, 80.0)
		near(t, "new projects target", proj.Target, 60.0)
		eq(t, "new projects completion", fmt.Sprintf("%.1f%%", *proj.Completion*100), "133.3%")
	})
}
