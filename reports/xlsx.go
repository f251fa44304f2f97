package reports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// sheet is one worksheet: a name and a table.
type sheet struct {
	Name  string
	Table *tabular.Table
}

// writeXLSX lays tables out as a workbook in the language of L: sheet names, headers,
// status values and notes in its words (the CSV keeps the machine names); a styled,
// frozen header row; column widths from the content. Text cells are always strings, so a
// name such as "=HYPERLINK(...)" stays text. Numbers carry exactly the values of the
// CSV; rates and the cadres' satisfaction show as percentages. The document properties
// are dated at created, the data's snapshot time. More sheets may be added before
// saveWorkbook writes it; the caller closes it.
func newWorkbook(L labels, sheets []sheet, title string, created time.Time) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := fillWorkbook(L, f, sheets, title, created); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func fillWorkbook(L labels, f *excelize.File, sheets []sheet, title string, created time.Time) error {
	stamp := created.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "zhuqi", LastModifiedBy: "zhuqi", Title: title, Created: stamp, Modified: stamp}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"781919"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	fmtStyle := map[tabular.Kind]int{}
	// In a fixed order: style ids are part of the file's bytes.
	for _, nf := range []struct {
		kind tabular.Kind
		code string
	}{{tabular.Rate, "0.0%"}, {tabular.Points, "+0.0%;-0.0%;0.0%"}, {tabular.Score, "0.00"}, {tabular.Fraction, "0.0%"}} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &nf.code})
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		fmtStyle[nf.kind] = id
	}
	for i, s := range sheets {
		s.Name = L.or("sheet."+s.Name, s.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		if err := fillSheet(L, f, s, header, fmtStyle); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", s.Name, err)
		}
	}
	return nil
}

// saveWorkbook writes f once, its parts in the order of their names (sortedZip).
func saveWorkbook(f *excelize.File) ([]byte, error) {
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return &sortedZip{w: w} })
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// sortedZip is an excelize.ZipWriter that zips the parts of a workbook in the order of
// their names whatever the order they come in (excelize gives streamed sheets in a map's
// order), so that the same workbook gives the same bytes. Each part is compressed once,
// as it comes, and its compressed bytes copied into place on Close.
type sortedZip struct {
	w     io.Writer
	parts []*zipPart
}

type zipPart struct {
	name string
	buf  bytes.Buffer
	zw   *zip.Writer
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	if n := len(z.parts); n > 0 {
		// The previous part is complete: its compressor goes back to the pool.
		if err := z.parts[n-1].zw.Close(); err != nil {
			return nil, err
		}
	}
	p := &zipPart{name: name}
	p.zw = zip.NewWriter(&p.buf)
	p.zw.RegisterCompressor(zip.Deflate, fastDeflate)
	z.parts = append(z.parts, p)
	return p.zw.Create(name)
}

// fastDeflate compresses a workbook's parts at flate.BestSpeed: its evidence sheets are
// tens of megabytes of XML, compressed three times faster for a file a third larger.
func fastDeflate(w io.Writer) (io.WriteCloser, error) {
	if fw, ok := flatePool.Get().(*flate.Writer); ok {
		fw.Reset(w)
		return pooledFlate{fw}, nil
	}
	fw, err := flate.NewWriter(w, flate.BestSpeed)
	return pooledFlate{fw}, err
}

var flatePool sync.Pool

type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flatePool.Put(p.Writer)
	return err
}

func (z *sortedZip) AddFS(fs.FS) error {
	return errors.New("xlsx: adding a file system is not supported")
}

func (z *sortedZip) Close() error {
	if n := len(z.parts); n > 0 {
		if err := z.parts[n-1].zw.Close(); err != nil {
			return err
		}
	}
	sort.SliceStable(z.parts, func(i, j int) bool { return z.parts[i].name < z.parts[j].name })
	out := zip.NewWriter(z.w)
	for _, p := range z.parts {
		r, err := zip.NewReader(bytes.NewReader(p.buf.Bytes()), int64(p.buf.Len()))
		if err != nil {
			return err
		}
		for _, f := range r.File {
			if err := out.Copy(f); err != nil {
				return err
			}
		}
		p.buf = bytes.Buffer{}
	}
	return out.Close()
}

func fillSheet(L labels, f *excelize.File, s sheet, header int, fmtStyle map[tabular.Kind]int) error {
	t := s.Table
	widths := make([]int, len(t.Columns))
	for j, c := range t.Columns {
		cell, _ := excelize.CoordinatesToCellName(j+1, 1)
		name := L.or("xlsx."+c.Name, c.Name)
		if err := f.SetCellStr(s.Name, cell, name); err != nil {
			return err
		}
		widths[j] = tabular.DisplayWidth(name)
	}
	for i, row := range t.Rows {
		for j, c := range t.Columns {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			text := tabular.Machine(c.Kind, row[j])
			switch c.Name {
			case "status":
				text = L.or("status."+text, text)
			case "note":
				text = noteIn(L, text)
			}
			shown := tabular.Human(c.Kind, row[j])
			if c.Kind == tabular.Text {
				shown = text
			}
			widths[j] = max(widths[j], tabular.DisplayWidth(shown))
			if text == "" {
				continue
			}
			var err error
			switch c.Kind {
			case tabular.Int:
				var n int64
				n, err = strconv.ParseInt(text, 10, 64)
				if err == nil {
					err = f.SetCellInt(s.Name, cell, n)
				}
			case tabular.Rate, tabular.Points, tabular.Score, tabular.Fraction, tabular.Num:
				var x float64
				x, err = strconv.ParseFloat(text, 64)
				if err == nil {
					err = f.SetCellFloat(s.Name, cell, x, -1, 64)
				}
				if id, ok := fmtStyle[c.Kind]; ok && err == nil {
					err = f.SetCellStyle(s.Name, cell, cell, id)
				}
			case tabular.Bool:
				err = f.SetCellBool(s.Name, cell, text == "true")
			default:
				err = f.SetCellStr(s.Name, cell, text)
			}
			if err != nil {
				return err
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(t.Columns), 1)
	if err := f.SetCellStyle(s.Name, "A1", last, header); err != nil {
		return err
	}
	for j, w := range widths {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetColWidth(s.Name, col, col, float64(min(max(w, 6), 60)+2)); err != nil {
			return err
		}
	}
	return f.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
}

// noteIn is the part of a bilingual note ("中文 / English") in the language of L.
func noteIn(L labels, note string) string {
	zh, en, ok := strings.Cut(note, " / ")
	if !ok {
		return note
	}
	if L["sep"] == "、" {
		return zh
	}
	return en
}
