package sample

import (
	"math/rand/v2"
	"time"
)

// holidays2026 are the official days off that move deadlines (元旦, 春节, 清明, 劳动节,
// 端午, 中秋, 国庆), and makeup are the weekend days worked instead (调休).
var holidays = map[string]bool{}
var makeup = map[string]bool{}

func init() {
	add := func(m map[string]bool, from, to string) {
		a, _ := time.Parse("2006-01-02", from)
		b, _ := time.Parse("2006-01-02", to)
		for d := a; !d.After(b); d = d.AddDate(0, 0, 1) {
			m[d.Format("2006-01-02")] = true
		}
	}
	for _, h := range [][2]string{{"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
		{"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"}, {"2026-10-01", "2026-10-07"},
		{"2025-01-01", "2025-01-01"}, {"2025-01-28", "2025-02-04"}, {"2025-04-04", "2025-04-06"}, {"2025-05-01", "2025-05-05"},
		{"2025-05-31", "2025-06-02"}, {"2025-10-01", "2025-10-08"}} {
		add(holidays, h[0], h[1])
	}
	for _, d := range []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
		"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"} {
		makeup[d] = true
	}
}

func workday(t time.Time) bool {
	d := t.Format("2006-01-02")
	if makeup[d] {
		return true
	}
	if holidays[d] {
		return false
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// addWorkdays moves t forward by n working days, keeping the time of day.
func addWorkdays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if workday(t) {
			n--
		}
	}
	return t
}

// ticket is one ticket's whole life; its state at a snapshot is read off it.
type ticket struct {
	id                                             string
	ent                                            *enterprise
	region, street, category, dept, cadre, source  string
	level, content, amount                         string
	created, assigned, deadline, responded, solved time.Time
	closed, reopenedAt                             time.Time
	cancelledAt                                    time.Time
	outcome, satisfaction                          string
	onSite                                         bool
}

var levels = []string{"一般", "常规", "常规", "常规", "常规", "重大"}

// makeTicket derives ticket i from the seed alone.
func makeTicket(w *world, seed int64, i int, start time.Time, span time.Duration, n int) ticket {
	r := rand.New(rand.NewPCG(uint64(seed)*0x100000001b3+uint64(i), uint64(i)^0xdeadbeef))
	var t ticket
	created := start.Add(time.Duration(float64(span) * float64(i) / float64(n)))
	created = time.Date(created.Year(), created.Month(), created.Day(), 8+r.IntN(10), r.IntN(60), r.IntN(60), 0, created.Location())
	t.created = created
	t.id = "WF" + created.Format("20060102") + pad(i, 7)
	t.ent = &w.enterprises[r.IntN(len(w.enterprises))]
	t.region = regions[t.ent.region]
	ss := w.streets[t.ent.region]
	t.street = ss[r.IntN(len(ss))]
	k := r.IntN(categoryTotal)
	ci := 0
	for k >= categories[ci].weight {
		k -= categories[ci].weight
		ci++
	}
	c := categories[ci]
	t.category = c.name
	t.dept = departments[c.depts[r.IntN(len(c.depts))]]
	if r.IntN(10) == 0 {
		t.dept = departments[r.IntN(len(departments))]
	}
	t.cadre = w.cadres[(t.ent.region*50+r.IntN(50))%len(w.cadres)]
	t.source = sources[r.IntN(len(sources))]
	t.level = levels[r.IntN(len(levels))]
	t.content = c.contents[r.IntN(len(c.contents))]
	if c.name == "贷款融资" {
		t.amount = itoa(50+r.IntN(2000)) + "." + itoa(r.IntN(10))
	}
	t.assigned = addWorkdays(created, r.IntN(3)).Add(time.Duration(r.IntN(120)) * time.Minute)
	if r.IntN(5) > 0 {
		t.deadline = endOfDay(addWorkdays(created, 3+r.IntN(8)))
	}
	t.responded = addWorkdays(t.assigned, r.IntN(5)).Add(time.Duration(r.IntN(300)) * time.Minute)
	if t.level == "一般" && r.IntN(3) == 0 {
		t.onSite = true
		t.assigned, t.responded = created.Add(10*time.Minute), created.Add(30*time.Minute)
	}
	switch p := r.IntN(100); {
	case p < 3:
		t.cancelledAt = t.assigned.Add(24 * time.Hour)
	case p < 96:
		t.solved = addWorkdays(t.responded, r.IntN(12)).Add(time.Duration(r.IntN(240)) * time.Minute)
		if t.onSite {
			t.solved = t.responded
		}
		switch o := r.IntN(100); {
		case o < 88:
			t.outcome = "已解决"
		case o < 93:
			t.outcome = "部分解决"
		case o < 97:
			t.outcome = "列入计划"
		case o < 99:
			t.outcome = "已解释"
		default:
			t.outcome = "未解决"
		}
		if r.IntN(50) == 0 {
			t.reopenedAt = t.solved.Add(48 * time.Hour)
			t.solved = addWorkdays(t.reopenedAt, 2+r.IntN(5))
		}
		if s := r.IntN(100); s < 85 {
			t.closed = addWorkdays(t.solved, 1+r.IntN(4))
			switch {
			case s < 70:
				t.satisfaction = "满意"
			case s < 81:
				t.satisfaction = "基本满意"
			default:
				t.satisfaction = "不满意"
			}
		}
	}
	return t
}

// state is what an export taken at snapshot time s shows of the ticket.
type state struct {
	status, outcome, satisfaction string
	assigned, responded, resolved time.Time
}

func (t *ticket) at(s time.Time) state {
	var st state
	before := func(x time.Time) bool { return !x.IsZero() && !x.After(s) }
	st.status = "待交办"
	if before(t.assigned) {
		st.status, st.assigned = "已交办", t.assigned
	}
	if before(t.assigned.Add(time.Hour)) && st.status == "已交办" && !t.onSite {
		st.status = "办理中"
	}
	if before(t.responded) {
		st.status, st.responded = "已答复", t.responded
	}
	if before(t.cancelledAt) {
		st.status = "已撤销"
		return st
	}
	if before(t.reopenedAt) && !before(t.solved) {
		st.status = "退回重办"
	}
	if before(t.solved) {
		st.status, st.resolved, st.outcome = "已办结", t.solved, t.outcome
	}
	if before(t.closed) {
		st.status, st.satisfaction = "已评价", t.satisfaction
	}
	return st
}

func endOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, t.Location())
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func pad(n, width int) string {
	s := itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}
