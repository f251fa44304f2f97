package reports

import (
	"math"
	"strconv"
	"time"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// The display forms of figures. They are the forms of internal/tabular's tables, so a
// document shows a rate exactly as `zhuqi metrics` does.

func pct(f *float64) string {
	if f == nil {
		return "—"
	}
	return tabular.Human(tabular.Rate, *f)
}

// pctNum is a rate as a number of percent with one decimal, without the sign: 97.5.
func pctNum(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) }

func score(f *float64) string {
	if f == nil {
		return "—"
	}
	return tabular.Human(tabular.Score, *f)
}

func fraction(f *float64) string {
	if f == nil {
		return "—"
	}
	return tabular.Human(tabular.Fraction, *f)
}

func num(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(math.Round(*f*100)/100, 'f', -1, 64)
}

func count(n int64) string { return strconv.FormatInt(n, 10) }

func intp(n *int64) string {
	if n == nil {
		return "—"
	}
	return strconv.FormatInt(*n, 10)
}

func signed(n *int64) string {
	if n == nil {
		return "—"
	}
	if *n > 0 {
		return "+" + strconv.FormatInt(*n, 10)
	}
	return strconv.FormatInt(*n, 10)
}

func stamp(t time.Time) string { return t.Format("2006-01-02 15:04") }

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
		return "—"
	}
	s := strconv.FormatFloat(*d, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	if *d > 0 && s != "0.0" {
		s = "+" + s
	}
	return s
}

// countChange is the relative change of a count, "+5.3%", nil-safe ("—" when before is 0).
func countChange(now, before int64) string {
	if before == 0 {
		return "—"
	}
	d := float64(now)/float64(before) - 1
	s := strconv.FormatFloat(d*100, 'f', 1, 64) + "%"
	if d > 0 {
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
