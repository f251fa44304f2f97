package sample

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Options for Generate. Zero values get defaults.
type Options struct {
	Out       string      // output folder (created)
	Tickets   int         // tickets across the history (default 20000)
	Months    int         // months of history ending at Until (default 12)
	Until     time.Time   // date of the last snapshot (default 2026-10-31); the wall clock is never read
	Snapshots []time.Time // snapshot dates (default: the last day of the month before Until, and Until)
	Seed      int64       // default 1
	Messy     bool        // add every bad-input case of DOMAIN §1.3, with exact expected counts
	// Variants of the last snapshot to write under variants/: "gbk", "xlsx", "jsonl"
	// (default all three; XLSX only while the rows fit in a sheet).
	Variants []string
	// Exclusions also writes exclusions_DATE.csv: 审核剔除 of tickets of the last month.
	Exclusions bool
	Progress   func(done, total int64) // optional
}

// FileSummary describes one generated file and what ingesting it must report.
type FileSummary struct {
	Path     string
	Kind     string // tickets, targets, actuals, benchmarks, deductions, exclusions
	Format   string // csv, csv-gbk, xlsx, jsonl
	AsOf     time.Time
	Rows     int64
	Rejects  map[string]int64 // expected rejects by reason code
	Warnings map[string]int64 // expected warnings by code
}

// MonthEnds lists the last days of the months months back to the one of until, oldest
// first: month-end snapshot dates, so that every month can be judged at its own close.
func MonthEnds(until time.Time, months int) []time.Time {
	var out []time.Time
	for k := months - 1; k >= 0; k-- {
		out = append(out, time.Date(until.Year(), until.Month()-time.Month(k)+1, 0, 0, 0, 0, 0, shanghai))
	}
	return out
}

// Summary lists the generated files.
type Summary struct{ Files []FileSummary }

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Generate writes the sample exports into opt.Out.
func Generate(ctx context.Context, opt Options) (Summary, error) {
	if opt.Tickets <= 0 {
		opt.Tickets = 20000
	}
	if opt.Months <= 0 {
		opt.Months = 12
	}
	if opt.Until.IsZero() {
		opt.Until = time.Date(2026, 10, 31, 0, 0, 0, 0, shanghai)
	}
	opt.Until = time.Date(opt.Until.Year(), opt.Until.Month(), opt.Until.Day(), 0, 0, 0, 0, shanghai)
	if len(opt.Snapshots) == 0 {
		first := time.Date(opt.Until.Year(), opt.Until.Month(), 0, 0, 0, 0, 0, shanghai)
		opt.Snapshots = []time.Time{first, opt.Until}
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Variants == nil {
		opt.Variants = []string{"gbk", "xlsx", "jsonl"}
	}
	if err := os.MkdirAll(filepath.Join(opt.Out, "variants"), 0o755); err != nil {
		return Summary{}, err
	}
	g := &gen{opt: opt, w: newWorld(opt.Seed, max(200, min(5000, opt.Tickets/10)))}
	g.start = time.Date(opt.Until.Year(), opt.Until.Month()-time.Month(opt.Months)+1, 1, 0, 0, 0, 0, shanghai)
	g.span = opt.Until.AddDate(0, 0, 1).Sub(g.start)
	g.total = int64(opt.Tickets) * int64(len(opt.Snapshots)+len(opt.Variants))
	var sum Summary
	last := opt.Snapshots[len(opt.Snapshots)-1]
	for _, snap := range opt.Snapshots {
		fs, err := g.tickets(ctx, filepath.Join(opt.Out, "tickets_"+snap.Format("2006-01-02")+".csv"), "csv", snap)
		if err != nil {
			return sum, err
		}
		sum.Files = append(sum.Files, fs)
	}
	for _, v := range opt.Variants {
		base := filepath.Join(opt.Out, "variants", "tickets_"+last.Format("2006-01-02"))
		var name, format string
		switch v {
		case "gbk":
			name, format = base+"_gbk.csv", "csv-gbk"
		case "xlsx":
			if opt.Tickets >= 1<<20-10 {
				continue
			}
			name, format = base+".xlsx", "xlsx"
		case "jsonl":
			name, format = base+".jsonl", "jsonl"
		default:
			return sum, fmt.Errorf("sample: unknown variant %q (use gbk, xlsx or jsonl)", v)
		}
		fs, err := g.tickets(ctx, name, format, last)
		if err != nil {
			return sum, err
		}
		sum.Files = append(sum.Files, fs)
	}
	facts, err := g.facts()
	if err != nil {
		return sum, err
	}
	sum.Files = append(sum.Files, facts...)
	if opt.Exclusions {
		ex, err := g.exclusions()
		if err != nil {
			return sum, err
		}
		sum.Files = append(sum.Files, ex)
	}
	return sum, nil
}

type gen struct {
	opt         Options
	w           *world
	start       time.Time
	span        time.Duration
	done, total int64
}

// The messy rows: ticket index → defect. Each defect twice, one defect a row.
var defects = []string{"missing_required", "missing_required", "bad_timestamp", "bad_timestamp", "unknown_enum", "unknown_enum",
	"duplicate_id", "duplicate_id", "bad_optional", "bad_optional", "bad_credit_code", "bad_credit_code",
	"resolved_before_created", "resolved_before_created", "unknown_category", "unknown_category", "bad_amount", "bad_amount"}

var rejectCodes = map[string]bool{"missing_required": true, "bad_timestamp": true, "unknown_enum": true, "duplicate_id": true}

// headers per format, in the canonical column order.
var zhHeader = []string{"诉求编号", "企业名称", "统一社会信用代码", "县市区", "镇街", "所属行业", "诉求类别", "诉求来源", "问题层级", "承办单位", "服务专员", "诉求内容", "提报时间", "交办时间", "办理时限", "答复时间", "办结时间", "办理状态", "办理结果", "企业评价", "是否当场办结", "涉及金额(万元)"}
var altHeader = []string{"工单编号", "企业", "信用代码", "所属县区", "乡镇街道", "行业", "问题类别", "来源渠道", "办理层级", "责任单位", "包联干部", "问题描述", "受理时间", "派单时间", "截止时间", "首次答复时间", "办结时间", "状态", "解决情况", "满意度", "当场办结", "涉及金额"}
var enHeader = []string{"ticket_id", "enterprise", "credit_code", "region", "street", "industry", "category", "source", "level", "department", "cadre", "content", "created_at", "assigned_at", "deadline", "responded_at", "resolved_at", "status", "outcome", "satisfaction", "on_site", "amount"}

const (
	colEnterprise = 1
	colCredit     = 2
	colRegion     = 3
	colCategory   = 6
	colCreated    = 12
	colResponded  = 15
	colResolved   = 16
	colStatus     = 17
	colAmount     = 21
)

// rowWriter writes one format.
type rowWriter interface {
	header(h []string) error
	row(cells []string, created time.Time) error
	close() error
}

func (g *gen) tickets(ctx context.Context, path, format string, snap time.Time) (FileSummary, error) {
	fs := FileSummary{Path: path, Kind: "tickets", Format: format, AsOf: snap, Rejects: map[string]int64{}, Warnings: map[string]int64{}}
	f, err := os.Create(path)
	if err != nil {
		return fs, err
	}
	defer f.Close()
	var w rowWriter
	tsLayout := "2006-01-02 15:04:05"
	header := zhHeader
	switch format {
	case "csv":
		bw := bufio.NewWriterSize(f, 1<<20)
		bw.WriteString("\ufeff")
		w = &csvWriter{bw: bw, w: csv.NewWriter(bw)}
	case "csv-gbk":
		bw := bufio.NewWriterSize(simplifiedchinese.GBK.NewEncoder().Writer(f), 1<<20)
		w = &csvWriter{bw: bw, w: csv.NewWriter(bw)}
		header, tsLayout = altHeader, "2006/1/2 15:04"
	case "xlsx":
		xw, err := newXLSXWriter(path)
		if err != nil {
			return fs, err
		}
		w = xw
		header = append([]string(nil), zhHeader...)
		header[colAmount] = "涉及金额（万元）"
		tsLayout = "2006年1月2日 15时04分"
	case "jsonl":
		w = &jsonlWriter{bw: bufio.NewWriterSize(f, 1<<20)}
		header, tsLayout = enHeader, time.RFC3339
	}
	if g.opt.Messy {
		header = append(append([]string(nil), header...), "备注")
	}
	if err := w.header(header); err != nil {
		return fs, err
	}
	end := snap.AddDate(0, 0, 1)
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(tsLayout)
	}
	cells := make([]string, len(header))
	for i := 0; i < g.opt.Tickets; i++ {
		if i&0xFFF == 0 {
			if err := ctx.Err(); err != nil {
				return fs, err
			}
		}
		t := makeTicket(g.w, g.opt.Seed, i, g.start, g.span, g.opt.Tickets)
		if !t.created.Before(end) {
			break
		}
		st := t.at(end)
		onSite := "否"
		if t.onSite {
			onSite = "是"
		}
		deadline := t.deadline
		c := []string{t.id, t.ent.name, t.ent.code, t.region, t.street, t.ent.industry, t.category, t.source, t.level, t.dept,
			t.cadre, t.content, ts(t.created), ts(st.assigned), ts(deadline), ts(st.responded), ts(st.resolved), st.status,
			st.outcome, st.satisfaction, onSite, t.amount}
		copy(cells, c)
		defect := ""
		if g.opt.Messy && i < len(defects) {
			defect = defects[i]
			cells[len(cells)-1] = "样例问题行：" + defect
			switch defect {
			case "missing_required":
				if i%2 == 0 {
					cells[colEnterprise] = ""
				} else {
					cells[colRegion] = ""
				}
			case "bad_timestamp":
				cells[colCreated] = []string{"上周三", "2026-13-45"}[i%2]
			case "unknown_enum":
				cells[colStatus] = "处理完毕"
			case "bad_optional":
				cells[colResponded] = "待定"
			case "bad_credit_code":
				code := []byte(t.ent.code)
				code[17] = creditChars[(indexByte(creditChars, code[17])+1)%len(creditChars)]
				cells[colCredit] = string(code)
			case "resolved_before_created":
				cells[colResolved] = ts(t.created.AddDate(0, 0, -3))
			case "unknown_category":
				cells[colCategory] = "知识产权"
			case "bad_amount":
				cells[colAmount] = "约5万"
			}
			if rejectCodes[defect] {
				if defect != "duplicate_id" {
					fs.Rejects[defect]++
				}
			} else {
				fs.Warnings[defect]++
			}
		} else if g.opt.Messy {
			cells[len(cells)-1] = ""
		}
		if err := w.row(cells, t.created); err != nil {
			return fs, err
		}
		fs.Rows++
		if defect == "duplicate_id" {
			dup := append([]string(nil), cells...)
			dup[colStatus] = "已交办"
			if err := w.row(dup, t.created); err != nil {
				return fs, err
			}
			fs.Rows++
			fs.Rejects["duplicate_id"]++
		}
		g.done++
		if g.opt.Progress != nil && g.done&0xFFFF == 0 {
			g.opt.Progress(g.done, g.total)
		}
	}
	if err := w.close(); err != nil {
		return fs, err
	}
	return fs, f.Close()
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return 0
}

type csvWriter struct {
	bw interface {
		io.Writer
		Flush() error
	}
	w *csv.Writer
}

func (c *csvWriter) header(h []string) error               { return c.w.Write(h) }
func (c *csvWriter) row(cells []string, _ time.Time) error { return c.w.Write(cells) }
func (c *csvWriter) close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

type jsonlWriter struct {
	bw   *bufio.Writer
	keys []string
	buf  []byte
}

func (j *jsonlWriter) header(h []string) error { j.keys = h; return nil }

func (j *jsonlWriter) row(cells []string, _ time.Time) error {
	j.buf = append(j.buf[:0], '{')
	first := true
	for i, v := range cells {
		if v == "" {
			continue
		}
		if !first {
			j.buf = append(j.buf, ',')
		}
		first = false
		k, _ := json.Marshal(j.keys[i])
		s, _ := json.Marshal(v)
		j.buf = append(append(append(j.buf, k...), ':'), s...)
	}
	j.buf = append(j.buf, '}', '\n')
	_, err := j.bw.Write(j.buf)
	return err
}

func (j *jsonlWriter) close() error { return j.bw.Flush() }

type xlsxWriter struct {
	f     *excelize.File
	sw    *excelize.StreamWriter
	path  string
	row_  int
	style int
}

func newXLSXWriter(path string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "诉求台账"); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter("诉求台账")
	if err != nil {
		return nil, err
	}
	style, err := f.NewStyle(&excelize.Style{NumFmt: 22})
	if err != nil {
		return nil, err
	}
	return &xlsxWriter{f: f, sw: sw, path: path, style: style}, nil
}

func (x *xlsxWriter) header(h []string) error {
	cells := make([]any, len(h))
	for i, v := range h {
		cells[i] = v
	}
	x.row_ = 1
	return x.sw.SetRow("A1", cells)
}

func (x *xlsxWriter) row(cells []string, created time.Time) error {
	x.row_++
	out := make([]any, len(cells))
	for i, v := range cells {
		out[i] = v
	}
	if _, err := time.Parse("2006年1月2日 15时04分", cells[colCreated]); err == nil {
		out[colCreated] = excelize.Cell{StyleID: x.style, Value: time.Date(created.Year(), created.Month(), created.Day(), created.Hour(), created.Minute(), created.Second(), 0, time.UTC)}
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row_)
	return x.sw.SetRow(cell, out)
}

func (x *xlsxWriter) close() error {
	if err := x.sw.Flush(); err != nil {
		return err
	}
	if err := x.f.SaveAs(x.path); err != nil {
		return err
	}
	return x.f.Close()
}
