package reports

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi/queries"
)

func TestFormat_OnePlace(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct{ got, want string }{
		{count(0), "0"}, {count(999), "999"}, {count(1646), "1,646"}, {count(1234567), "1,234,567"},
		{amount(f(2997320.8), "万元"), "2,997,320.8"}, {amount(f(11981112.56), "万元"), "11,981,112.6"},
		{amount(f(594), "个"), "594"}, {amount(f(-1234.5), "万元"), "-1,234.5"}, {amount(nil, "万元"), "—"},
		{pct(f(0.975)), "97.5%"}, {pct(f(0.8)), "80.0%"}, {pct(nil), "—"},
		{score(f(91.666)), "91.67"}, {score(f(3)), "3.00"},
		{ppString(f(1.25)), "+1.2"}, {ppString(f(-0.04)), "0.0"}, {ppString(f(-0.4)), "-0.4"}, {ppString(f(0)), "0.0"},
		{countChange(100, 100), "0.0%"}, {countChange(103, 100), "+3.0%"}, {countChange(1, 0), "—"},
		{moment(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), "2026-10-31 24:00"},
		{moment(time.Date(2026, 10, 17, 17, 19, 0, 0, time.UTC)), "2026-10-17 17:19"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	// Float noise from a sum taken in another order never flips the digit shown.
	if a, b := amount(f(133943.74999999997), "万元"), amount(f(133943.75000000003), "万元"); a != b {
		t.Errorf("the same sum shows as %s and as %s", a, b)
	}
	// A gap shown as 0.0 is not below schedule (not red); one shown as -0.1 is.
	if negative(f(-0.04)) || !negative(f(-0.06)) || negative(nil) {
		t.Errorf("negative: a gap of 0.0 is not negative, -0.1 is")
	}
}

func TestAxisRange_FromTheDataMeaning(t *testing.T) {
	for _, c := range []struct {
		kind   axisKind
		top    float64
		lo, hi float64
	}{
		{pctAxis, 96, 0, 100}, {pctAxis, 55, 0, 100}, {pctAxis, 100, 0, 100}, {pctAxis, 131, 0, 140},
		{scoreAxis, 91.67, 0, 100}, {scoreAxis, 0, 0, 100},
		{countAxis, 349, 0, 400}, {countAxis, 1656, 0, 2000}, {countAxis, 0, 0, 1},
	} {
		if lo, hi := axisRange(c.kind, c.top); lo != c.lo || hi != c.hi {
			t.Errorf("axis %d with top %v: %v–%v, want %v–%v", c.kind, c.top, lo, hi, c.lo, c.hi)
		}
	}
}

func TestWrap_NeverInsideAWord(t *testing.T) {
	for _, c := range []struct {
		text   string
		lines  []string
		header bool
		ok     bool
	}{
		{"逾期（工作日）", []string{"逾期", "（工作日）"}, true, true},
		{"逾期（工作日）", []string{"逾期（工作", "日）"}, true, false},
		{"Working days late", []string{"Working days", "late"}, true, true},
		{"Achieved", []string{"Achieve", "d"}, true, false},
		{"寒亭区", []string{"寒亭", "区"}, false, true},
		{"营业收入（万元）", []string{"营业收入（万", "元）"}, false, false},
		{"2026-10-17 17:19", []string{"2026-10-17", "17:19"}, false, true},
		{"WF202610170019210", []string{"WF2026101700", "19210"}, false, false},
	} {
		if _, ok := badBreak(c.text, c.lines, c.header); ok != c.ok {
			t.Errorf("%q as %q: ok %v, want %v", c.text, c.lines, ok, c.ok)
		}
	}
	if got := headerTokens("Schedule gap (pp)"); len(got) != 3 || got[2] != "(pp)" {
		t.Errorf("header tokens %q", got)
	}
	if got := tokens("营业收入（万元）"); got[len(got)-1] != "（万元）" {
		t.Errorf("tokens %q: the bracket is not one token", got)
	}
}

func TestByCount_OtherLast(t *testing.T) {
	row := func(name string, n int64) queries.MetricsRow {
		return queries.MetricsRow{Dims: []*string{&name}, Collected: n}
	}
	cats := []queries.MetricsRow{row("环保", 81), row("其他", 400), row("贷款融资", 349), row("用地", 280), row("引才用工", 280)}
	byCount(cats)
	var got []string
	for _, c := range cats {
		got = append(got, c.Dim(0))
	}
	if strings.Join(got, " ") != "贷款融资 引才用工 用地 环保 其他" {
		t.Errorf("order %v: by count, ties by name, 其他 last", got)
	}
}

func TestTopBottom_MarksTheRowsLeftOut(t *testing.T) {
	L, _ := lang("zh")
	var ranked []queries.RankRow
	for i := int64(1); i <= 27; i++ {
		r := i
		ranked = append(ranked, queries.RankRow{Rank: &r, Name: "部门" + strconv.FormatInt(i, 10)})
	}
	tb := topBottom(L, queries.Departments, ranked, 5, nil, nil)
	if len(tb.Rows) != 11 || tb.Marks[5] != omitted || tb.Rows[5][0] != "……（中间17个单位略）" || tb.Rows[6][0] != "23" {
		t.Errorf("rows %v marks %v", tb.Rows, tb.Marks)
	}
	if tb := topBottom(L, queries.Departments, ranked[:10], 5, nil, nil); len(tb.Rows) != 10 {
		t.Errorf("10 ranked: %d rows, want all 10 without a marker", len(tb.Rows))
	}
}
