package reports_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
	"github.com/zhuqi/zhuqi/sample"
	"github.com/zhuqi/zhuqi/store"
)

// TestPublication_NewVersionAfterExclusions: publishing, then ingesting exclusions, then
// publishing again gives v2, whose JSON and PDF list what changed (the doc_no, the
// entities whose totals and ranks moved) and whose evidence names the doc_no; v1's files
// are byte-identical to before and its stored body is the v1 JSON file; publishing again
// with the same inputs gives v2's files byte for byte.
func TestPublication_NewVersionAfterExclusions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sum, err := sample.Generate(ctx, sample.Options{Out: filepath.Join(dir, "in"), Tickets: 3000, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "zhuqi.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := zhuqi.Default()
	for _, f := range sum.Files {
		opt := pipeline.Options{Kind: zhuqi.Kind(f.Kind)}
		if f.Kind != "tickets" {
			opt.AsOf = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
		}
		if _, err := pipeline.Ingest(ctx, st, cfg, f.Path, opt); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	publish := func() (*queries.Publication, []string) {
		t.Helper()
		q, err := queries.Open(ctx, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		p, err := q.Period("2026-10")
		if err != nil {
			t.Fatal(err)
		}
		files, err := reports.Generate(ctx, q, "ranking", p, reports.Options{Dir: out, Now: func() time.Time { return time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC) }, Store: st})
		if err != nil {
			t.Fatal(err)
		}
		pub, err := q.Publication(ctx, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		return pub, files
	}
	v1, files1 := publish()
	if v1.Version != 1 || v1.Changes != nil {
		t.Fatalf("first publication: version %d, changes %+v", v1.Version, v1.Changes)
	}
	before := map[string][]byte{}
	for _, f := range files1 {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		before[f] = b
	}

	// Take unfinished tickets of the lowest department that keeps its minimum of tickets
	// out of the ranking entirely.
	var last string
	var excl [][]string
	drows := v1.Ranking(queries.Departments).Rows
	for i := len(drows) - 1; i >= 0 && len(excl) == 0; i-- {
		r := drows[i]
		if r.Rank == nil || r.Collected <= int64(v1.Ranking(queries.Departments).Minimum) {
			continue
		}
		var finished int
		if err := st.DB.QueryRowContext(ctx, `SELECT count(*) FROM tickets WHERE department = ? AND created_at >= '2026-10-01' AND created_at < '2026-11-01'
AND status IN ('resolved', 'closed')`, r.Name).Scan(&finished); err != nil || finished == 0 {
			continue // excluding unfinished tickets would leave its completion rate at 0
		}
		last = r.Name
		rows, err := st.DB.QueryContext(ctx, `SELECT ticket_id FROM tickets WHERE department = ? AND created_at >= '2026-10-01' AND created_at < '2026-11-01'
AND status NOT IN ('resolved', 'closed', 'cancelled') ORDER BY ticket_id LIMIT ?`, last, r.Collected-int64(v1.Ranking(queries.Departments).Minimum))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			excl = append(excl, []string{id, "全部", "不属于本部门职责", "市营商办", "2026-10-30 16:00", "营商办〔2026〕7号"})
		}
		rows.Close()
	}
	if len(excl) == 0 {
		t.Fatal("no ranked department has an unfinished ticket to exclude")
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"诉求编号", "剔除范围", "剔除原因", "审核单位", "审核时间", "文号"})
	w.WriteAll(excl)
	path := filepath.Join(dir, "exclusions.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.Ingest(ctx, st, cfg, path, pipeline.Options{Kind: zhuqi.KindExclusions, AsOf: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}

	v2, files2 := publish()
	if v2.Version != 2 || v2.Changes == nil || v2.Changes.Previous != v1.ID {
		t.Fatalf("after exclusions: version %d, changes %+v, want v2 against %s", v2.Version, v2.Changes, v1.ID)
	}
	c := v2.Changes
	if len(c.Exclusions) != len(excl) {
		t.Errorf("change list names %d exclusions, want %d", len(c.Exclusions), len(excl))
	}
	for _, e := range c.Exclusions {
		if e.DocNo != "营商办〔2026〕7号" || e.Change != "added" || e.Department != last || e.Scope != "all" {
			t.Errorf("exclusion change %+v", e)
		}
	}
	if len(c.NewInputs) != 1 || c.NewInputs[0].Kind != "exclusions" {
		t.Errorf("new inputs %+v, want the exclusions file", c.NewInputs)
	}
	if c.Snapshot != nil || c.Rules != nil {
		t.Errorf("snapshot %+v, rules %+v: neither changed", c.Snapshot, c.Rules)
	}
	// Every entity listed as moved did move, and every one that moved is listed.
	if len(c.Moved) == 0 {
		t.Fatal("no entity moved")
	}
	for _, k := range queries.RankKinds {
		listed := map[string]bool{}
		for _, m := range c.Moved {
			if m.Ranking == k {
				listed[m.Name] = true
			}
		}
		old := map[string]queries.PubRow{}
		for _, r := range v1.Ranking(k).Rows {
			old[r.Name] = r
		}
		for _, r := range v2.Ranking(k).Rows {
			o := old[r.Name]
			if moved := !same(o.Total, r.Total) || !sameInt(o.Rank, r.Rank); moved != listed[r.Name] {
				t.Errorf("%s %s: moved %v, listed %v", k, r.Name, moved, listed[r.Name])
			}
		}
	}
	t.Logf("%d tickets of %s excluded; %d entities moved", len(excl), last, len(c.Moved))

	// v1's files are as they were; v2's are new files beside them.
	for f, b := range before {
		now, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(now, b) {
			t.Errorf("%s changed after v2 was published", f)
		}
	}
	body, err := v1.Body()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, before[filepath.Join(out, v1.ID+".json")]) {
		t.Error("v1's stored body differs from its JSON file")
	}
	var js struct {
		Changes struct {
			Exclusions []struct {
				DocNo string `json:"doc_no"`
			} `json:"exclusions"`
			Moved []json.RawMessage `json:"moved"`
		} `json:"changes"`
	}
	jb, err := os.ReadFile(filepath.Join(out, v2.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(jb, &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Changes.Exclusions) == 0 || js.Changes.Exclusions[0].DocNo != "营商办〔2026〕7号" || len(js.Changes.Moved) == 0 {
		t.Errorf("v2 JSON changes: %s", jb[bytes.Index(jb, []byte(`"changes"`)):])
	}
	text := squash(pdfText(t, only(t, files2, ".pdf")))
	for _, want := range []string{"与上一版相比的变化", v1.ID, "新增审核剔除营商办〔2026〕7号", last, "附：后三位部门得分依据"} {
		if !strings.Contains(text, squash(want)) {
			t.Errorf("v2 PDF lacks %q", want)
		}
	}
	// The workbook's three evidence sheets carry an autofilter (as tables), the rankings'
	// sheets none.
	zr, err := zip.OpenReader(only(t, files2, ".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	filters := 0
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/worksheets/sheet") || strings.HasPrefix(f.Name, "xl/tables/") {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(b, []byte("<autoFilter")) {
				filters++
			}
		}
	}
	zr.Close()
	if filters != 3 {
		t.Errorf("%d sheets with an autofilter, want the 3 evidence sheets", filters)
	}
	// Publishing again with the same inputs gives v2 again, every file byte for byte.
	again := map[string][]byte{}
	for _, f := range files2 {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		again[f] = b
	}
	if v, files := publish(); v.ID != v2.ID || len(files) != len(files2) {
		t.Fatalf("publishing again: %s with %d files, want %s with %d", v.ID, len(files), v2.ID, len(files2))
	}
	for f, b := range again {
		if now, err := os.ReadFile(f); err != nil || !bytes.Equal(now, b) {
			t.Errorf("%s differs when published again with the same inputs (%v)", f, err)
		}
	}
	ev, err := os.ReadFile(filepath.Join(out, "ranking-evidence-departments-2026-10-v2.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(ev), "营商办〔2026〕7号"); got != len(excl) {
		t.Errorf("v2 evidence names the doc_no %d times, want %d", got, len(excl))
	}
}

func same(a, b *float64) bool  { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func sameInt(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
