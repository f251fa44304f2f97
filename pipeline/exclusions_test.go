package pipeline

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
)

// TestIngest_Exclusions checks the bad-input rules of exclusions (DOMAIN §1.3, §1.4) on
// real CSV and XLSX files: an unknown ticket id, an unknown scope, a missing doc_no (and
// the common rules) are rejected with a reason that says how to fix it; every other row
// loads, its scope label mapped to all, satisfaction or timeliness.
func TestIngest_Exclusions(t *testing.T) {
	header := []string{"诉求编号", "剔除范围", "剔除原因", "审核单位", "审核时间", "文号", "备注"}
	rows := [][]string{
		{"T001", "全部", "重复诉求", "市营商办", "2026-10-20 10:00", "营商办〔2026〕12号", "a"},          // 2 ok: all
		{"T002", "满意度", "无理诉求", "市营商办", "2026/10/21", "营商办〔2026〕13号", ""},                // 3 ok: satisfaction
		{"T006", "timeliness", "不属于本部门职责", "", "2026年10月22日 09时00分", "营商办〔2026〕14号", ""}, // 4 ok: timeliness
		{"T999", "全部", "重复诉求", "市营商办", "2026-10-20", "营商办〔2026〕15号", ""},                 // 5 unknown ticket
		{"T002", "部分", "重复诉求", "市营商办", "2026-10-20", "营商办〔2026〕16号", ""},                 // 6 unknown scope
		{"T002", "时效", "重复诉求", "市营商办", "2026-10-20", "", ""},                             // 7 missing doc_no
		{"T006", "时效", "重复诉求", "市营商办", "2026-10-23", "营商办〔2026〕17号", ""},                 // 8 repeats row 4's key
		{"T001", "时效", "重复诉求", "市营商办", "下周", "营商办〔2026〕18号", ""},                         // 9 bad approved_at
		{"T001", "满意度", "", "市营商办", "2026-10-20", "营商办〔2026〕19号", ""},                    // 10 missing reason
	}
	wantRejects := map[int64]string{
		5: "unknown_ticket", 6: "unknown_enum", 7: "missing_required", 8: "duplicate_id", 9: "bad_timestamp", 10: "missing_required",
	}
	wantReason := map[int64]string{
		5: "诉求编号「T999」不在已导入的诉求台账中", 6: "「剔除范围」(scope)的值「部分」不是可选值", 7: "「文号」(doc_no)为空",
		8: "与本文件第%d行重复", 9: "「审核时间」(approved_at)的值「下周」无法识别", 10: "「剔除原因」(reason)为空",
	}
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(strings.ToUpper(format), func(t *testing.T) {
			dir := t.TempDir()
			s := MustOpenStore(t)
			mustIngest(t, s, writeFile(t, dir, "t_2026-10-31.csv", csvBytes(t, messyHeader, messyRows)), Options{})
			path := filepath.Join(dir, "exclusions."+format)
			if format == "csv" {
				writeFile(t, dir, "exclusions.csv", csvBytes(t, header, rows))
			} else {
				writeXLSX(t, path, header, rows)
			}
			rep := mustIngest(t, s, path, Options{Kind: zhuqi.KindExclusions, AsOf: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)})
			shift := int64(0)
			if format == "xlsx" {
				shift = 1 // writeXLSX puts a title row above the header
			}
			if got, want := rep.Read, int64(len(rows)); got != want {
				t.Errorf("read = %d, want %d", got, want)
			}
			if got, want := rep.Loaded, int64(len(rows)-len(wantRejects)); got != want {
				t.Errorf("loaded = %d, want %d", got, want)
			}
			got := queryStrings(t, s, "SELECT row_number, code FROM rejects WHERE ingest_id = ? ORDER BY row_number", rep.IngestID)
			var want []string
			for _, r := range sortedKeys(wantRejects) {
				want = append(want, strings.Join([]string{itoa(r + shift), wantRejects[r]}, "|"))
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("rejects = %v, want %v", got, want)
			}
			for r, frag := range wantReason {
				if strings.Contains(frag, "%d") {
					frag = fmt.Sprintf(frag, 4+shift)
				}
				reasons := queryStrings(t, s, "SELECT reason FROM rejects WHERE ingest_id = ? AND row_number = ?", rep.IngestID, r+shift)
				if len(reasons) != 1 || !strings.Contains(reasons[0], frag) {
					t.Errorf("row %d: reason %q, want it to contain %q", r, reasons, frag)
				}
			}
			raw := queryStrings(t, s, "SELECT raw->>'文号' FROM rejects WHERE code = 'unknown_ticket'")
			if len(raw) != 1 || raw[0] != "营商办〔2026〕15号" {
				t.Errorf("raw row of the unknown ticket = %v: the row must be kept as read", raw)
			}
			loaded := queryStrings(t, s, "SELECT ticket_id, scope, doc_no, strftime(approved_at, '%Y-%m-%d %H:%M'), coalesce(approved_by, '') FROM exclusions ORDER BY row_number")
			wantLoaded := []string{
				"T001|all|营商办〔2026〕12号|2026-10-20 10:00|市营商办",
				"T002|satisfaction|营商办〔2026〕13号|2026-10-21 00:00|市营商办",
				"T006|timeliness|营商办〔2026〕14号|2026-10-22 09:00|",
			}
			if strings.Join(loaded, " ") != strings.Join(wantLoaded, " ") {
				t.Errorf("exclusions = %v, want %v", loaded, wantLoaded)
			}
			if n := queryStrings(t, s, "SELECT count(*) FROM ticket_versions"); n[0] != itoa(int64(len(messyLoaded))) {
				t.Errorf("ticket versions = %v after ingesting exclusions, want %d: an exclusion never edits a ticket", n, len(messyLoaded))
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
