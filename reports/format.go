package reports

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The display forms of figures, all from this one place. Each kind of figure has fixed
// decimals: counts none, rates and changes in points one (97.5%, +1.2), scores two
// (91.67), amounts in 万元 one (2,997,320.8). Counts and amounts carry thousands
// separators. A missing figure is "—".

// none is how a missing figure is shown.
const none = "—"

// group puts thousands separators into the integer part of a decimal number: 1234567.8 →
// 1,234,567.8.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		sign, s = s[:1], s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// fixed is f with d decimals, never "-0.0". f is first rounded to six decimals, so
// that float noise (a sum taken in another order: 133943.7499999 or 133943.7500001)
// never flips the last digit shown.
func fixed(f float64, d int) string {
	if math.Abs(f) < 1e9 {
		f = math.Round(f*1e6) / 1e6
	}
	s := strconv.FormatFloat(f, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// pct is a rate (a fraction) as a percentage with one decimal: 0.975 → "97.5%".
func pct(f *float64) string {
	if f == nil {
		return none
	}
	return pctNum(*f) + "%"
}

// pctNum is a rate as a number of percent with one decimal, without the sign: 97.5.
func pctNum(f float64) string { return fixed(f*100, 1) }

// score is a score on a 100-point scale (or a part of one) with two decimals: "91.67".
func score(f *float64) string {
	if f == nil {
		return none
	}
	return fixed(*f, 2)
}

// amount is a figure in its unit (万元, or a count such as 新开工项目) with thousands
// separators: one decimal for 万元, none for a count.
func amount(f *float64, unit string) string {
	if f == nil {
		return none
	}
	if unit == "万元" || unit == "10k yuan" {
		return group(fixed(*f, 1))
	}
	return group(fixed(math.Round(*f), 0))
}

// count is a number of tickets, cadres or entities with thousands separators: "1,646".
func count(n int64) string { return group(strconv.FormatInt(n, 10)) }

// intp is a rank or similar small integer, "—" when missing.
func intp(n *int64) string {
	if n == nil {
		return none
	}
	return strconv.FormatInt(*n, 10)
}

// signed is a change of rank with its sign: "+3", "-2", "0".
func signed(n *int64) string {
	if n == nil {
		return none
	}
	if *n > 0 {
		return "+" + strconv.FormatInt(*n, 10)
	}
	return strconv.FormatInt(*n, 10)
}

// moment is a point in time, the one way documents write one: "2026-10-17 17:19". A
// moment at midnight is the end of the day before ("2026-10-31 24:00"), the way an office
// writes a deadline or a cut-off.
func moment(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 {
		return t.AddDate(0, 0, -1).Format("2006-01-02") + " 24:00"
	}
	return t.Format("2006-01-02 15:04")
}

// stamp is moment, for table cells.
func stamp(t time.Time) string { return moment(t) }

// diffPP is the change between two rates in percentage points, rounded to one decimal,
// from the rates as displayed (so the text agrees with the tiles); nil when either is nil.
func diffPP(now, before *float64) *float64 {
	if now == nil || before == nil {
		return nil
	}
	a, _ := strconv.ParseFloat(pctNum(*now), 64)
	b, _ := strconv.ParseFloat(pctNum(*before), 64)
	d := math.Round((a-b)*10) / 10
	return &d
}

// ppString is a change in points with its sign: "+1.2", "-0.4", "0.0".
func ppString(d *float64) string {
	if d == nil {
		return none
	}
	s := fixed(*d, 1)
	if *d > 0 && s != "0.0" {
		s = "+" + s
	}
	return s
}

// negative reports whether a change in points shows as below zero: "-0.0" does not.
func negative(d *float64) bool { return d != nil && strings.HasPrefix(ppString(d), "-") }

// countChange is the relative change of a count, "+5.3%", nil-safe ("—" when before is 0).
func countChange(now, before int64) string {
	if before == 0 {
		return none
	}
	d := float64(now)/float64(before) - 1
	s := fixed(d*100, 1) + "%"
	if d > 0 && s != "0.0%" {
		s = "+" + s
	}
	return s
}

func deref(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}
