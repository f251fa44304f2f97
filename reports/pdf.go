package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/signintech/gopdf"
)

// Page geometry in points: A4 portrait.
const (
	pageW, pageH = 595.28, 841.89
	margin       = 42.0
	footerH      = 28.0
	contentW     = pageW - 2*margin
	bodySize     = 10.0
	tableSize    = 8.0
)

var fontCache sync.Map // path → []byte

func fontData(path string) ([]byte, error) {
	if b, ok := fontCache.Load(path); ok {
		return b.([]byte), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	fontCache.Store(path, b)
	return b, nil
}

// pdfFamily is the embedded font's name. The six capitals and "+" mark it as a subset
// (PDF 32000 §9.6.4), which it is: gopdf embeds only the glyphs used.
func pdfFamily(fontPath string) string {
	base := strings.TrimSuffix(filepath.Base(fontPath), filepath.Ext(fontPath))
	base = regexp.MustCompile(`[^A-Za-z0-9-]`).ReplaceAllString(base, "")
	if base == "" {
		base = "CJK"
	}
	return "ZHUQIF+" + base
}

// pdfWriter lays a document out on A4 pages.
type pdfWriter struct {
	gp     *gopdf.GoPdf
	family string // the CJK font
	lang   string
	y      float64
	size   float64
	log    *layoutLog // when set, what is laid out (tests)
	footer bool       // drawing the footer, which sits below the margin
	tables int        // tables laid out so far
}

// latinFamily is the embedded Latin font's name (a subset, like the CJK one).
const latinFamily = "ZHUQIL+LiberationSans"

// renderPDF lays doc out as an A4 PDF with the font at fontPath embedded as a subset.
// created (the data's snapshot time) is the document's creation date.
func renderPDF(doc *document, fontPath string, created time.Time) ([]byte, error) {
	data, err := fontData(fontPath)
	if err != nil {
		return nil, err
	}
	w := &pdfWriter{gp: &gopdf.GoPdf{}, family: pdfFamily(fontPath), lang: doc.Lang}
	if pdfLayout != nil {
		w.log = &layoutLog{}
	}
	w.gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	w.gp.SetCompressLevel(6)
	if err := w.gp.AddTTFFontData(w.family, data); err != nil {
		return nil, fmt.Errorf("pdf: font %s: %w", fontPath, err)
	}
	if err := w.gp.AddTTFFontData(latinFamily, latinTTF); err != nil {
		return nil, fmt.Errorf("pdf: Latin font: %w", err)
	}
	w.gp.SetInfo(gopdf.PdfInfo{Title: doc.Title, Subject: strings.Join(doc.Meta, "; "), Creator: "zhuqi", Producer: "zhuqi (signintech/gopdf)", CreationDate: created})
	w.gp.AddFooter(w.drawFooter)
	w.newPage()
	if err := w.titleBlock(doc); err != nil {
		return nil, err
	}
	for i, b := range doc.Blocks {
		var err error
		switch {
		case b.Heading != "":
			next := 40.0
			if i+1 < len(doc.Blocks) {
				if next, err = w.minHeight(doc.Blocks[i+1]); err != nil {
					return nil, fmt.Errorf("pdf: %w", err)
				}
			}
			w.room(28 + next)
			err = w.heading(b.Heading)
		case b.Paragraph != "":
			err = w.paragraph(b.Paragraph, bodySize, 0)
		case b.Note != "":
			err = w.paragraph(b.Note, tableSize, 0.35)
		case b.Tiles != nil:
			err = w.tiles(b.Tiles)
		case b.Table != nil:
			err = w.table(b.Table)
		case b.Chart != nil:
			err = w.chart(b.Chart)
		}
		if err != nil {
			return nil, fmt.Errorf("pdf: %w", err)
		}
	}
	if w.log != nil {
		pdfLayout(doc.Title, w.log)
	}
	var buf bytes.Buffer
	if _, err := w.gp.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// minHeight is the least room a block needs on the page of the heading before it: the
// room the block itself asks for before it starts.
func (w *pdfWriter) minHeight(b block) (float64, error) {
	switch {
	case b.Chart != nil:
		return chartHeight(b.Chart) + 16, nil
	case b.Tiles != nil:
		return 70, nil
	case b.Table != nil:
		lt, err := w.layTable(b.Table)
		if err != nil {
			return 0, err
		}
		return lt.start(), nil
	}
	return 40, nil
}

// chartHeight is the height of c on the page, full width.
func chartHeight(c *chart) float64 { return contentW * c.H / c.W }

func (w *pdfWriter) newPage() {
	w.gp.AddPage()
	w.y = margin
}

func (w *pdfWriter) drawFooter() {
	w.footer = true
	defer func() { w.footer = false }()
	n := w.gp.GetNumberOfPages()
	text := fmt.Sprintf("第 %d 页", n)
	if w.lang == "en" {
		text = fmt.Sprintf("Page %d", n)
	}
	w.font(tableSize)
	w.gp.SetTextColor(110, 110, 110)
	w.text(margin, pageH-footerH, contentW, 12, text, gopdf.Center)
	w.gp.SetTextColor(0, 0, 0)
}

func (w *pdfWriter) font(size float64) { w.size = size }

func (w *pdfWriter) use(r run) error {
	if r.latin {
		return w.gp.SetFont(latinFamily, "", w.size)
	}
	return w.gp.SetFont(w.family, "", w.size)
}

// measure is the width of s in the current size, run by run.
func (w *pdfWriter) measure(s string) (float64, error) {
	var total float64
	for _, r := range runs(s) {
		if err := w.use(r); err != nil {
			return 0, err
		}
		wd, err := w.gp.MeasureTextWidth(r.text)
		if err != nil {
			return 0, err
		}
		total += wd
	}
	return total, nil
}

// text draws s on one line in the box at (x, y) of width × h, vertically centred and
// aligned left, right or centre (gopdf.Left, Right, Center).
func (w *pdfWriter) text(x, y, width, h float64, s string, align int) error {
	tw, err := w.measure(s)
	if err != nil {
		return err
	}
	switch align {
	case gopdf.Right:
		x += width - tw
	case gopdf.Center:
		x += (width - tw) / 2
	}
	w.record("text "+strconv.Quote(s), x, y, tw, h)
	for _, r := range runs(s) {
		if err := w.use(r); err != nil {
			return err
		}
		rw, err := w.gp.MeasureTextWidth(r.text)
		if err != nil {
			return err
		}
		w.gp.SetXY(x, y)
		if err := w.gp.CellWithOption(&gopdf.Rect{W: rw + 0.01, H: h}, r.text, gopdf.CellOption{Align: gopdf.Left | gopdf.Middle}); err != nil {
			return err
		}
		x += rw
	}
	return nil
}

// record notes a box drawn on the current page (footers excepted) for the layout check.
func (w *pdfWriter) record(what string, x, y, width, h float64) {
	if w.log != nil && !w.footer {
		w.log.Draws = append(w.log.Draws, drawLog{Page: w.gp.GetNumberOfPages(), What: what, X: x, Y: y, W: width, H: h})
	}
}

// rect draws a rectangle with style ("F", "D", "FD") and records it.
func (w *pdfWriter) rect(x, y, width, h float64, style string) {
	w.gp.RectFromUpperLeftWithStyle(x, y, width, h, style)
	w.record("box", x, y, width, h)
}

// room starts a new page unless h points fit above the footer.
func (w *pdfWriter) room(h float64) bool {
	if w.y+h > contentBottom {
		w.newPage()
		return true
	}
	return false
}

func (w *pdfWriter) titleBlock(doc *document) error {
	w.font(18)
	if err := w.text(margin, w.y, contentW, 24, doc.Title, gopdf.Center); err != nil {
		return err
	}
	w.y += 28
	if doc.Subtitle != "" {
		w.font(11)
		w.text(margin, w.y, contentW, 14, doc.Subtitle, gopdf.Center)
		w.y += 18
	}
	w.font(tableSize)
	w.gp.SetTextColor(80, 80, 80)
	for _, m := range doc.Meta {
		w.text(margin, w.y, contentW, 11, m, gopdf.Center)
		w.y += 11
	}
	w.gp.SetTextColor(0, 0, 0)
	w.y += 4
	w.gp.SetStrokeColor(180, 30, 30)
	w.gp.SetLineWidth(1.2)
	w.gp.Line(margin, w.y, pageW-margin, w.y)
	w.record("rule", margin, w.y, contentW, 0)
	w.gp.SetLineWidth(0.5)
	w.y += 10
	return nil
}

func (w *pdfWriter) heading(s string) error {
	w.y += 6
	w.font(13)
	w.gp.SetFillColor(180, 30, 30)
	w.rect(margin, w.y+2, 3, 14, "F")
	if err := w.text(margin+8, w.y, contentW-8, 18, s, gopdf.Left); err != nil {
		return err
	}
	w.y += 22
	return nil
}

// paragraph writes wrapped text; gray is a text gray level from 0 (black) to 1.
func (w *pdfWriter) paragraph(s string, size, gray float64) error {
	w.font(size)
	lines, err := w.wrap(s, contentW, false)
	if err != nil {
		return err
	}
	c := uint8(255 * gray)
	w.gp.SetTextColor(c, c, c)
	defer w.gp.SetTextColor(0, 0, 0)
	lh := size * 1.6
	for _, l := range lines {
		w.room(lh)
		if err := w.text(margin, w.y, contentW, lh, l, gopdf.Left); err != nil {
			return err
		}
		w.y += lh
	}
	w.y += size * 0.6
	return nil
}

// wrap breaks s into lines no wider than width in the current font, never inside a
// word: between CJK characters and at spaces (a header only at spaces and before a
// bracket). A closing mark never starts a line: it takes the token before it along.
func (w *pdfWriter) wrap(s string, width float64, header bool) ([]string, error) {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		toks := tokens(para)
		if header {
			toks = headerTokens(para)
		}
		var line []string
		flush := func() {
			lines = append(lines, strings.TrimRight(strings.Join(line, ""), " "))
			line = nil
		}
		for _, tok := range toks {
			wd, err := w.measure(strings.TrimRight(strings.Join(line, "")+tok, " "))
			if err != nil {
				return nil, err
			}
			switch {
			case len(line) == 0 && wd > width && len([]rune(strings.TrimSpace(tok))) > longWord:
				// Not a word (a URL, a formula): broken between characters.
				rs := []rune(strings.TrimSpace(tok))
				for len(rs) > 0 {
					n := len(rs)
					for ; n > 1; n-- {
						if pw, _ := w.measure(string(rs[:n])); pw <= width {
							break
						}
					}
					if n == len(rs) {
						line = []string{string(rs)}
						break
					}
					lines = append(lines, string(rs[:n]))
					rs = rs[n:]
				}
			case wd <= width || len(line) == 0:
				line = append(line, tok)
			case closing(tok) && len(line) > 1:
				last := line[len(line)-1]
				line = line[:len(line)-1]
				flush()
				line = []string{last, tok}
			default:
				flush()
				line = []string{strings.TrimLeft(tok, " ")}
			}
		}
		flush()
	}
	return lines, nil
}

// headerTokens splits a column header into the pieces a line may break between: words
// with their trailing spaces, and a bracketed part on its own.
func headerTokens(s string) []string {
	var out []string
	var cur strings.Builder
	prevSpace, depth := false, 0
	for _, r := range s {
		if cur.Len() > 0 && depth == 0 && ((r != ' ' && prevSpace) || r == '（' || r == '(') {
			out = append(out, cur.String())
			cur.Reset()
		}
		cur.WriteRune(r)
		switch r {
		case '（', '(':
			depth++
		case '）', ')':
			depth = max(0, depth-1)
		}
		prevSpace = r == ' '
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// closing reports whether tok may not start a line (Chinese line-breaking rules): a
// closing bracket or a punctuation mark that ends a phrase.
func closing(tok string) bool {
	return tok != "" && strings.ContainsAny(tok, "，。、；：！？）」』”’》〉】%,.;:!?)") && len([]rune(tok)) == 1
}

// tokens splits s into unbreakable pieces: one per CJK character or punctuation, one per
// full-width bracket with what it holds, one per run of other characters with its
// trailing spaces.
func tokens(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	prevSpace := false
	inBracket := false
	for _, r := range s {
		switch {
		case r == '（' || inBracket:
			// A full-width bracket and what it holds stay together: （万元）.
			if r == '（' {
				flush()
			}
			cur.WriteRune(r)
			inBracket = r != '）'
			if !inBracket {
				flush()
			}
			prevSpace = false
		case r > 0x2E80 && !unicode.IsSpace(r):
			flush()
			out = append(out, string(r))
			prevSpace = false
		case r == ' ':
			cur.WriteRune(r)
			prevSpace = true
		default:
			if prevSpace {
				flush()
			}
			cur.WriteRune(r)
			prevSpace = false
		}
	}
	flush()
	return out
}

func (w *pdfWriter) tiles(ts []tile) error {
	const perRow, gap, h = 4, 8.0, 62.0
	tw := (contentW - gap*(perRow-1)) / perRow
	for i, t := range ts {
		col := i % perRow
		if col == 0 {
			if i > 0 {
				w.y += h + gap
			}
			w.room(h)
		}
		x := margin + float64(col)*(tw+gap)
		w.gp.SetFillColor(246, 242, 238)
		w.gp.SetStrokeColor(210, 200, 190)
		w.rect(x, w.y, tw, h, "FD")
		w.font(tableSize)
		w.gp.SetTextColor(90, 90, 90)
		w.text(x+6, w.y+5, tw-12, 10, t.Label, gopdf.Left)
		w.font(15)
		w.gp.SetTextColor(150, 20, 20)
		w.text(x+6, w.y+17, tw-12, 18, t.Value, gopdf.Left)
		w.font(7)
		w.gp.SetTextColor(70, 70, 70)
		for j, c := range t.Changes {
			w.text(x+6, w.y+38+float64(j)*10, tw-12, 9, c, gopdf.Left)
		}
		w.gp.SetTextColor(0, 0, 0)
	}
	w.y += h + 12
	return nil
}

// table draws t with column widths from its content. A table that fits on a page is
// kept whole; a longer one continues on new pages under a repeated header row, and never
// leaves fewer than keepRows rows alone on the last page.
// Table geometry: cell padding and line height.
const (
	cellPad    = 3.0
	cellLineH  = tableSize * 1.35
	pageSpaceH = contentBottom - margin
)

// laid is a table row broken into lines: one list of lines per cell.
type laid struct {
	cells [][]string
	text  []string // the cells' texts
	h     float64
	gap   bool // the marker of omitted rows, across the row
}

// laidTable is a table broken into lines, before it is drawn.
type laidTable struct {
	widths []float64
	labels []string
	head   laid
	rows   []laid
	total  float64
}

// start is the room the table needs where it starts: all of it when it is short (at
// most 3×keepRows rows, such as a top-and-bottom table with its marker row), else its
// header and first three rows.
func (lt *laidTable) start() float64 {
	if len(lt.rows) <= 3*keepRows {
		return lt.total
	}
	h := lt.head.h
	for _, r := range lt.rows[:3] {
		h += r.h
	}
	return h
}

// layTable sets t's column widths and breaks its cells into lines.
func (w *pdfWriter) layTable(t *table) (*laidTable, error) {
	w.font(tableSize)
	widths, err := columnWidths(t, cellPad, w.measure)
	if err != nil {
		return nil, err
	}
	lay := func(cells []string, header bool) (laid, error) {
		out := laid{cells: make([][]string, len(cells)), text: cells}
		n := 1
		for i, s := range cells {
			l, err := w.wrap(s, widths[i]-2*cellPad, header)
			if err != nil {
				return out, err
			}
			out.cells[i] = l
			n = max(n, len(l))
		}
		out.h = float64(n)*cellLineH + 2*cellPad
		return out, nil
	}
	lt := &laidTable{widths: widths, labels: make([]string, len(t.Columns)), rows: make([]laid, len(t.Rows))}
	for i, c := range t.Columns {
		lt.labels[i] = c.Label
	}
	if lt.head, err = lay(lt.labels, true); err != nil {
		return nil, err
	}
	lt.total = lt.head.h
	for r, row := range t.Rows {
		if r < len(t.Marks) && t.Marks[r] == omitted {
			lt.rows[r] = laid{cells: [][]string{{row[0]}}, text: row[:1], h: cellLineH + 2*cellPad, gap: true}
		} else if lt.rows[r], err = lay(row, false); err != nil {
			return nil, err
		}
		lt.total += lt.rows[r].h
	}
	return lt, nil
}

// table draws t with column widths from its content. A table that fits on a page is
// kept whole; a longer one continues on new pages under a repeated header row, and never
// leaves fewer than keepRows rows alone on the last page.
func (w *pdfWriter) table(t *table) error {
	const pad, lh = cellPad, cellLineH
	lt, err := w.layTable(t)
	if err != nil {
		return err
	}
	w.tables++
	widths, head, rows := lt.widths, lt.head, lt.rows
	drawRow := func(row laid, header bool, fill, text [3]uint8) error {
		w.gp.SetFillColor(fill[0], fill[1], fill[2])
		w.gp.SetStrokeColor(200, 200, 200)
		w.rect(margin, w.y, contentW, row.h, "FD")
		w.gp.SetTextColor(text[0], text[1], text[2])
		defer w.gp.SetTextColor(0, 0, 0)
		if row.gap {
			w.gp.SetTextColor(110, 110, 110)
			w.logCell(row.cells[0], contentW-2*pad, false, row.cells[0][0])
			err := w.text(margin+pad, w.y+pad, contentW-2*pad, lh, row.cells[0][0], gopdf.Center)
			w.y += row.h
			return err
		}
		x := margin
		for i, cell := range row.cells {
			align := gopdf.Left
			if t.Columns[i].Number {
				align = gopdf.Right
			}
			w.logCell(cell, widths[i]-2*pad, header, row.text[i])
			for j, l := range cell {
				if err := w.text(x+pad, w.y+pad+float64(j)*lh, widths[i]-2*pad, lh, l, align); err != nil {
					return err
				}
			}
			x += widths[i]
		}
		w.y += row.h
		return nil
	}
	headerFill, headerText := [3]uint8{120, 25, 25}, [3]uint8{255, 255, 255}
	// fit is how many rows from r fit under the rest of the page.
	fit := func(r int) int {
		y := w.y
		n := 0
		for ; r+n < len(rows) && y+rows[r+n].h <= contentBottom; n++ {
			y += rows[r+n].h
		}
		return n
	}
	// breakAt is where the rows from r leave this page: not so late that fewer than
	// keepRows rows are left for the last page.
	breakAt := func(r int) int {
		b := r + fit(r)
		if b < len(rows) && len(rows)-b < keepRows {
			b = max(r, len(rows)-keepRows)
		}
		return b
	}
	w.room(lt.start())
	if err := drawRow(head, true, headerFill, headerText); err != nil {
		return err
	}
	if len(rows) > 0 && breakAt(0) == 0 {
		w.newPage()
		if err := drawRow(head, true, headerFill, headerText); err != nil {
			return err
		}
	}
	from, stop := 0, breakAt(0)
	for r, row := range rows {
		if r == stop {
			w.piece(from, r, len(rows))
			w.newPage()
			w.font(tableSize)
			if err := drawRow(head, true, headerFill, headerText); err != nil {
				return err
			}
			from, stop = r, breakAt(r)
		}
		fill, text := [3]uint8{255, 255, 255}, [3]uint8{0, 0, 0}
		if r%2 == 1 {
			fill = [3]uint8{247, 247, 247}
		}
		if r < len(t.Marks) {
			switch t.Marks[r] {
			case "red", "bottom":
				text = [3]uint8{190, 20, 20}
			case "black":
				fill = [3]uint8{225, 225, 225}
			case "riser":
				text = [3]uint8{20, 120, 50}
			}
		}
		if err := drawRow(row, false, fill, text); err != nil {
			return err
		}
	}
	w.piece(from, len(rows), len(rows))
	w.y += 8
	return nil
}

// logCell records a table cell's text and its lines for the layout check.
func (w *pdfWriter) logCell(lines []string, room float64, header bool, text string) {
	if w.log == nil {
		return
	}
	c := cellLog{Page: w.gp.GetNumberOfPages(), Header: header, Lines: lines, Room: room, Text: text}
	for _, l := range lines {
		wd, _ := w.measure(l)
		c.Widths = append(c.Widths, wd)
	}
	w.log.Cells = append(w.log.Cells, c)
}

// piece records the rows of the current table on this page.
func (w *pdfWriter) piece(from, to, n int) {
	if w.log != nil {
		w.log.Pieces = append(w.log.Pieces, pieceLog{Page: w.gp.GetNumberOfPages(), Table: w.tables, From: from, To: to, Rows: n})
	}
}

func (w *pdfWriter) chart(c *chart) error {
	img, err := gopdf.ImageHolderByBytes(c.PNG)
	if err != nil {
		return fmt.Errorf("chart %s: %w", c.Name, err)
	}
	h := chartHeight(c)
	w.room(h + 16)
	w.record("chart "+c.Name, margin, w.y, contentW, h)
	if err := w.gp.ImageByHolder(img, margin, w.y, &gopdf.Rect{W: contentW, H: h}); err != nil {
		return fmt.Errorf("chart %s: %w", c.Name, err)
	}
	w.y += h + 2
	if c.Caption != "" {
		w.font(tableSize)
		w.gp.SetTextColor(90, 90, 90)
		w.text(margin, w.y, contentW, 11, c.Caption, gopdf.Center)
		w.gp.SetTextColor(0, 0, 0)
		w.y += 14
	}
	w.y += 6
	return nil
}
