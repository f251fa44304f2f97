package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
	w.gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	w.gp.SetCompressLevel(6)
	if err := w.gp.AddTTFFontData(w.family, data); err != nil {
		return nil, fmt.Errorf("pdf: font %s: %w", fontPath, err)
	}
	if err := w.gp.AddTTFFontData(latinFamily, latinTTF); err != nil {
		return nil, fmt.Errorf("pdf: Latin font: %w", err)
	}
	w.gp.SetInfo(gopdf.PdfInfo{Title: doc.Title, Subject: strings.Join(doc.Meta, "; "), Creator: "zhuqi", Producer: "zhuqi (signintech/gopdf)", CreationDate: created})
	w.gp.AddFooter(w.footer)
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
				next = minHeight(doc.Blocks[i+1])
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
	var buf bytes.Buffer
	if _, err := w.gp.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// minHeight is the least room a block needs on the page of the heading before it.
func minHeight(b block) float64 {
	switch {
	case b.Chart != nil:
		return chartHeight(b.Chart) + 16
	case b.Tiles != nil:
		return 70
	case b.Table != nil:
		return 60
	}
	return 40
}

// chartHeight is the height of c on the page, full width.
func chartHeight(c *chart) float64 { return contentW * c.H / c.W }

func (w *pdfWriter) newPage() {
	w.gp.AddPage()
	w.y = margin
}

func (w *pdfWriter) footer() {
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

// room starts a new page unless h points fit above the footer.
func (w *pdfWriter) room(h float64) bool {
	if w.y+h > pageH-margin-footerH/2 {
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
	w.gp.SetLineWidth(0.5)
	w.y += 10
	return nil
}

func (w *pdfWriter) heading(s string) error {
	w.y += 6
	w.font(13)
	w.gp.SetFillColor(180, 30, 30)
	w.gp.RectFromUpperLeftWithStyle(margin, w.y+2, 3, 14, "F")
	if err := w.text(margin+8, w.y, contentW-8, 18, s, gopdf.Left); err != nil {
		return err
	}
	w.y += 22
	return nil
}

// paragraph writes wrapped text; gray is a text gray level from 0 (black) to 1.
func (w *pdfWriter) paragraph(s string, size, gray float64) error {
	w.font(size)
	lines, err := w.wrap(s, contentW)
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

// wrap breaks s into lines no wider than width in the current font: between any two
// CJK characters, and at spaces between other words.
func (w *pdfWriter) wrap(s string, width float64) ([]string, error) {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line string
		for _, tok := range tokens(para) {
			cand := line + tok
			wd, err := w.measure(cand)
			if err != nil {
				return nil, err
			}
			if wd <= width || (closing(tok) && strings.TrimSpace(line) != "") {
				line = cand
				continue
			}
			if strings.TrimSpace(line) != "" {
				lines = append(lines, strings.TrimRight(line, " "))
			}
			line = strings.TrimLeft(tok, " ")
			// A word wider than the line is broken between characters.
			for {
				tw, err := w.measure(line)
				if err != nil {
					return nil, err
				}
				if tw <= width || len([]rune(line)) < 2 {
					break
				}
				rs := []rune(line)
				n := len(rs) - 1
				for ; n > 1; n-- {
					if pw, _ := w.measure(string(rs[:n])); pw <= width {
						break
					}
				}
				lines = append(lines, string(rs[:n]))
				line = string(rs[n:])
			}
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return lines, nil
}

// closing reports whether tok may not start a line (Chinese line-breaking rules): a
// closing bracket or a punctuation mark that ends a phrase.
func closing(tok string) bool {
	return tok != "" && strings.ContainsAny(tok, "，。、；：！？）」』”’》〉】%,.;:!?)") && len([]rune(tok)) == 1
}

// tokens splits s into unbreakable pieces: one per CJK character or punctuation, one per
// run of other characters with its trailing spaces.
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
	for _, r := range s {
		switch {
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
		w.gp.RectFromUpperLeftWithStyle(x, w.y, tw, h, "FD")
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

// table draws t; when a row does not fit, it continues on a new page under a repeated
// header row.
func (w *pdfWriter) table(t *table) error {
	const pad, lh = 3.0, tableSize * 1.35
	var total float64
	for _, c := range t.Columns {
		total += c.Width
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = contentW * c.Width / total
	}
	w.font(tableSize)
	cellLines := func(cells []string) ([][]string, float64, error) {
		out := make([][]string, len(cells))
		n := 1
		for i, s := range cells {
			l, err := w.wrap(s, widths[i]-2*pad)
			if err != nil {
				return nil, 0, err
			}
			out[i] = l
			n = max(n, len(l))
		}
		return out, float64(n)*lh + 2*pad, nil
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Label
	}
	hl, hh, err := cellLines(header)
	if err != nil {
		return err
	}
	drawRow := func(lines [][]string, h float64, fill [3]uint8, text [3]uint8) {
		x := margin
		w.gp.SetFillColor(fill[0], fill[1], fill[2])
		w.gp.SetStrokeColor(200, 200, 200)
		w.gp.RectFromUpperLeftWithStyle(margin, w.y, contentW, h, "FD")
		w.gp.SetTextColor(text[0], text[1], text[2])
		for i, cell := range lines {
			for j, l := range cell {
				align := gopdf.Left
				if t.Columns[i].Number {
					align = gopdf.Right
				}
				w.text(x+pad, w.y+pad+float64(j)*lh, widths[i]-2*pad, lh, l, align)
			}
			x += widths[i]
		}
		w.gp.SetTextColor(0, 0, 0)
		w.y += h
	}
	headerFill, headerText := [3]uint8{120, 25, 25}, [3]uint8{255, 255, 255}
	w.room(hh + lh + 2*pad)
	drawRow(hl, hh, headerFill, headerText)
	for r, row := range t.Rows {
		lines, h, err := cellLines(row)
		if err != nil {
			return err
		}
		if w.room(h) {
			w.font(tableSize)
			drawRow(hl, hh, headerFill, headerText)
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
		drawRow(lines, h, fill, text)
	}
	w.y += 8
	return nil
}

func (w *pdfWriter) chart(c *chart) error {
	img, err := gopdf.ImageHolderByBytes(c.PNG)
	if err != nil {
		return fmt.Errorf("chart %s: %w", c.Name, err)
	}
	h := chartHeight(c)
	w.room(h + 16)
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
