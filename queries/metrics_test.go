package queries

import (
	"context"
	"reflect"
	"testing"
)

// febTickets is the 133-rule fixture: February 2026, across 春节 (15–23 Feb off, 14 and
// 28 Feb worked). Snapshot T = 2026-03-10 18:00. Expected figures are worked out by hand
// in the comments.
var febTickets = []tk{
	// A: created on a Saturday → assign due Mon 9 Feb 24:00, reply due Wed 11 Feb 24:00.
	// Answered exactly at the deadline: on time. Assigned Mon 09:00 = 0.375 working days.
	{"A", "潍坊华星机械有限公司", "奎文区", "发展和改革委员会", "张三", "政策落实",
		"2026-02-07 10:00", "2026-02-09 09:00", "", "2026-02-12 00:00", "2026-02-12 00:00", "已办结", "已解决", "满意", "否"},
	// B: Friday before 春节. 1 working day → Sat 14 (调休) 24:00; 3 → Sat 14, Tue 24, Wed 25 →
	// reply due 26 Feb 00:00. Assigned Tue 24 09:00: late. Answered Fri 27 12:00: late by
	// Thu 26 (1) + 0.5 = 1.5 working days → red. Closed but partly solved: finished, not solved.
	{"B", "寿光市宏达化工有限公司", "寿光市", "发展和改革委员会", "张三", "用地",
		"2026-02-13 16:00", "2026-02-24 09:00", "", "2026-02-27 12:00", "2026-02-27 12:00", "已关闭", "部分解决", "基本满意", "否"},
	// C: explicit deadline as a bare date (end of Tue 3 Feb); never assigned, never answered.
	// Late at T from Wed 4 Feb: 4–6 (3) + 9–13 (5) + 14 (1) + 24–27 (4) + 28 (1) + 2–6 Mar (5)
	// + 9 Mar (1) + 0.75 = 20.75 working days → black.
	{"C", "青州市鲁源食品有限公司", "青州市", "自然资源和规划局", "李四", "用地",
		"2026-02-02 09:00", "", "2026-02-03", "", "", "办理中", "", "", "否"},
	// D: created Wed 11 Feb 10:00 → reply due Sat 14 (调休) 24:00. Answered Tue 24 10:00,
	// after 春节: late by 10/24 working day → red. Outcome empty = unknown → solved.
	{"D", "高密市恒信纺织有限公司", "高密市", "自然资源和规划局", "李四", "融资",
		"2026-02-11 10:00", "2026-02-11 15:00", "", "2026-02-24 10:00", "2026-02-24 10:00", "已办结", "", "不满意", "否"},
	// E: settled on the spot (当场办结) in half an hour.
	{"E", "潍坊新材料科技有限公司", "奎文区", "发展和改革委员会", "张三", "审批服务",
		"2026-02-10 09:00", "2026-02-10 09:30", "", "2026-02-10 09:30", "2026-02-10 09:30", "已关闭", "已解决", "满意", "是"},
	// F: cancelled: out of every count.
	{"F", "诸城市顺达物流有限公司", "诸城市", "交通运输局", "王五", "其他",
		"2026-02-20 10:00", "", "", "", "", "已撤销", "", "", "否"},
	// G: reopened in the first snapshot, resolved again in the second: ever reopened.
	// Reply due: Fri 27, Sat 28 (调休), Mon 2 Mar → 3 Mar 00:00; answered 27 Feb: on time.
	{"G", "昌乐县金丰农业有限公司", "昌乐县", "交通运输局", "王五", "用电用气用水",
		"2026-02-26 09:00", "2026-02-26 10:00", "", "2026-02-27 09:00", "2026-03-09 10:00", "已办结", "已解决", "基本满意", "否"},
	// H: March, outside the February cohort.
	{"H", "潍坊华星机械有限公司", "奎文区", "发展和改革委员会", "张三", "政策落实",
		"2026-03-02 09:00", "2026-03-02 10:00", "", "", "", "办理中", "", "", "否"},
}

func febFixture(t *testing.T) (*fixture, *Q) {
	f := newFixture(t)
	first := append([]tk(nil), febTickets...)
	first[6].status, first[6].resolved = "退回重办", ""
	f.tickets("2026-03-05 18:00", first)
	f.tickets("2026-03-10 18:00", febTickets)
	return f, f.open()
}

func TestMetrics(t *testing.T) {
	f, q := febFixture(t)
	ctx := context.Background()
	eq(t, "AsOf", q.AsOf.Format("2006-01-02 15:04"), "2026-03-10 18:00")
	rows, err := q.Metrics(ctx, f.period(q, "2026-02"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("rows = %d, want 1 (totals)", len(rows))
	}
	m := rows[0]
	t.Run("Rates", func(t *testing.T) {
		eq(t, "collected", m.Collected, 6) // F cancelled, H in March
		eq(t, "finished", m.Finished, 5)   // all but C
		eq(t, "solved", m.Solved, 4)       // B only partly solved
		near(t, "completion_rate", m.CompletionRate, 5.0/6)
		near(t, "resolution_rate", m.ResolutionRate, 4.0/6)
		eq(t, "rated", m.Rated, 5)
		eq(t, "satisfied", m.Satisfied, 2)
		eq(t, "basic", m.Basic, 2)
		eq(t, "dissatisfied", m.Dissatisfied, 1)
		near(t, "satisfaction_rate", m.SatisfactionRate, 4.0/5)
		near(t, "satisfaction_score", m.SatisfactionScore, (1+0.8+0+1+0.8)/5)
		eq(t, "on_site", m.OnSite, 1)
		near(t, "on_site_rate", m.OnSiteRate, 1.0/6)
		eq(t, "reopened", m.Reopened, 1)
		near(t, "reopen_rate", m.ReopenRate, 1.0/5)
	})
	t.Run("133Rule", func(t *testing.T) {
		eq(t, "assigned_in_time", m.AssignedInTime, 4) // A, D, E, G; B late, C never
		near(t, "response_rate", m.ResponseRate, 4.0/6)
		eq(t, "reply_due", m.ReplyDue, 6)            // every deadline before T
		eq(t, "replied_on_time", m.RepliedOnTime, 3) // A (exactly at it), E, G
		near(t, "on_time_reply_rate", m.OnTimeReplyRate, 3.0/6)
		eq(t, "red", m.Red, 2)     // B, D
		eq(t, "black", m.Black, 1) // C
	})
	t.Run("Durations", func(t *testing.T) {
		// Assign: A 0.375, B 8/24 + 1 + 9/24, D 5/24, E 0.5/24, G 1/24; median = D.
		near(t, "assign_days_median", m.AssignDaysMedian, 5.0/24)
		// Answer: A Sat 10:00→Thu 12 00:00 = Mon–Wed = 3; B 8/24+1+3+12/24 = 4.8333;
		// D 14/24+1+1+10/24 = 3; E 0.5/24; G 15/24+9/24 = 1 → sorted 0.0208, 1, 3, 3, 4.83.
		near(t, "answer_days_median", m.AnswerDaysMedian, 3.0)
	})
	t.Run("Flags", func(t *testing.T) {
		p := f.period(q, "2026-02")
		fl, err := q.Flags(ctx, &p)
		if err != nil {
			t.Fatal(err)
		}
		if len(fl) != 3 {
			t.Fatalf("flags = %+v, want C, B, D", fl)
		}
		for i, want := range []struct {
			id, flag string
			late     float64
		}{{"C", "black", 20.75}, {"B", "red", 1.5}, {"D", "red", 0.42}} {
			eq(t, "flag ticket", fl[i].TicketID, want.id)
			eq(t, want.id+" flag", fl[i].Flag, want.flag)
			eq(t, want.id+" late_days", fl[i].LateDays, want.late)
		}
		eq(t, "C due", fl[0].DueAt.Format("2006-01-02 15:04"), "2026-02-04 00:00")
		eq(t, "B due", fl[1].DueAt.Format("2006-01-02 15:04"), "2026-02-26 00:00")
		// The first two, and the count of all three.
		top, n, err := q.FlagsTop(ctx, &p, 2)
		if err != nil {
			t.Fatal(err)
		}
		if n != 3 || !reflect.DeepEqual(top, fl[:2]) {
			t.Errorf("top 2 = %+v of %d, want C, B of 3", top, n)
		}
		// Without a period: what is still open and late (C; H, due Thu 5 Mar 24:00, late by
		// Fri 6 + Mon 9 + 0.75 = 2.75 → red) and late answers of T's month (none).
		open, err := q.Flags(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 2 || open[0].TicketID != "C" || open[1].TicketID != "H" || open[1].Flag != "red" || open[1].LateDays != 2.75 {
			t.Errorf("open flags = %+v, want C black, H red 2.75", open)
		}
	})
}

func TestMetricsBy(t *testing.T) {
	f, q := febFixture(t)
	rows, err := q.Metrics(context.Background(), f.period(q, "2026-02"), []string{"department", "region"})
	if err != nil {
		t.Fatal(err)
	}
	// Ordered by pinyin: 发展和改革委员会 (fa), 交通运输局 (jiao), 自然资源和规划局 (zi);
	// 奎文区 (kui) before 寿光市 (shou), 高密市 (gao) before 青州市 (qing).
	var got []string
	for _, r := range rows {
		got = append(got, r.Dim(0)+"/"+r.Dim(1))
	}
	want := []string{"发展和改革委员会/奎文区", "发展和改革委员会/寿光市", "交通运输局/昌乐县", "自然资源和规划局/高密市", "自然资源和规划局/青州市"}
	if len(got) != len(want) {
		t.Fatalf("groups = %v, want %v", got, want)
	}
	for i := range want {
		eq(t, "group", got[i], want[i])
	}
	// 交通运输局 has only G (F is cancelled).
	eq(t, "交通运输局 collected", rows[2].Collected, 1)
}

func TestMetricsZeroDenominators(t *testing.T) {
	f, q := febFixture(t)
	// No ticket was created in January: every rate is NULL, never 0 or NaN.
	rows, err := q.Metrics(context.Background(), f.period(q, "2026-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := rows[0]
	eq(t, "collected", m.Collected, 0)
	for name, r := range map[string]*float64{
		"completion_rate": m.CompletionRate, "resolution_rate": m.ResolutionRate, "satisfaction_rate": m.SatisfactionRate,
		"satisfaction_score": m.SatisfactionScore, "on_site_rate": m.OnSiteRate, "response_rate": m.ResponseRate,
		"on_time_reply_rate": m.OnTimeReplyRate, "reopen_rate": m.ReopenRate, "assign_days_median": m.AssignDaysMedian,
	} {
		near(t, name, r, nil)
	}
	// March: only H, unanswered and due (Thu 5 Mar 24:00) before T.
	rows, err = q.Metrics(context.Background(), f.period(q, "2026-03"), nil)
	if err != nil {
		t.Fatal(err)
	}
	m = rows[0]
	eq(t, "March collected", m.Collected, 1)
	near(t, "March satisfaction_rate (no rating)", m.SatisfactionRate, nil)
	near(t, "March reopen_rate (nothing finished)", m.ReopenRate, nil)
	near(t, "March on_time_reply_rate", m.OnTimeReplyRate, 0.0)
}

func TestMetricsByMonth(t *testing.T) {
	f, q := febFixture(t)
	rows, err := q.Metrics(context.Background(), f.period(q, "2026-Q1"), []string{"month"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Dim(0) != "2026-02" || rows[0].Collected != 6 || rows[1].Dim(0) != "2026-03" || rows[1].Collected != 1 {
		t.Errorf("by month = %v %d, %v %d", rows[0].Dim(0), rows[0].Collected, rows[1].Dim(0), rows[1].Collected)
	}
}
