package reports

import (
	"archive/zip"
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// TestEvidenceSheet_Capped: an evidence sheet past its limit holds its first rows as a
// filtered table, then a note naming the full count and the CSV.
func TestEvidenceSheet_Capped(t *testing.T) {
	L, err := lang("zh")
	if err != nil {
		t.Fatal(err)
	}
	cols := []tabular.Column{tabular.Col("ticket_id", tabular.Text), tabular.Col("counted", tabular.Int), tabular.Col("rating_weight", tabular.Num)}
	f, err := newWorkbook(L, []sheet{{Name: "departments", Table: &tabular.Table{Columns: cols}}}, "t", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := newEvidenceSheet(L, f, "明细", "evidence_departments", cols)
	if err != nil {
		t.Fatal(err)
	}
	s.limit = 3
	for i := 1; i <= 5; i++ {
		id, w := fmt.Sprintf("T%d", i), 0.5
		if err := s.add([]any{id, int64(1), &w}, []string{id, "1", "0.5"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.close(L.t("ev.truncated", s.limit, s.rows, "ranking-evidence-departments-2026-10-v1.csv")); err != nil {
		t.Fatal(err)
	}
	x, err := saveWorkbook(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rows, err := g.GetRows("明细")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows[1:] {
		if len(r) > 0 {
			ids = append(ids, r[0])
		}
	}
	want := []string{"T1", "T2", "T3", "本表只列出前 3 行（共 5 行），完整明细见 ranking-evidence-departments-2026-10-v1.csv。"}
	if strings.Join(ids, "|") != strings.Join(want, "|") || len(rows) != 6 {
		t.Errorf("sheet rows %q, want %q with the note on row 6", rows, want)
	}
	tables, err := g.GetTables("明细")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0].Range != "A1:C4" {
		t.Errorf("tables %+v, want one over A1:C4", tables)
	}
	if v, _ := g.GetCellValue("明细", "B2"); v != "1" {
		t.Errorf("B2 %q, want 1", v)
	}
	if v, _ := g.GetCellValue("明细", "C4"); v != "0.5" {
		t.Errorf("C4 %q, want 0.5", v)
	}
}

// TestSaveWorkbook_SameBytes: a workbook with streamed sheets (which excelize zips in a
// map's order) gives the same bytes every time, its parts in the order of their names.
func TestSaveWorkbook_SameBytes(t *testing.T) {
	L, err := lang("zh")
	if err != nil {
		t.Fatal(err)
	}
	cols := []tabular.Column{tabular.Col("ticket_id", tabular.Text), tabular.Col("counted", tabular.Int)}
	build := func() []byte {
		f, err := newWorkbook(L, []sheet{{Name: "departments", Table: &tabular.Table{Columns: cols}}}, "t", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for i, kind := range []string{"departments", "regions", "cadres", "extra"} {
			s, err := newEvidenceSheet(L, f, "evidence-"+kind, "evidence_"+kind, cols)
			if err != nil {
				t.Fatal(err)
			}
			id := fmt.Sprint("T", i)
			if err := s.add([]any{id, int64(1)}, []string{id, "1"}); err != nil {
				t.Fatal(err)
			}
			if err := s.close(""); err != nil {
				t.Fatal(err)
			}
		}
		x, err := saveWorkbook(f)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	first := build()
	for i := 0; i < 10; i++ {
		if !bytes.Equal(build(), first) {
			t.Fatalf("workbook %d differs from the first", i+2)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !sort.StringsAreSorted(names) || len(names) < 10 {
		t.Errorf("parts %q, want them sorted by name", names)
	}
}
