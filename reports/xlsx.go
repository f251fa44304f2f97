package reports

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// sheet is one worksheet: a name and a table.
type sheet struct {
	Name  string
	Table *tabular.Table
}

// writeXLSX lays tables out as a workbook: a styled, frozen header row, column widths
// from the content, rates as percentages. Text cells are always strings, so a name such
// as "=HYPERLINK(...)" stays text. Numbers carry exactly the values of the CSV. The
// document properties are dated at created, the data's snapshot time.
func writeXLSX(sheets []sheet, title string, created time.Time) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	stamp := created.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "zhuqi", LastModifiedBy: "zhuqi", Title: title, Created: stamp, Modified: stamp}); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"781919"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	fmtStyle := map[tabular.Kind]int{}
	// In a fixed order: style ids are part of the file's bytes.
	for _, nf := range []struct {
		kind tabular.Kind
		code string
	}{{tabular.Rate, "0.0%"}, {tabular.Points, "+0.0%;-0.0%;0.0%"}, {tabular.Score, "0.00"}, {tabular.Fraction, "0.000"}} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &nf.code})
		if err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		fmtStyle[nf.kind] = id
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return nil, fmt.Errorf("xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		if err := fillSheet(f, s, header, fmtStyle); err != nil {
			return nil, fmt.Errorf("xlsx sheet %s: %w", s.Name, err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

func fillSheet(f *excelize.File, s sheet, header int, fmtStyle map[tabular.Kind]int) error {
	t := s.Table
	widths := make([]int, len(t.Columns))
	for j, c := range t.Columns {
		cell, _ := excelize.CoordinatesToCellName(j+1, 1)
		if err := f.SetCellStr(s.Name, cell, c.Name); err != nil {
			return err
		}
		widths[j] = tabular.DisplayWidth(c.Name)
	}
	for i, row := range t.Rows {
		for j, c := range t.Columns {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			text := tabular.Machine(c.Kind, row[j])
			widths[j] = max(widths[j], tabular.DisplayWidth(tabular.Human(c.Kind, row[j])))
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
