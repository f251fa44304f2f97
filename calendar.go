package zhuqi

import (
	"fmt"
	"sort"
	"time"
)

// CalendarConfig is the working-day calendar as data (DOMAIN §1.5): the official holidays
// (节假日) and the weekend days worked instead (调休), as the State Council publishes them
// each year. An office adds a year by adding its entries.
type CalendarConfig struct {
	Holidays []Holiday `toml:"holidays" yaml:"holidays"`
	Workdays []Workday `toml:"workdays" yaml:"workdays"`
}

// Holiday is a run of official days off, both dates included.
type Holiday struct {
	Name string `toml:"name" yaml:"name"`
	From string `toml:"from" yaml:"from"`
	To   string `toml:"to" yaml:"to"`
}

// Workday is a make-up working day (调休) that falls on a weekend.
type Workday struct {
	Name string `toml:"name" yaml:"name"`
	Date string `toml:"date" yaml:"date"`
}

// Calendar answers whether a date is a working day: Monday to Friday, minus official
// holidays, plus make-up working days. Years without data fall back to Monday to Friday;
// Covers tells which years have data.
type Calendar struct {
	years map[int]bool
	off   map[string]string
	on    map[string]string
}

// Day is one date of the calendar.
type Day struct {
	Date    time.Time // midnight UTC of the civil date
	Workday bool
	Kind    string // workday, weekend, holiday, makeup (调休 working day), or weekday (no data for the year)
	Name    string // the holiday's name, for holidays and make-up days
}

const dateLayout = "2006-01-02"

// Build checks the calendar data and returns the Calendar.
func (c CalendarConfig) Build() (*Calendar, error) {
	cal := &Calendar{years: map[int]bool{}, off: map[string]string{}, on: map[string]string{}}
	for _, h := range c.Holidays {
		from, err1 := time.Parse(dateLayout, h.From)
		to, err2 := time.Parse(dateLayout, h.To)
		if err1 != nil || err2 != nil || to.Before(from) || to.Sub(from) > 31*24*time.Hour {
			return nil, fmt.Errorf("calendar: holiday %q from %q to %q: write both dates as YYYY-MM-DD, to on or after from, at most a month apart", h.Name, h.From, h.To)
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			cal.off[d.Format(dateLayout)] = h.Name
			cal.years[d.Year()] = true
		}
	}
	for _, w := range c.Workdays {
		d, err := time.Parse(dateLayout, w.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar: make-up working day %q on %q: write the date as YYYY-MM-DD", w.Name, w.Date)
		}
		key := d.Format(dateLayout)
		if _, clash := cal.off[key]; clash {
			return nil, fmt.Errorf("calendar: %s is both a holiday (%s) and a make-up working day (%s): remove one", key, cal.off[key], w.Name)
		}
		cal.on[key] = w.Name
		cal.years[d.Year()] = true
	}
	return cal, nil
}

// Covers reports whether the calendar has official data for year.
func (cal *Calendar) Covers(year int) bool { return cal.years[year] }

// Years lists the years with official data, in order.
func (cal *Calendar) Years() []int {
	ys := make([]int, 0, len(cal.years))
	for y := range cal.years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// Day describes the civil date of t (its year, month and day, whatever its location).
func (cal *Calendar) Day(t time.Time) Day {
	y, m, dd := t.Date()
	d := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
	if !cal.years[y] {
		return Day{Date: d, Workday: !weekend, Kind: "weekday"}
	}
	key := d.Format(dateLayout)
	switch {
	case cal.off[key] != "":
		return Day{Date: d, Workday: false, Kind: "holiday", Name: cal.off[key]}
	case cal.on[key] != "":
		return Day{Date: d, Workday: true, Kind: "makeup", Name: cal.on[key]}
	case weekend:
		return Day{Date: d, Workday: false, Kind: "weekend"}
	}
	return Day{Date: d, Workday: true, Kind: "workday"}
}

// IsWorkday reports whether the civil date of t is a working day.
func (cal *Calendar) IsWorkday(t time.Time) bool { return cal.Day(t).Workday }

// Days lists the dates from first to last, both included.
func (cal *Calendar) Days(first, last time.Time) []Day {
	from, to := cal.Day(first).Date, cal.Day(last).Date
	if to.Before(from) {
		return nil
	}
	out := make([]Day, 0, int(to.Sub(from).Hours()/24)+1)
	for d := from; !d.After(to); d = d.Add(24 * time.Hour) { // UTC: every day is 24 hours
		out = append(out, cal.Day(d))
	}
	return out
}

// AddWorkdays returns the date of the n-th working day after the civil date of t
// (n ≥ 1); a deadline "n working days after t" ends at 24:00 of that date.
func (cal *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	d := cal.Day(t).Date
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if cal.IsWorkday(d) {
			n--
		}
	}
	return d
}
