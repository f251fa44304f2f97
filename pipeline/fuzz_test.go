package pipeline

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// scanCSV runs csvScanner over b fed in two chunks cut at cut.
func scanCSV(b []byte, cut int, delim byte) (*csvScanner, error) {
	s := &csvScanner{delim: delim, maxLine: 1 << 20, simple: true}
	cut = min(cut, len(b))
	if err := s.feed(b[:cut]); err != nil {
		return s, err
	}
	if err := s.feed(b[cut:]); err != nil {
		return s, err
	}
	return s, s.finish()
}

// FuzzCSVScanner: the record scanner gives the same answer however the bytes are cut
// into chunks, and when it calls a file simple (one record per line, the header's field
// count) encoding/csv reads that many records of that many fields from it.
func FuzzCSVScanner(f *testing.F) {
	f.Add([]byte(strings.Join(messyHeader, ",")+"\nT1,潍坊,\"a,b\",x\n"), 5)
	f.Add([]byte("a,b\n1,2\r\n\"3\",\"4\"\"x\"\n"), 3)
	f.Add([]byte("a,b\n\"1\n2\",3\n\n4,5"), 9)
	f.Add([]byte("a;b\n1;\"2\"x\n"), 0)
	f.Fuzz(func(t *testing.T, b []byte, cut int) {
		if cut < 0 {
			cut = -cut
		}
		delim := sniffDelim(b)
		whole, err1 := scanCSV(b, len(b), delim)
		cutS, err2 := scanCSV(b, cut, delim)
		if (err1 == nil) != (err2 == nil) || whole.records != cutS.records || whole.simple != cutS.simple || whole.header != cutS.header {
			t.Fatalf("cut at %d: records %d/%d simple %v/%v header %d/%d err %v/%v", cut, whole.records, cutS.records, whole.simple, cutS.simple, whole.header, cutS.header, err1, err2)
		}
		if err1 != nil || !whole.simple || whole.records == 0 || bytes.IndexByte(b, '\r') >= 0 {
			return
		}
		r := csv.NewReader(bytes.NewReader(b))
		r.Comma = rune(delim)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			return // encoding/csv is stricter about quotes (LazyQuotes off)
		}
		if int64(len(recs)) != whole.records {
			t.Fatalf("simple with %d records, encoding/csv reads %d", whole.records, len(recs))
		}
		for i, rec := range recs {
			if len(rec) != whole.header {
				t.Fatalf("record %d has %d fields, the header %d", i+1, len(rec), whole.header)
			}
			if line, _ := r.FieldPos(0); i == len(recs)-1 && int64(line) != whole.records {
				t.Fatalf("last record on line %d, want %d", line, whole.records)
			}
		}
	})
}

// FuzzHeader: whatever the header rows, the matcher does not panic; a header it takes has
// every required column of its kind, each from a column of the row, no column twice, no
// repeated header and no more than maxColumns; DetectKind agrees with an explicit kind.
func FuzzHeader(f *testing.F) {
	f.Add(strings.Join(messyHeader, "\t"), "2026年10月诉求台账")
	f.Add("主体类型\t主体名称\t指标\t年度\t目标值\t单位", "")
	f.Add("entity_type\tentity\tmetric\tmonth\tvalue\tyear\ttarget", "x")
	f.Add("诉求编号\t企业名称\t企业名称\t县市区", "")
	f.Add("ＩＤ\t Enterprise \tregion\tcategory\tcreated_at\tstatus", "")
	cfg := zhuqi.Default()
	f.Fuzz(func(t *testing.T, header, title string) {
		rows := [][]string{strings.Split(title, "\t"), strings.Split(header, "\t")}
		m, at, err := findHeader(cfg, "", "f.csv", rows)
		if err != nil {
			return
		}
		row := rows[at]
		if len(row) > maxColumns || len(m.missing()) > 0 || m.Repeated[1] != 0 {
			t.Fatalf("took %q as a %s header: missing %v repeated %v", row, m.Kind, m.missing(), m.Repeated)
		}
		seen := map[int]bool{}
		for name, i := range m.Source {
			if i < 0 || i >= len(row) || seen[i] {
				t.Fatalf("column %s from index %d of %d", name, i, len(row))
			}
			seen[i] = true
			if !containsFolded(cfg.AliasesOf(m.Kind, name), row[i]) {
				t.Fatalf("%q is not a header of %s", row[i], name)
			}
		}
		k, err := DetectKind(cfg, "f.csv", rows)
		if err != nil || k != m.Kind {
			t.Fatalf("DetectKind = %q, %v; findHeader %q", k, err, m.Kind)
		}
		if _, _, err := findHeader(cfg, m.Kind, "f.csv", rows); err != nil {
			t.Fatalf("as --kind %s: %v", m.Kind, err)
		}
	})
}

func containsFolded(names []string, h string) bool {
	for _, n := range names {
		if zhuqi.Fold(n) == zhuqi.Fold(h) {
			return true
		}
	}
	return false
}
