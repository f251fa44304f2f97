package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// TestIngest_BadRows checks every row rule of DOMAIN §1.3 on real files of every format:
// the bad row is in rejects with a reason that says how to fix it, the rest loads.
func TestIngest_BadRows(t *testing.T) {
	dir := t.TempDir()
	utf8BOM := append([]byte("\ufeff"), csvBytes(t, messyHeader, messyRows)...)
	gbkHeader := append([]string(nil), messyHeader...)
	gbkHeader[0], gbkHeader[3], gbkHeader[5], gbkHeader[8] = "工单编号", "所属县区", "受理时间", "状态"

	cases := []struct {
		name   string
		path   func() string
		shift  int64 // row numbers move down by this much (a title row above the header)
		format string
		enc    string
	}{
		{"CSV_UTF8_BOM", func() string { return writeFile(t, dir, "bom_2026-10-31.csv", utf8BOM) }, 0, "csv", "utf-8"},
		{"CSV_GBK", func() string {
			return writeFile(t, dir, "gbk_2026-10-31.csv", gbk(t, csvBytes(t, gbkHeader, messyRows)))
		}, 0, "csv", "gb18030"},
		{"XLSX_TitleRow_SerialDates_FullWidthHeader", func() string {
			h := append([]string(nil), messyHeader...)
			h[12] = "涉及金额（万元）"
			p := filepath.Join(dir, "x_2026-10-31.xlsx")
			writeXLSX(t, p, h, messyRows)
			return p
		}, 1, "xlsx", ""},
		{"JSONL", func() string { return writeFile(t, dir, "j_2026-10-31.jsonl", jsonlBytes(messyHeader, messyRows)) }, -1, "jsonl", "utf-8"},
		{"Parquet", func() string {
			src := writeFile(t, dir, "p_src.csv", csvBytes(t, messyHeader, messyRows))
			p := filepath.Join(dir, "p_2026-10-31.parquet")
			st := MustOpenStore(t)
			if _, err := st.DB.Exec(fmt.Sprintf("COPY (SELECT * FROM read_csv(%s, all_varchar = true)) TO %s (FORMAT parquet)", sqlString(src), sqlString(p))); err != nil {
				t.Fatal(err)
			}
			return p
		}, -1, "parquet", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := MustOpenStore(t)
			rep := mustIngest(t, s, tc.path(), Options{})
			if got, want := rep.Format, tc.format; got != want {
				t.Errorf("format = %q, want %q", got, want)
			}
			if got, want := rep.Encoding, tc.enc; got != want {
				t.Errorf("encoding = %q, want %q", got, want)
			}
			if got, want := rep.Read, int64(len(messyRows)); got != want {
				t.Errorf("read = %d, want %d", got, want)
			}
			if got, want := rep.Loaded, int64(len(messyLoaded)); got != want {
				t.Errorf("loaded = %d, want %d", got, want)
			}
			if got, want := rep.Rejected, int64(len(messyRejects)); got != want {
				t.Errorf("rejected = %d, want %d", got, want)
			}
			got := queryStrings(t, s, "SELECT row_number, code FROM rejects ORDER BY row_number")
			var want []string
			for _, r := range sortedKeys(messyRejects) {
				want = append(want, fmt.Sprintf("%d|%s", r+tc.shift, messyRejects[r]))
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("rejects = %v, want %v", got, want)
			}
			gotW := queryStrings(t, s, "SELECT row_number, code FROM warnings ORDER BY row_number")
			var wantW []string
			for _, r := range sortedKeys(messyWarnings) {
				wantW = append(wantW, fmt.Sprintf("%d|%s", r+tc.shift, messyWarnings[r]))
			}
			if strings.Join(gotW, " ") != strings.Join(wantW, " ") {
				t.Errorf("warnings = %v, want %v", gotW, wantW)
			}
			ids := queryStrings(t, s, "SELECT ticket_id FROM tickets ORDER BY ticket_id")
			if got, want := strings.Join(ids, ","), strings.Join(messyLoaded, ","); got != want {
				t.Errorf("tickets = %s, want %s", got, want)
			}
			// Every reason names the column in Chinese and English, or the row it repeats, and says what to do.
			for _, r := range queryStrings(t, s, "SELECT code, reason FROM rejects") {
				code, reason, _ := strings.Cut(r, "|")
				if !strings.Contains(reason, "请") {
					t.Errorf("%s reason gives no fix: %s", code, reason)
				}
				if code != "duplicate_id" && !strings.Contains(reason, ")") {
					t.Errorf("%s reason names no column: %s", code, reason)
				}
			}
			// Nothing is lost: the raw row keeps the original text.
			raw := queryStrings(t, s, "SELECT raw::VARCHAR FROM rejects WHERE code = 'bad_timestamp'")
			if len(raw) != 1 || !strings.Contains(raw[0], "上周三") || !strings.Contains(raw[0], "潍坊晨光纺织有限公司") {
				t.Errorf("raw row = %v", raw)
			}
			dupReason := queryStrings(t, s, "SELECT reason FROM rejects WHERE code = 'duplicate_id'")
			if len(dupReason) != 1 || !strings.Contains(dupReason[0], fmt.Sprintf("第%d行", 2+tc.shift)) {
				t.Errorf("duplicate reason = %v, want it to name the first row", dupReason)
			}
			// Parsed values: a Chinese date form, a full-width header, an Excel serial date.
			vals := queryStrings(t, s, "SELECT strftime(created_at, '%Y-%m-%d %H:%M'), category, amount::VARCHAR, on_site, satisfaction, outcome FROM tickets WHERE ticket_id IN ('T001', 'T002', 'T009') ORDER BY ticket_id")
			wantVals := []string{"2026-10-03 14:05|贷款融资|120.5000|false|satisfied|resolved", "2026-10-08 09:30|用地|NULL|true|basic|unknown", "2026-10-15 10:00|知识产权|NULL|false|unrated|unknown"}
			if strings.Join(vals, " ") != strings.Join(wantVals, " ") {
				t.Errorf("values = %v\nwant %v", vals, wantVals)
			}
			// Warned fields are NULL, the original kept in warnings.
			nulls := queryStrings(t, s, "SELECT ticket_id, responded_at, credit_code, resolved_at, amount::VARCHAR FROM tickets WHERE ticket_id IN ('T006','T007','T008','T010') ORDER BY 1")
			if got, want := strings.Join(nulls, " "), "T006|NULL|NULL|NULL|NULL T007|NULL|NULL|NULL|NULL T008|NULL|NULL|NULL|NULL T010|NULL|NULL|NULL|NULL"; got != want {
				t.Errorf("warned fields = %s, want %s", got, want)
			}
			kept := queryStrings(t, s, "SELECT value FROM warnings WHERE code = 'bad_amount'")
			if len(kept) != 1 || kept[0] != "约5万" {
				t.Errorf("warning keeps %v, want 约5万", kept)
			}
			if tc.format != "parquet" && tc.format != "jsonl" {
				extra := queryStrings(t, s, "SELECT extra->>'备注' FROM tickets WHERE ticket_id = 'T001'")
				if len(extra) != 1 || extra[0] != "重点企业" {
					t.Errorf("unknown column kept as %v, want 重点企业", extra)
				}
			}
		})
	}
}

func sortedKeys(m map[int64]string) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestIngest_MissingColumn: a file without a required column fails, names the column in
// Chinese and English, and loads nothing.
func TestIngest_MissingColumn(t *testing.T) {
	dir := t.TempDir()
	var h []string
	var rows [][]string
	for i, c := range messyHeader {
		if c == "企业名称" {
			continue
		}
		h = append(h, c)
		_ = i
	}
	for _, r := range messyRows {
		rows = append(rows, append(append([]string(nil), r[:1]...), r[2:]...))
	}
	for _, name := range []string{"m.csv", "m.xlsx"} {
		t.Run(name, func(t *testing.T) {
			s := MustOpenStore(t)
			p := filepath.Join(dir, name)
			if strings.HasSuffix(name, ".xlsx") {
				writeXLSX(t, p, h, rows)
			} else {
				writeFile(t, dir, name, csvBytes(t, h, rows))
			}
			before := fingerprint(t, s)
			_, err := s.Ingest(context.Background(), zhuqi.Default(), p, Options{})
			var mc *MissingColumnsError
			if !errors.As(err, &mc) || !errors.Is(err, ErrFileUnreadable) {
				t.Fatalf("err = %v, want a MissingColumnsError", err)
			}
			for _, want := range []string{name, "「企业名称」(enterprise)", "企业名称, 企业, enterprise, company"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if got := fingerprint(t, s); got != before {
				t.Errorf("database changed:\n%s\n%s", before, got)
			}
		})
	}
}
