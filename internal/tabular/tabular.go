// Package tabular writes result tables as an aligned text table for people, or as CSV or
// JSON for scripts. A column's Kind decides how its values look in each format: a rate is
// "97.5%" in a table and 0.975172 in CSV and JSON.
package tabular

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Kind is how a column's values are shown.
type Kind int

// Column kinds.
const (
	Text     Kind = iota // strings; guarded against spreadsheet formulas in CSV
	Int                  // whole numbers
	Rate                 // a fraction: a percentage with one decimal in tables, 6 decimals elsewhere
	Score                // a score or points: 2 decimals
	Num                  // any other number: as short as exact
	Bool                 // true/false
	Time                 // a time stamp: "2006-01-02 15:04" in tables, RFC 3339 elsewhere
	Points               // a difference of rates: "+1.2 pp" in tables, a fraction elsewhere
	Fraction             // a number from 0 to 1 that is not a percentage: 3 decimals in tables, 6 elsewhere
)

// Column is one column of a table.
type Column struct {
	Name string
	Kind Kind
}

// Table is a result: its columns and rows. A nil value is NULL (empty in CSV, null in JSON).
type Table struct {
	Columns []Column
	Rows    [][]any
}

// Formats lists the formats Write accepts.
var Formats = []string{"table", "csv", "json"}

// CheckFormat returns an error naming the accepted formats if f is not one of them.
func CheckFormat(f string) error {
	for _, ok := range Formats {
		if f == ok {
			return nil
		}
	}
	return fmt.Errorf("unknown format %q: use one of %s", f, strings.Join(Formats, ", "))
}

// Write writes t to w in format f (table, csv or json).
func Write(w io.Writer, f string, t *Table) error {
	switch f {
	case "table":
		return WriteText(w, t)
	case "csv":
		return WriteCSV(w, t)
	case "json":
		return WriteJSON(w, t)
	}
	return CheckFormat(f)
}

// WriteCSV writes a header line and one line per row. Text that a spreadsheet would take
// for a formula (starting with = + - @ or a control character) is prefixed with ' so it
// stays text.
func WriteCSV(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, row := range t.Rows {
		for i, c := range t.Columns {
			rec[i] = machine(c.Kind, row[i])
			if c.Kind == Text {
				rec[i] = DefuseFormula(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// DefuseFormula returns s with a leading ' when a spreadsheet would read it as a formula.
func DefuseFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	if r, _ := utf8.DecodeRuneInString(s); r == '＝' || r == '＋' || r == '－' || r == '＠' {
		return "'" + s
	}
	return s
}

// WriteJSON writes an array of objects whose keys keep the column order.
func WriteJSON(w io.Writer, t *Table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for r, row := range t.Rows {
		if r > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n  {")
		for i, c := range t.Columns {
			if i > 0 {
				bw.WriteString(", ")
			}
			k, _ := json.Marshal(c.Name)
			bw.Write(k)
			bw.WriteString(": ")
			bw.WriteString(jsonValue(c.Kind, row[i]))
		}
		bw.WriteString("}")
	}
	if len(t.Rows) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

func jsonValue(k Kind, v any) string {
	if isNull(v) {
		return "null"
	}
	switch k {
	case Text, Time:
		b, _ := json.Marshal(machine(k, v))
		return string(b)
	}
	return machine(k, v)
}

// WriteText writes an aligned table; wide (Chinese) characters count as two columns.
// Numbers are right-aligned, text left-aligned, NULL shows as "-".
func WriteText(w io.Writer, t *Table) error {
	cells := make([][]string, len(t.Rows)+1)
	widths := make([]int, len(t.Columns))
	cells[0] = make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cells[0][i] = c.Name
		widths[i] = DisplayWidth(c.Name)
	}
	for r, row := range t.Rows {
		cells[r+1] = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			s := Human(c.Kind, row[i])
			cells[r+1][i] = s
			widths[i] = max(widths[i], DisplayWidth(s))
		}
	}
	bw := bufio.NewWriter(w)
	for r, line := range cells {
		for i, s := range line {
			pad := strings.Repeat(" ", widths[i]-DisplayWidth(s))
			if i > 0 {
				bw.WriteString("  ")
			}
			if t.Columns[i].Kind != Text && t.Columns[i].Kind != Time && r > 0 {
				bw.WriteString(pad + s)
			} else if i < len(line)-1 {
				bw.WriteString(s + pad)
			} else {
				bw.WriteString(s)
			}
		}
		bw.WriteString("\n")
		if r == 0 {
			for i := range line {
				if i > 0 {
					bw.WriteString("  ")
				}
				bw.WriteString(strings.Repeat("-", widths[i]))
			}
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

// DisplayWidth is the number of terminal columns s takes: East Asian wide and full-width
// characters take two.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func isNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case *float64:
		return x == nil
	case *int64:
		return x == nil
	case *string:
		return x == nil
	case *time.Time:
		return x == nil
	case float64:
		return math.IsNaN(x) || math.IsInf(x, 0)
	}
	return false
}

func deref(v any) any {
	switch x := v.(type) {
	case *float64:
		return *x
	case *int64:
		return *x
	case *string:
		return *x
	case *time.Time:
		return *x
	}
	return v
}

// Human formats v of kind k for a person.
func Human(k Kind, v any) string {
	if isNull(v) {
		return "-"
	}
	v = deref(v)
	switch k {
	case Rate:
		if f, ok := toFloat(v); ok {
			return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
		}
	case Points:
		if f, ok := toFloat(v); ok {
			s := strconv.FormatFloat(f*100, 'f', 1, 64)
			switch {
			case s == "-0.0" || s == "0.0":
				s = "0.0" // a change that rounds to nothing has no sign
			case f >= 0:
				s = "+" + s
			}
			return s + " pp"
		}
	case Score:
		if f, ok := toFloat(v); ok {
			return strconv.FormatFloat(f, 'f', 2, 64)
		}
	case Fraction:
		if f, ok := toFloat(v); ok {
			return strconv.FormatFloat(f, 'f', 3, 64)
		}
	case Time:
		if t, ok := v.(time.Time); ok {
			return t.Format("2006-01-02 15:04")
		}
	}
	return machine(k, v)
}

// Machine formats v of kind k for CSV and JSON: rates with 6 decimals, scores with 2.
func Machine(k Kind, v any) string { return machine(k, v) }

func machine(k Kind, v any) string {
	if isNull(v) {
		return ""
	}
	v = deref(v)
	switch k {
	case Rate, Points, Fraction:
		if f, ok := toFloat(v); ok {
			return trimFloat(strconv.FormatFloat(f, 'f', 6, 64))
		}
	case Score:
		if f, ok := toFloat(v); ok {
			return trimFloat(strconv.FormatFloat(f, 'f', 2, 64))
		}
	case Time:
		if t, ok := v.(time.Time); ok {
			return t.Format(time.RFC3339)
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.Format(time.RFC3339)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// trimFloat drops trailing zeros after the point ("0.500000" → "0.5", "1.000000" → "1").
func trimFloat(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		return "0"
	}
	return s
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	}
	return 0, false
}

// Col is a Column.
func Col(name string, k Kind) Column { return Column{Name: name, Kind: k} }
