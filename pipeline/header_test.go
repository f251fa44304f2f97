package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// kindFiles are a small file of every kind, with the header its office would write.
var kindFiles = map[zhuqi.Kind]string{
	zhuqi.KindTargets:    "主体类型,主体名称,指标,年度,目标值,单位\nenterprise,潍坊华星机械有限公司,revenue,2026,1200,万元\n",
	zhuqi.KindActuals:    "entity_type,entity,metric,month,value\nenterprise,潍坊华星机械有限公司,revenue,2026-10,95\n",
	zhuqi.KindBenchmarks: "指标,适用主体类型,月份,累计同比增速\nrevenue,enterprise,2026-10,5.2\n",
	zhuqi.KindDeductions: "部门,月份,扣分,扣分原因\n市发改委,2026-10,2,逾期答复\n",
	zhuqi.KindExclusions: "诉求编号,剔除范围,剔除原因,审核单位,审核时间,文号\nT001,全部,重复诉求,市优化营商环境工作专班,2026-10-29 16:00,营商办〔2026〕31号\n",
}

// TestIngest_KindFromHeader: a file given without a kind is recognised by its header
// (DOMAIN §1.4) and loads as that kind.
func TestIngest_KindFromHeader(t *testing.T) {
	files := map[zhuqi.Kind][]byte{zhuqi.KindTickets: csvBytes(t, messyHeader, messyRows[:2])}
	for k, body := range kindFiles {
		files[k] = []byte(body)
	}
	for _, kind := range zhuqi.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := MustOpenStore(t)
			if kind == zhuqi.KindExclusions {
				// An exclusion names a ticket that must exist.
				mustIngest(t, s, writeFile(t, t.TempDir(), "tickets_2026-10-30.csv", files[zhuqi.KindTickets]), Options{Kind: zhuqi.KindTickets})
			}
			p := writeFile(t, t.TempDir(), string(kind)+"_2026-10-31.csv", files[kind])
			rep := mustIngest(t, s, p, Options{})
			if rep.Kind != string(kind) || rep.Loaded == 0 || rep.Rejected != 0 {
				t.Errorf("kind %q loaded %d rejected %d, want %q loaded", rep.Kind, rep.Loaded, rep.Rejected, kind)
			}
			if got := queryStrings(t, s, "SELECT kind FROM ingests ORDER BY ingest_id DESC LIMIT 1"); len(got) != 1 || got[0] != string(kind) {
				t.Errorf("ledger kind = %v", got)
			}
			again := mustIngest(t, s, p, Options{})
			if !again.Duplicate || again.Kind != string(kind) {
				t.Errorf("again: duplicate %v kind %q", again.Duplicate, again.Kind)
			}
		})
	}
}

// TestIngest_WrongKindSuggested: the error for a file given the wrong --kind shows the
// header row actually read, lists accepted headers once each, and suggests the kind.
func TestIngest_WrongKindSuggested(t *testing.T) {
	s := MustOpenStore(t)
	p := writeFile(t, t.TempDir(), "targets.csv", []byte(kindFiles[zhuqi.KindTargets]))
	before := fingerprint(t, s)
	_, err := s.Ingest(context.Background(), zhuqi.Default(), p, Options{Kind: zhuqi.KindTickets})
	var mc *MissingColumnsError
	if !errors.As(err, &mc) || !errors.Is(err, ErrFileUnreadable) {
		t.Fatalf("err = %v, want a MissingColumnsError", err)
	}
	t.Log(err)
	msg := err.Error()
	for _, want := range []string{"--kind targets", "header row read (row 1): 主体类型, 主体名称, 指标, 年度, 目标值, 单位", "ticket_id: 诉求编号, 工单编号, 问题编号, 编号, ticket_id, id\n"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q", want)
		}
	}
	if strings.Contains(msg, "潍坊华星") {
		t.Errorf("error shows a data row as the header")
	}
	if got := fingerprint(t, s); got != before {
		t.Errorf("database changed")
	}
}

func TestDetectKind(t *testing.T) {
	cfg := zhuqi.Default()
	title := []string{"2026年10月诉求台账"}
	got, err := DetectKind(cfg, "t.csv", [][]string{title, messyHeader})
	if err != nil || got != zhuqi.KindTickets {
		t.Errorf("tickets under a title row: %q, %v", got, err)
	}
	_, err = DetectKind(cfg, "x.csv", [][]string{{"a", "b"}, {"1", "2"}})
	var mc *MissingColumnsError
	if !errors.As(err, &mc) || mc.Kind != zhuqi.KindTickets {
		t.Errorf("unknown header: %v", err)
	}
	// The union of two kinds' headers is of no one kind.
	both := []string{"entity_type", "entity", "metric", "month", "value", "year", "target"}
	if _, err := DetectKind(cfg, "b.csv", [][]string{both}); err == nil || !strings.Contains(err.Error(), "--kind") {
		t.Errorf("ambiguous header: %v", err)
	}
}

// TestIngest_HeaderLimits: a repeated header, more columns than any export, a header cell
// longer than any column name: each refused up front with a message, nothing loaded.
func TestIngest_HeaderLimits(t *testing.T) {
	wide := append([]string(nil), messyHeader...)
	for i := len(wide); i < 10000; i++ {
		wide = append(wide, fmt.Sprintf("c%d", i))
	}
	var wideRows [][]string
	for i := 0; i < 50; i++ {
		r := make([]string, len(wide))
		copy(r, messyRows[0])
		r[0] = fmt.Sprintf("W%d", i)
		wideRows = append(wideRows, r)
	}
	repeated := append(append([]string(nil), messyHeader...), "企业名称")
	var repRows [][]string
	for _, r := range messyRows[:2] {
		repRows = append(repRows, append(append([]string(nil), r...), "另一家"))
	}
	long := append(append([]string(nil), messyHeader...), strings.Repeat("长", 300))
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"RepeatedHeader", csvBytes(t, repeated, repRows), "「企业名称」出现了两次（第2列和第15列）"},
		{"TenThousandColumns", csvBytes(t, wide, wideRows), "10000 columns, more than 1000"},
		{"LongHeaderCell", csvBytes(t, long, [][]string{append(append([]string(nil), messyRows[0]...), "x")}), "holds 300 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := MustOpenStore(t)
			p := writeFile(t, t.TempDir(), "h.csv", tc.data)
			before := fingerprint(t, s)
			_, err := s.Ingest(context.Background(), zhuqi.Default(), p, Options{})
			if !errors.Is(err, ErrFileUnreadable) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "h.csv") {
				t.Fatalf("err = %v, want ErrFileUnreadable naming the file and saying %q", err, tc.want)
			}
			t.Log(err)
			if got := fingerprint(t, s); got != before {
				t.Errorf("database changed")
			}
		})
	}
}

// TestCfgPrint_OnlyWhatReadsRows: the raw-hash fingerprint changes with what changes how a
// row is read and normalised, and not with [jobs], [reports], rules or limits.
func TestCfgPrint_OnlyWhatReadsRows(t *testing.T) {
	base := cfgPrint(zhuqi.Default())
	same := map[string]func(*zhuqi.Config){
		"webhook":     func(c *zhuqi.Config) { c.Jobs.Webhook = "https://oapi.dingtalk.com/robot/send?access_token=x" },
		"jobs inbox":  func(c *zhuqi.Config) { c.Jobs.Inbox = "/srv/inbox" },
		"font":        func(c *zhuqi.Config) { c.Reports.Font = "/fonts/x.ttf" },
		"batch rows":  func(c *zhuqi.Config) { c.Ingest.BatchRows = 7 },
		"database":    func(c *zhuqi.Config) { c.Database = "/elsewhere.duckdb" },
		"config file": func(c *zhuqi.Config) { c.Source = "zhuqi.toml" },
	}
	for name, change := range same {
		c := zhuqi.Default()
		change(c)
		if got := cfgPrint(c); got != base {
			t.Errorf("%s changed the fingerprint", name)
		}
	}
	differ := map[string]func(*zhuqi.Config){
		"status label": func(c *zhuqi.Config) {
			c.Enums["status"][0].Labels = append(c.Enums["status"][0].Labels, "待分派")
		},
		"timezone":  func(c *zhuqi.Config) { c.Timezone = "Asia/Urumqi" },
		"timestamp": func(c *zhuqi.Config) { c.Timestamps.Formats = append(c.Timestamps.Formats, "%d.%m.%Y") },
		"alias": func(c *zhuqi.Config) {
			c.Aliases["tickets"]["region"] = append(c.Aliases["tickets"]["region"], "地区")
		},
	}
	for name, change := range differ {
		c := zhuqi.Default()
		change(c)
		if got := cfgPrint(c); got == base {
			t.Errorf("%s left the fingerprint as it was", name)
		}
	}
}

// TestIngest_WebhookKeepsRowsUnchanged: adding a webhook between two exports does not make
// the unchanged rows of the second parsed again.
func TestIngest_WebhookKeepsRowsUnchanged(t *testing.T) {
	dir := t.TempDir()
	s := MustOpenStore(t)
	mustIngest(t, s, writeFile(t, dir, "tickets_2026-10-30.csv", csvBytes(t, snapHeader, snapRows("办理中"))), Options{})
	cfg := zhuqi.Default()
	cfg.Jobs.Webhook = "https://oapi.dingtalk.com/robot/send?access_token=x"
	// (A trailing blank row makes it another file with the same rows.)
	next := append(csvBytes(t, snapHeader, snapRows("办理中")), ",,,,,,,,\n"...)
	rep, err := s.Ingest(context.Background(), cfg, writeFile(t, dir, "tickets_2026-10-31.csv", next), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 2 || rep.Versions != 0 {
		t.Errorf("unchanged %d versions %d, want 2 0", rep.Unchanged, rep.Versions)
	}
}
