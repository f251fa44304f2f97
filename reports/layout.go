package reports

import (
	"fmt"
	"strings"
	"unicode"
)

// The PDF layout's rules, and a record of what was laid out so that tests can hold them:
// every table cell's text fits its cell with line breaks only between words (at a space,
// or next to a CJK character; a header only at a space or before "（"); no page holds
// only the tail of a table of fewer than keepRows rows; nothing is drawn beyond the
// margins.

// longWord is the most characters of a word that is never broken; a longer run of
// Latin letters, digits and signs (a URL, a formula) is not a word and may break
// anywhere. longWordW is the most a column widens for one word.
const (
	longWord  = 24
	longWordW = 100.0
)

// keepRows is the fewest rows of a table carried onto a new page.
const keepRows = 5

// shortCell is the widest text (in points) a table cell keeps on one line: a column is
// at least this wide when its cells need it, so a short name such as 寒亭区 never wraps.
const shortCell = 48.0

// pdfLayout, when set (by tests), receives the record of every PDF laid out.
var pdfLayout func(title string, l *layoutLog)

// layoutLog is what a PDF's layout drew.
type layoutLog struct {
	Cells  []cellLog
	Draws  []drawLog
	Pieces []pieceLog
}

// cellLog is one table cell: its text, the lines it was broken into and their widths,
// and the width the lines must fit.
type cellLog struct {
	Page   int
	Header bool
	Text   string
	Lines  []string
	Widths []float64
	Room   float64
}

// drawLog is a box drawn on a page (text by its measured extent); footers excluded.
type drawLog struct {
	Page       int
	What       string
	X, Y, W, H float64
}

// pieceLog is the part of a table on one page: rows From to To (exclusive) of Rows.
type pieceLog struct {
	Page, Table, From, To, Rows int
}

// problems lists every rule the laid-out document breaks, one line each.
func (l *layoutLog) problems() []string {
	var out []string
	const eps = 0.01
	for _, c := range l.Cells {
		for i, wd := range c.Widths {
			if wd > c.Room+eps {
				out = append(out, fmt.Sprintf("page %d: %q is %.1fpt wide in a cell of %.1fpt", c.Page, c.Lines[i], wd, c.Room))
			}
		}
		if at, ok := badBreak(c.Text, c.Lines, c.Header); !ok {
			out = append(out, fmt.Sprintf("page %d: %q is broken inside a word (%s)", c.Page, c.Text, at))
		}
	}
	for _, d := range l.Draws {
		if d.X < margin-eps || d.X+d.W > pageW-margin+eps || d.Y < margin-eps || d.Y+d.H > contentBottom+eps {
			out = append(out, fmt.Sprintf("page %d: %s at x %.1f–%.1f, y %.1f–%.1f is beyond the margins", d.Page, d.What, d.X, d.X+d.W, d.Y, d.Y+d.H))
		}
	}
	for _, p := range l.Pieces {
		if p.From > 0 && p.To == p.Rows && p.To-p.From < keepRows {
			out = append(out, fmt.Sprintf("page %d: holds only the last %d rows of table %d (%d rows)", p.Page, p.To-p.From, p.Table, p.Rows))
		}
	}
	return out
}

// badBreak checks the places where text was broken into lines: each must be at a space
// or next to a CJK character (for a header: at a space or before a bracket), never
// inside a full-width bracket pair.
// It returns the first bad place.
func badBreak(text string, lines []string, header bool) (string, bool) {
	rest := strings.TrimLeft(text, " ")
	for i, l := range lines {
		if !strings.HasPrefix(rest, l) {
			return fmt.Sprintf("line %q is not the text", l), false
		}
		rest = rest[len(l):]
		if i == len(lines)-1 {
			break
		}
		done := text[:len(text)-len(rest)]
		if strings.Count(done, "（") > strings.Count(done, "）") || (header && strings.Count(done, "(") > strings.Count(done, ")")) {
			return l + "|" + "（…）", false
		}
		trimmed := strings.TrimLeft(rest, " ")
		spaced := len(trimmed) < len(rest)
		rest = trimmed
		if spaced || l == "" || rest == "" {
			continue
		}
		before := []rune(l)[len([]rune(l))-1]
		after := []rune(rest)[0]
		ok := after == '（' || after == '('
		if !header {
			ok = ok || cjk(before) || cjk(after) || wordLen(l, rest) > longWord
		}
		if !ok {
			return l + "|" + string([]rune(rest)[:min(4, len([]rune(rest)))]), false
		}
	}
	return "", true
}

// cjk reports whether r is a CJK character or punctuation, between which Chinese text
// may break.
func cjk(r rune) bool { return r >= 0x2E80 && !unicode.IsSpace(r) }

// contentBottom is the lowest a block may reach, above the footer.
const contentBottom = pageH - margin - footerH/2

// columnWidths is the width of each column of t, from the relative widths, but never
// less than the column's content needs: its header without a break inside a word, and
// each cell on one line up to shortCell (longer cells may wrap between words). measure
// gives a text's width at the table's size.
func columnWidths(t *table, pad float64, measure func(string) (float64, error)) ([]float64, error) {
	n := len(t.Columns)
	need := make([]float64, n)
	var total float64
	for _, c := range t.Columns {
		total += c.Width
	}
	for i, c := range t.Columns {
		for _, piece := range headerTokens(c.Label) {
			wd, err := measure(strings.TrimSpace(piece))
			if err != nil {
				return nil, err
			}
			need[i] = max(need[i], wd)
		}
	}
	for r, row := range t.Rows {
		if r < len(t.Marks) && t.Marks[r] == omitted {
			continue
		}
		for i, s := range row {
			wd, err := measure(s)
			if err != nil {
				return nil, err
			}
			if wd > shortCell {
				// A long cell wraps: it needs its widest word, and shortCell.
				wd = shortCell
				for _, tok := range tokens(s) {
					tw, err := measure(strings.TrimSpace(tok))
					if err != nil {
						return nil, err
					}
					wd = max(wd, min(tw, longWordW))
				}
			}
			need[i] = max(need[i], wd)
		}
	}
	widths := make([]float64, n)
	var deficit, slack float64
	for i, c := range t.Columns {
		need[i] += 2*pad + 0.5
		widths[i] = contentW * c.Width / total
		if widths[i] < need[i] {
			deficit += need[i] - widths[i]
			widths[i] = need[i]
		} else {
			slack += widths[i] - need[i]
		}
	}
	if deficit > 0 && slack > 0 {
		// Take what the narrow columns lack from the others' room to spare.
		share := min(1, deficit/slack)
		for i := range widths {
			if widths[i] > need[i] {
				widths[i] -= (widths[i] - need[i]) * share
			}
		}
	}
	return widths, nil
}

// wordLen is the length in characters of the run of non-space, non-CJK characters that
// a break between end and start would cut.
func wordLen(end, start string) int {
	n := 0
	for _, r := range end {
		n++
		if r == ' ' || cjk(r) {
			n = 0
		}
	}
	for _, r := range start {
		if r == ' ' || cjk(r) {
			break
		}
		n++
	}
	return n
}
