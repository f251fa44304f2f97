package queries

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Period is a span of local time [Start, End): a month, an ISO week, a quarter, a half-year,
// a year, year-to-date, a day or a range of days with both dates included (DOMAIN §7).
type Period struct {
	Label string // as written in commands and file names: 2026-10, 2026-W42, 2026-Q3 …
	Kind  string // month, week, quarter, half, year, ytd, day, range
	Start time.Time
	End   time.Time // exclusive
}

var (
	reMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	reWeek    = regexp.MustCompile(`^(\d{4})-[Ww](\d{2})$`)
	reQuarter = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	reHalf    = regexp.MustCompile(`^(\d{4})-[Hh]([12])$`)
	reYear    = regexp.MustCompile(`^(\d{4})$`)
	reYTD     = regexp.MustCompile(`^(\d{4})-(?:(\d{2})-)?(?i:ytd)$`)
	reDay     = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})$`)
	reRange   = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$`)
)

// PeriodForms lists the accepted forms, for error messages.
const PeriodForms = "2026-10 (month), 2026-W42 (ISO week), 2026-Q3, 2026-H1, 2026 (year), 2026-YTD or 2026-10-YTD (year to date), 2026-10-03 (day), 2026-01-01..2026-03-31 (both dates included)"

// ParsePeriod reads a period in loc. A year-to-date without a month ("2026-YTD") runs to
// the end of the day of asOf when asOf falls in that year, else to the end of the year.
func ParsePeriod(s string, loc *time.Location, asOf time.Time) (Period, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) (Period, error) {
		return Period{}, fmt.Errorf("period %q: %s; use one of %s", s, why, PeriodForms)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	switch {
	case reMonth.MatchString(s):
		m := reMonth.FindStringSubmatch(s)
		mo := atoi(m[2])
		if mo < 1 || mo > 12 {
			return bad("no such month")
		}
		start := day(atoi(m[1]), time.Month(mo), 1)
		return Period{Label: s, Kind: "month", Start: start, End: start.AddDate(0, 1, 0)}, nil
	case reWeek.MatchString(s):
		m := reWeek.FindStringSubmatch(s)
		y, w := atoi(m[1]), atoi(m[2])
		// ISO week 1 holds 4 January; weeks start on Monday.
		jan4 := day(y, 1, 4)
		start := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
		if yy, ww := start.ISOWeek(); w < 1 || yy != y || ww != w {
			return bad(fmt.Sprintf("%d has no ISO week %d", y, w))
		}
		return Period{Label: fmt.Sprintf("%d-W%02d", y, w), Kind: "week", Start: start, End: start.AddDate(0, 0, 7)}, nil
	case reQuarter.MatchString(s):
		m := reQuarter.FindStringSubmatch(s)
		q := atoi(m[2])
		start := day(atoi(m[1]), time.Month(3*q-2), 1)
		return Period{Label: fmt.Sprintf("%s-Q%d", m[1], q), Kind: "quarter", Start: start, End: start.AddDate(0, 3, 0)}, nil
	case reHalf.MatchString(s):
		m := reHalf.FindStringSubmatch(s)
		h := atoi(m[2])
		start := day(atoi(m[1]), time.Month(6*h-5), 1)
		return Period{Label: fmt.Sprintf("%s-H%d", m[1], h), Kind: "half", Start: start, End: start.AddDate(0, 6, 0)}, nil
	case reYear.MatchString(s):
		start := day(atoi(s), 1, 1)
		return Period{Label: s, Kind: "year", Start: start, End: start.AddDate(1, 0, 0)}, nil
	case reYTD.MatchString(s):
		m := reYTD.FindStringSubmatch(s)
		y := atoi(m[1])
		start := day(y, 1, 1)
		if m[2] != "" {
			mo := atoi(m[2])
			if mo < 1 || mo > 12 {
				return bad("no such month")
			}
			return Period{Label: fmt.Sprintf("%d-%02d-YTD", y, mo), Kind: "ytd", Start: start, End: day(y, time.Month(mo), 1).AddDate(0, 1, 0)}, nil
		}
		end := start.AddDate(1, 0, 0)
		if a := asOf.In(loc); a.Year() == y {
			end = day(y, a.Month(), a.Day()).AddDate(0, 0, 1)
		}
		return Period{Label: fmt.Sprintf("%d-YTD", y), Kind: "ytd", Start: start, End: end}, nil
	case reDay.MatchString(s):
		d, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			return bad("no such date")
		}
		return Period{Label: s, Kind: "day", Start: d, End: d.AddDate(0, 0, 1)}, nil
	case reRange.MatchString(s):
		m := reRange.FindStringSubmatch(s)
		a, err1 := time.ParseInLocation("2006-01-02", m[1], loc)
		b, err2 := time.ParseInLocation("2006-01-02", m[2], loc)
		if err1 != nil || err2 != nil {
			return bad("no such date")
		}
		if b.Before(a) {
			return bad("the range ends before it starts")
		}
		return Period{Label: s, Kind: "range", Start: a, End: b.AddDate(0, 0, 1)}, nil
	}
	return bad("not a period")
}

// Previous is the period just before p, of the same kind and length: the previous month,
// week, quarter, half or year; for a range or a day, the same number of days before it;
// for year-to-date, the same span of the previous year.
func (p Period) Previous() Period {
	loc := p.Start.Location()
	switch p.Kind {
	case "month":
		s := p.Start.AddDate(0, -1, 0)
		return Period{Label: s.Format("2006-01"), Kind: p.Kind, Start: s, End: p.Start}
	case "week":
		s := p.Start.AddDate(0, 0, -7)
		y, w := s.ISOWeek()
		return Period{Label: fmt.Sprintf("%d-W%02d", y, w), Kind: p.Kind, Start: s, End: p.Start}
	case "quarter":
		s := p.Start.AddDate(0, -3, 0)
		return Period{Label: fmt.Sprintf("%d-Q%d", s.Year(), (int(s.Month())+2)/3), Kind: p.Kind, Start: s, End: p.Start}
	case "half":
		s := p.Start.AddDate(0, -6, 0)
		return Period{Label: fmt.Sprintf("%d-H%d", s.Year(), (int(s.Month())+5)/6), Kind: p.Kind, Start: s, End: p.Start}
	case "year":
		s := p.Start.AddDate(-1, 0, 0)
		return Period{Label: s.Format("2006"), Kind: p.Kind, Start: s, End: p.Start}
	case "ytd":
		return p.LastYear()
	}
	days := int(p.End.Sub(p.Start).Hours()/24 + 0.5)
	s := p.Start.AddDate(0, 0, -days)
	e := time.Date(p.Start.Year(), p.Start.Month(), p.Start.Day(), 0, 0, 0, 0, loc)
	return rangePeriod(p.Kind, s, e)
}

// LastYear is the same span one year earlier (同比).
func (p Period) LastYear() Period {
	s, e := p.Start.AddDate(-1, 0, 0), p.End.AddDate(-1, 0, 0)
	switch p.Kind {
	case "month":
		return Period{Label: s.Format("2006-01"), Kind: p.Kind, Start: s, End: e}
	case "week":
		// The same ISO week number of the previous year, when it has one.
		y, w := p.Start.ISOWeek()
		if q, err := ParsePeriod(fmt.Sprintf("%d-W%02d", y-1, w), p.Start.Location(), time.Time{}); err == nil {
			return q
		}
	case "quarter", "half", "year":
		q, err := ParsePeriod(strings.Replace(p.Label, p.Label[:4], strconv.Itoa(s.Year()), 1), p.Start.Location(), time.Time{})
		if err == nil {
			return q
		}
	case "ytd":
		return Period{Label: fmt.Sprintf("%d-%02d-YTD", s.Year(), e.AddDate(0, 0, -1).Month()), Kind: p.Kind, Start: s, End: e}
	}
	return rangePeriod(p.Kind, s, e)
}

func rangePeriod(kind string, start, end time.Time) Period {
	last := end.AddDate(0, 0, -1)
	if kind == "day" {
		return Period{Label: start.Format("2006-01-02"), Kind: kind, Start: start, End: end}
	}
	return Period{Label: start.Format("2006-01-02") + ".." + last.Format("2006-01-02"), Kind: "range", Start: start, End: end}
}

// Months lists the months that p touches, as first days.
func (p Period) Months() []time.Time {
	var out []time.Time
	for m := time.Date(p.Start.Year(), p.Start.Month(), 1, 0, 0, 0, 0, p.Start.Location()); m.Before(p.End); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// String is the label.
func (p Period) String() string { return p.Label }
