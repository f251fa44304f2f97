package pipeline

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var (
	emptyOnce sync.Once
	emptyDB   []byte
	emptyErr  error
)

// emptyStore returns the bytes of a store that Open has just created (schema applied, no
// rows), made once per test binary: copying it is ten times quicker than creating one.
func emptyStore() ([]byte, error) {
	emptyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zhuqi-empty-")
		if err != nil {
			emptyErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "zhuqi.duckdb")
		s, err := openStore(context.Background(), path)
		if err != nil {
			emptyErr = err
			return
		}
		if emptyErr = s.Close(); emptyErr == nil {
			emptyDB, emptyErr = os.ReadFile(path)
		}
	})
	return emptyDB, emptyErr
}

// MustOpenStore opens a store in a fresh file under tb's temporary directory: a copy of
// an empty store, which Open finds with its schema up to date.
func MustOpenStore(tb testing.TB) *target {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "zhuqi.duckdb")
	b, err := emptyStore()
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		tb.Fatal(err)
	}
	s, err := openStore(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	s.Now = func() time.Time { return time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC) }
	tb.Cleanup(func() { s.Close() })
	return s
}

// openStore opens the database at path for ingest.
func openStore(ctx context.Context, path string) (*target, error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return &target{Store: st}, nil
}

// mustIngest ingests path with the default configuration and fails tb on error.
func mustIngest(tb testing.TB, s *target, path string, opt Options) *Report {
	tb.Helper()
	rep, err := s.Ingest(context.Background(), zhuqi.Default(), path, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

// creditCode completes a 17-character prefix with its GB 32100-2015 check character.
func creditCode(prefix string) string {
	return prefix + string(zhuqi.DefaultCells().CreditCheck(prefix))
}

var goodCode = creditCode("91370700MA3C8H1P2")

// messyHeader and messyRows are the fixture for DOMAIN §1.3: every bad-input rule once,
// next to good rows. Row numbers below count the header as row 1.
var messyHeader = []string{"诉求编号", "企业名称", "统一社会信用代码", "县市区", "诉求类别", "提报时间", "答复时间", "办结时间", "办理状态", "办理结果", "企业评价", "是否当场办结", "涉及金额(万元)", "备注"}

var messyRows = [][]string{
	{"T001", "潍坊华星机械有限公司", goodCode, "奎文区", "融资", "2026-10-03 14:05", "2026-10-05 09:00", "2026-10-08 16:00", "已办结", "已解决", "满意", "否", "120.5", "重点企业"}, // 2 ok
	{"T002", "潍坊裕丰食品有限公司", "", "潍城区", "用地", "2026年10月8日 9时30分", "", "2026/10/9 17:00", "已评价", "", "基本满意", "是", "", ""},                                  // 3 ok, Chinese date form
	{"T003", "", "", "奎文区", "环保", "2026-10-09 10:00", "", "", "办理中", "", "", "", "", ""},                                                                // 4 missing_required
	{"T004", "潍坊晨光纺织有限公司", "", "寒亭区", "用工", "上周三", "", "", "办理中", "", "", "", "", ""},                                                                   // 5 bad_timestamp
	{"T005", "潍坊金诺化工有限公司", "", "坊子区", "审批服务", "2026-10-10 11:00", "", "", "处理完毕", "", "", "", "", ""},                                                   // 6 unknown_enum
	{"T001", "潍坊华星机械有限公司", goodCode, "奎文区", "融资", "2026-10-03 14:05", "", "", "已交办", "", "", "", "", ""},                                                // 7 duplicate_id
	{"T006", "潍坊东方电子有限公司", "", "高新区", "政策落实", "2026-10-12 08:45", "待定", "", "已答复", "", "", "", "", ""},                                                  // 8 ok, warning bad_optional
	{"T007", "潍坊新锐科技有限公司", "91370700MA3C8H1P2X", "高新区", "降本增效", "2026-10-13 15:00", "", "", "已交办", "", "", "", "", ""},                                  // 9 ok, warning bad_credit_code
	{"T008", "潍坊鸿运物流有限公司", "", "青州市", "其他", "2026-10-14 10:00", "", "2026-10-01 10:00", "已办结", "已解决", "", "", "", ""},                                   // 10 ok, warning resolved_before_created
	{"T009", "潍坊博远医药有限公司", "", "诸城市", "知识产权", "2026-10-15 10:00", "", "", "待交办", "", "", "", "", ""},                                                    // 11 ok, warning unknown_category
	{"T010", "潍坊天工铸造有限公司", "", "寿光市", "贷款融资", "2026-10-16 10:00", "", "", "已交办", "", "", "", "约5万", ""},                                                 // 12 ok, warning bad_amount
	{"T011", "潍坊润泽农业有限公司", "", "安丘市", "用电用气用水", "2026-10-17 10:00", "", "2026-10-18 10:00", "已办结", "已解决", "非常好", "", "", ""},                            // 13 unknown_enum (optional enum)
}

// messyRejects are the rows of messyRows that must be rejected, by row number (header = 1).
var messyRejects = map[int64]string{4: "missing_required", 5: "bad_timestamp", 6: "unknown_enum", 7: "duplicate_id", 13: "unknown_enum"}

// messyWarnings are the warnings the loaded rows must carry, by row number.
var messyWarnings = map[int64]string{8: "bad_optional", 9: "bad_credit_code", 10: "resolved_before_created", 11: "unknown_category", 12: "bad_amount"}

var messyLoaded = []string{"T001", "T002", "T006", "T007", "T008", "T009", "T010"}

func csvBytes(tb testing.TB, header []string, rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func gbk(tb testing.TB, b []byte) []byte {
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(b)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// writeXLSX writes header and rows with excelize under a title row, with created_at
// (提报时间) as real Excel date cells, so that the file stores serial numbers.
func writeXLSX(tb testing.TB, path string, header []string, rows [][]string) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "诉求台账"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		tb.Fatal(err)
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
	sw.SetRow("A1", []any{"2026年10月企业诉求台账"})
	hdr := make([]any, len(header))
	created := -1
	for i, h := range header {
		hdr[i] = h
		if h == "提报时间" {
			created = i
		}
	}
	sw.SetRow("A2", hdr)
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = v
			if i == created {
				if t, err := time.Parse("2006-01-02 15:04", v); err == nil {
					cells[i] = excelize.Cell{StyleID: dateStyle, Value: t}
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+3)
		if err := sw.SetRow(cell, cells); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
}

func jsonlBytes(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		b.WriteByte('{')
		for i, h := range header {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(h)
			v, _ := json.Marshal(r[i])
			b.Write(k)
			b.WriteByte(':')
			b.Write(v)
		}
		b.WriteString("}\n")
	}
	return b.Bytes()
}

// fingerprint summarises every table's content, to show that a failed ingest left the
// database exactly as it was.
func fingerprint(tb testing.TB, s *target) string {
	tb.Helper()
	var out []string
	for _, t := range []string{"ingests", "rejects", "warnings", "ticket_versions", "target_rows", "actual_rows", "benchmark_rows", "deduction_rows"} {
		var n int64
		var h string
		if err := s.DB.QueryRow(fmt.Sprintf("SELECT count(*), coalesce(CAST(sum(hash(t::VARCHAR)) AS VARCHAR), '') FROM %s t", t)).Scan(&n, &h); err != nil {
			tb.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d/%s", t, n, h))
	}
	return strings.Join(out, " ")
}

// queryStrings runs q and returns its rows, each column as text joined by "|".
func queryStrings(tb testing.TB, s *target, q string, args ...any) []string {
	tb.Helper()
	rows, err := s.DB.Query(q, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]*string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			if v == nil {
				parts[i] = "NULL"
			} else {
				parts[i] = *v
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}
