package queries

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
)

// Two month-end snapshots: 30 September (taken 1 Oct 00:00) and 31 October (1 Nov 00:00).
// September at its own close had 1 of 4 tickets finished (25%); judged on 1 November all
// 4 are (100%). October on 1 November: 1 of 2 (50%). The same-age 环比 is +25 points,
// not the −50 of comparing October with a mature September.
func sepSnapshot() []tk {
	return []tk{
		{"S1", "甲公司", "任城区", "发改局", "张三", "用地", "2026-09-02 09:00", "2026-09-02 10:00", "", "2026-09-10 09:00", "2026-09-10 09:00", "已办结", "已解决", "满意", "否"},
		{"S2", "乙公司", "任城区", "发改局", "张三", "用地", "2026-09-15 09:00", "2026-09-15 10:00", "", "", "", "办理中", "", "", "否"},
		{"S3", "丙公司", "兖州区", "工信局", "李四", "融资", "2026-09-25 09:00", "2026-09-25 10:00", "", "", "", "已交办", "", "", "否"},
		{"S4", "丁公司", "兖州区", "工信局", "李四", "融资", "2026-09-28 09:00", "", "", "", "", "待交办", "", "", "否"},
	}
}

func novSnapshot() []tk {
	ts := sepSnapshot()
	ts[1].responded, ts[1].resolved, ts[1].status, ts[1].outcome, ts[1].satisfaction = "2026-10-20 09:00", "2026-10-20 09:00", "已办结", "已解决", "基本满意"
	ts[2].responded, ts[2].resolved, ts[2].status, ts[2].outcome, ts[2].satisfaction = "2026-10-05 09:00", "2026-10-05 09:00", "已办结", "已解决", "满意"
	ts[3].assigned, ts[3].responded, ts[3].resolved, ts[3].status, ts[3].outcome = "2026-09-29 09:00", "2026-10-10 09:00", "2026-10-10 09:00", "已办结", "未解决"
	return append(ts,
		tk{"O1", "戊公司", "任城区", "发改局", "张三", "用地", "2026-10-05 09:00", "2026-10-05 10:00", "", "2026-10-20 09:00", "2026-10-20 09:00", "已办结", "已解决", "满意", "否"},
		tk{"O2", "己公司", "兖州区", "工信局", "李四", "融资", "2026-10-10 09:00", "2026-10-10 10:00", "", "", "", "办理中", "", "", "否"},
	)
}

func monthTotal(t *testing.T, q *Q, p Period) MetricsRow {
	t.Helper()
	rows, err := q.Metrics(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rows[0]
}

func TestCompared_StoredSnapshot(t *testing.T) {
	f := newFixture(t)
	f.tickets("2026-10-01 00:00", sepSnapshot())
	f.tickets("2026-11-01 00:00", novSnapshot())
	q := f.open()
	oct, sep := f.period(q, "2026-10"), f.period(q, "2026-09")
	near(t, "October completion", monthTotal(t, q, oct).CompletionRate, 0.5)
	near(t, "September judged now", monthTotal(t, q, sep).CompletionRate, 1.0)
	cq, b, err := q.Compared(context.Background(), oct, sep)
	if err != nil {
		t.Fatal(err)
	}
	eqTime(t, "T′", b.At, at("2026-10-01 00:00"))
	eqTime(t, "snapshot", b.Snapshot, at("2026-10-01 00:00"))
	eq(t, "rewound", b.Rewound(), false)
	m := monthTotal(t, cq, sep)
	eq(t, "collected", m.Collected, int64(4))
	eq(t, "finished", m.Finished, int64(1))
	near(t, "September at its close", m.CompletionRate, 0.25)
	// The session judged now is untouched by the comparison.
	near(t, "September judged now, again", monthTotal(t, q, sep).CompletionRate, 1.0)
}

// One snapshot only: September at 1 October is rebuilt from the event timestamps. By
// hand: S1 finished 10 Sep (≤ T′), S2, S3, S4 finished in October (after T′) → finished
// 1, solved 1, completion 1/4; rated only S1 (satisfied) → satisfaction 1/1; S2, S3 and
// S4 were answered after T′; S4 was assigned 29 Sep (in time? created Mon 28 Sep 09:00,
// due 29 Sep 24:00: yes) → assigned in time S1, S2, S3, S4 = 4.
func TestCompared_Rewound(t *testing.T) {
	f := newFixture(t)
	f.tickets("2026-11-01 00:00", novSnapshot())
	q := f.open()
	oct, sep := f.period(q, "2026-10"), f.period(q, "2026-09")
	cq, b, err := q.Compared(context.Background(), oct, sep)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "rewound", b.Rewound(), true)
	eqTime(t, "T′", b.At, at("2026-10-01 00:00"))
	m := monthTotal(t, cq, sep)
	eq(t, "collected", m.Collected, int64(4))
	eq(t, "finished", m.Finished, int64(1))
	eq(t, "solved", m.Solved, int64(1))
	near(t, "completion", m.CompletionRate, 0.25)
	eq(t, "rated", m.Rated, int64(1))
	near(t, "satisfaction", m.SatisfactionRate, 1.0)
	eq(t, "assigned in time", m.AssignedInTime, int64(4))
	tr, err := cq.Trend(context.Background(), sep)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "trend finished", tr[0].Finished, int64(1))
	eq(t, "trend rated", tr[0].Rated, int64(1))
}

// --as-of at the 30 September snapshot gives what a database holding only that snapshot
// gives, figure for figure.
func TestTravelTo_EqualsOnlyThatSnapshot(t *testing.T) {
	f := newFixture(t)
	f.tickets("2026-10-01 00:00", sepSnapshot())
	f.tickets("2026-11-01 00:00", novSnapshot())
	q := f.open()
	if err := q.TravelTo(context.Background(), at("2026-10-01 00:00")); err != nil {
		t.Fatal(err)
	}
	eqTime(t, "as of", q.AsOf, at("2026-10-01 00:00"))
	only := newFixture(t)
	only.tickets("2026-10-01 00:00", sepSnapshot())
	oq := only.open()
	for _, by := range [][]string{nil, {"region"}, {"department", "category"}} {
		got, err := q.Metrics(context.Background(), f.period(q, "2026-09"), by)
		if err != nil {
			t.Fatal(err)
		}
		want, err := oq.Metrics(context.Background(), only.period(oq, "2026-09"), by)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("by %v: --as-of gives\n%+v\nthe snapshot alone\n%+v", by, got, want)
		}
	}
	gotF, err := q.Flags(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantF, err := oq.Flags(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotF, wantF) {
		t.Errorf("flags: --as-of gives %+v, the snapshot alone %+v", gotF, wantF)
	}
	if _, err := f.publish(context.Background(), q, f.period(q, "2026-09"), time.Time{}); err == nil ||
		err.Error() != "publish 2026-09: a publication freezes the latest data (2026-11-01 00:00), not an earlier snapshot (2026-10-01 00:00); drop --as-of" {
		t.Errorf("publish at an earlier snapshot: %v", err)
	}
	// October starts at the snapshot: no data at this --as-of.
	if _, err := q.Metrics(context.Background(), f.period(q, "2026-10"), nil); err == nil {
		t.Error("October at the September snapshot: no error")
	}
	err = q.TravelTo(context.Background(), at("2026-09-15 00:00"))
	want := "--as-of 2026-09-15 00:00: no ticket snapshot at or before that time; the earliest is of 2026-10-01 00:00, the latest of 2026-11-01 00:00"
	if err == nil || err.Error() != want {
		t.Errorf("travel before the first snapshot: %v, want %s", err, want)
	}
}

func TestCheck_FutureAndInProgress(t *testing.T) {
	f := newFixture(t)
	f.tickets("2026-11-01 00:00", novSnapshot())
	q := f.open()
	dec := f.period(q, "2026-12")
	want := "期间 2026-12 尚无数据：最新快照截至 2026-11-01 00:00 / period 2026-12 has no data: the latest snapshot is of 2026-11-01 00:00; ingest a later export or choose an earlier period"
	for name, run := range map[string]func() error{
		"metrics": func() error { _, err := q.Metrics(context.Background(), dec, nil); return err },
		"rank":    func() error { _, err := q.Rank(context.Background(), Departments, dec); return err },
		"flags":   func() error { _, err := q.Flags(context.Background(), &dec); return err },
		"trend":   func() error { _, err := q.Trend(context.Background(), dec); return err },
		"growth":  func() error { _, err := q.Growth(context.Background(), dec, GrowthFilter{}); return err },
		"publish": func() error { _, err := f.publish(context.Background(), q, dec, time.Time{}); return err },
	} {
		if err := run(); err == nil || err.Error() != want {
			t.Errorf("%s of a future period: %v\nwant %s", name, err, want)
		}
	}
	// November is in progress at 1 November 00:00? It starts at T: no data. Q4 is in progress.
	q4 := f.period(q, "2026-Q4")
	eq(t, "in progress", q.InProgress(q4), true)
	eq(t, "label", q.ProgressLabel(q4), "截至 2026-11-01 00:00（期间未结束）")
	eq(t, "October in progress", q.InProgress(f.period(q, "2026-10")), false)
	_, err := f.publish(context.Background(), q, q4, time.Time{})
	wantPub := "期间 2026-Q4 尚未结束（数据截至 2026-11-01 00:00），不发布 / period 2026-Q4 is not over at the snapshot of 2026-11-01 00:00: period not yet over; publish it after an export taken after 2027-01-01 00:00, or pass --allow-unfinished"
	if err == nil || err.Error() != wantPub {
		t.Errorf("publish in progress: %v\nwant %s", err, wantPub)
	}
	q.AllowUnfinished = true
	if _, err := f.publish(context.Background(), q, q4, time.Time{}); err != nil {
		t.Errorf("publish in progress, allowed: %v", err)
	}
}

// Growth with targets and actuals alone: no ticket export, the snapshot is that of the
// latest actuals; the ticket figures say a ticket export is needed.
func TestGrowth_WithoutTickets(t *testing.T) {
	f := newFixture(t)
	f.facts(zhuqi.KindTargets, targetHeader, [][]string{{"enterprise", "鲁南装备公司", "revenue", "2026", "120", "万元"}})
	f.facts(zhuqi.KindActuals, actualHeader, [][]string{{"enterprise", "鲁南装备公司", "revenue", "2026-09", "30"}, {"enterprise", "鲁南装备公司", "revenue", "2026-10", "30"}})
	q := f.open()
	eqTime(t, "snapshot", q.AsOf, at("2026-11-01 00:00"))
	eq(t, "has tickets", q.HasTickets(), false)
	rows, err := q.Growth(context.Background(), f.period(q, "2026-10"), GrowthFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].YTD == nil || *rows[0].YTD != 60 {
		t.Fatalf("growth rows %+v", rows)
	}
	near(t, "completion", rows[0].Completion, 0.5)
	_, err = q.Metrics(context.Background(), f.period(q, "2026-10"), nil)
	if err != ErrNoTickets {
		t.Errorf("metrics without tickets: %v", err)
	}
	_, err = q.Growth(context.Background(), f.period(q, "2026-11"), GrowthFilter{})
	want := "期间 2026-11 尚无数据：最新实际值截至 2026-11-01 00:00 / period 2026-11 has no data: the latest actuals is of 2026-11-01 00:00; ingest a later export or choose an earlier period"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("growth after the actuals: %v\nwant %s", err, want)
	}
}

func eqTime(tb testing.TB, name string, got, want time.Time) {
	tb.Helper()
	if !got.Equal(want) {
		tb.Errorf("%s = %v, want %v", name, got, want)
	}
}
