package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// peopleWidth is the widest a table for people may be, in terminal cells.
const peopleWidth = 120

// writePeople writes the columns of t a person reads first (cols, most wanted first; the
// names missing from t are skipped) as a text table of at most peopleWidth cells, leaving
// out the last of cols until it fits, and a note naming the format with every column when
// some were left out. A text cell wider than 24 cells is cut with "…".
func writePeople(w io.Writer, t *tabular.Table, cols []string, all string) error {
	idx := map[string]int{}
	for i, c := range t.Columns {
		idx[c.Name] = i
	}
	var keep []int
	for _, name := range cols {
		if i, ok := idx[name]; ok {
			keep = append(keep, i)
		}
	}
	people := &tabular.Table{}
	for _, i := range keep {
		people.Columns = append(people.Columns, t.Columns[i])
	}
	// Text columns share what the others leave of the width.
	const cellMax = 24
	for _, r := range t.Rows {
		row := make([]any, len(keep))
		for j, i := range keep {
			row[j] = r[i]
			if s, ok := r[i].(string); ok && tabular.DisplayWidth(s) > cellMax {
				row[j] = truncate(s, cellMax)
			}
		}
		people.Rows = append(people.Rows, row)
	}
	var b bytes.Buffer
	for {
		b.Reset()
		if err := tabular.WriteText(&b, people); err != nil {
			return err
		}
		if len(people.Columns) <= 2 || widest(b.String()) <= peopleWidth {
			break
		}
		n := len(people.Columns) - 1
		people.Columns = people.Columns[:n]
		for i := range people.Rows {
			people.Rows[i] = people.Rows[i][:n]
		}
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	if len(people.Columns) < len(t.Columns) {
		_, err := fmt.Fprintf(w, "\n(%d of %d columns; %s or --format json for all)\n", len(people.Columns), len(t.Columns), all)
		return err
	}
	return nil
}

// widest is the display width of the longest line of s.
func widest(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, tabular.DisplayWidth(l))
	}
	return n
}

// truncate cuts s to at most width terminal cells, ending in "…".
func truncate(s string, width int) string {
	out, w := []rune{}, 0
	for _, r := range s {
		rw := tabular.DisplayWidth(string(r))
		if w+rw > width-1 {
			break
		}
		out = append(out, r)
		w += rw
	}
	return string(out) + "…"
}
