package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// trustHeader is the header of the month-end exports of these tests.
var trustHeader = []string{"ticket_id", "enterprise", "region", "department", "cadre", "category",
	"created_at", "assigned_at", "deadline", "responded_at", "resolved_at", "status", "outcome", "satisfaction", "on_site"}

// trustDept is one department of the fixture with its region, cadre and the ratings of
// its September tickets at the 30 September close and on 1 November.
type trustDept struct{ dept, region, cadre, sepRating, novRating string }

var trustDepts = []trustDept{
	{"发改局", "任城区", "张三", "满意", "不满意"},
	{"工信局", "兖州区", "李四", "不满意", "满意"},
	{"商务局", "曲阜市", "王五", "基本满意", "基本满意"},
}

// trustExport writes one month-end export. September: per department 6 tickets answered
// and finished the day they came (rated as the snapshot says) and 2 raised on 29 and 30
// September, open at the September close and finished on 9 October. October (in the
// November export only): 4 finished the same day, 2 raised on 28 October still open.
// So September at its close: 18 of 24 finished (75.0%); September judged on 1 November:
// 24 of 24 (100.0%); October on 1 November: 12 of 18 (66.7%). The same-age 环比 is −8.3
// points, not −33.3. The department ranking of September at its close is 发改局, 商务局,
// 工信局; judged on 1 November (ratings changed) 工信局, 商务局, 发改局.
func trustExport(t *testing.T, dir, name string, nov bool) string {
	t.Helper()
	var rows [][]string
	for i, d := range trustDepts {
		rating := d.sepRating
		if nov {
			rating = d.novRating
		}
		add := func(id, created, answered, status, sat string) {
			assigned := created[:11] + "10:00"
			outcome := "已解决"
			if answered == "" {
				outcome = ""
			}
			rows = append(rows, []string{id, "企业" + id, d.region, d.dept, d.cadre, "用地", created, assigned, "", answered, answered, status, outcome, sat, "否"})
		}
		for _, day := range []string{"01", "02", "03", "04", "07", "08"} {
			add(string(rune('A'+i))+"-09-"+day, "2026-09-"+day+" 09:00", "2026-09-"+day+" 15:00", "已办结", rating)
		}
		for _, day := range []string{"29", "30"} {
			if nov {
				add(string(rune('A'+i))+"-09-"+day, "2026-09-"+day+" 09:00", "2026-10-09 15:00", "已办结", "")
			} else {
				add(string(rune('A'+i))+"-09-"+day, "2026-09-"+day+" 09:00", "", "办理中", "")
			}
		}
		if nov {
			for _, day := range []string{"12", "13", "14", "15"} {
				add(string(rune('A'+i))+"-10-"+day, "2026-10-"+day+" 09:00", "2026-10-"+day+" 15:00", "已办结", "满意")
			}
			for _, day := range []string{"28", "29"} {
				add(string(rune('A'+i))+"-10-"+day, "2026-10-"+day+" 09:00", "", "办理中", "")
			}
		}
	}
	path := filepath.Join(dir, name)
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(fh)
	w.Write(trustHeader)
	w.WriteAll(rows)
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	return out
}

// twoSnapshots is a database with the 30 September and the 31 October month-end exports.
func twoSnapshots(t *testing.T) (dir, db string) {
	dir = t.TempDir()
	db = filepath.Join(dir, "z.duckdb")
	mustRun(t, "ingest", "--db", db, "--as-of", "2026-09-30", trustExport(t, dir, "tickets-2026-09-30.csv", false))
	mustRun(t, "ingest", "--db", db, "--as-of", "2026-10-31", trustExport(t, dir, "tickets-2026-10-31.csv", true))
	return dir, db
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	b, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(b)
}

func TestBriefing_SameAge(t *testing.T) {
	dir, db := twoSnapshots(t)
	// The figures the briefing must compare with: September at its own close.
	var sep []map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "metrics", "--db", db, "--period", "2026-09", "--as-of", "2026-09-30", "--format", "json")), &sep); err != nil {
		t.Fatal(err)
	}
	if sep[0]["completion_rate"] != 0.75 {
		t.Fatalf("September at its close: completion %v, want 0.75", sep[0]["completion_rate"])
	}
	out := filepath.Join(dir, "out")
	mustRun(t, "report", "briefing", "--db", db, "--period", "2026-10", "--out", out)
	text := pdfText(t, filepath.Join(out, "briefing-2026-10.pdf"))
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{
		"本月共收集企业诉求18件，办结12件，办结率66.7%，环比下降8.3个百分点；", // the summary: not 下降33.3
		"环比-8.3个百分点",         // the completion tile
		"同比—",                // no data a year before
		"2026-0924181875.0%", // the trend: September at its close (24 collected, 18 finished, 18 solved, 75.0%)
		"环比2026-09取2026-09-3024:00的数据快照", // the footnote
		"去年同期（2025-10）无数据，不作同比",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("briefing PDF lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(flat, "下降33.3") || strings.Contains(flat, "2026-09242424100.0%") {
		t.Errorf("briefing compares with September judged now:\n%s", text)
	}

	// The previous ranks of the ranking: September at its close, not judged now.
	csvOut := mustRun(t, "rank", "departments", "--db", db, "--period", "2026-10", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	prev := map[string]string{}
	for _, r := range recs[1:] {
		prev[r[col["name"]]] = r[col["prev_rank"]]
	}
	want := map[string]string{"发改局": "1", "商务局": "2", "工信局": "3"}
	for name, rank := range want {
		if prev[name] != rank {
			t.Errorf("prev_rank of %s = %q, want %s (September at its close); all %v", name, prev[name], rank, prev)
		}
	}
	// Judged now, September ranks the other way round: the comparison is not with that.
	now := mustRun(t, "rank", "departments", "--db", db, "--period", "2026-09", "--format", "csv")
	if !strings.Contains(now, "1,工信局") {
		t.Errorf("September judged now should rank 工信局 first:\n%s", now)
	}
	// Once September is published, its published ranks are the previous ranks.
	mustRun(t, "publish", "ranking", "--db", db, "--period", "2026-09", "--out", out)
	js := mustRun(t, "rank", "departments", "--db", db, "--period", "2026-10", "--format", "json")
	if !strings.Contains(js, `"name": "工信局"`) {
		t.Fatalf("rank json:\n%s", js)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(js), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r["name"] == "工信局" && r["prev_rank"] != 1.0 {
			t.Errorf("after publishing September (judged now), 工信局 prev_rank = %v, want 1", r["prev_rank"])
		}
	}
}

// One snapshot only: September is rebuilt from the timestamps at 1 October 00:00. By hand
// from trustExport: 6 tickets per department answered and finished in September (18), the
// 29 and 30 September ones finished on 9 October (not yet) → 18 of 24 = 75.0%; rated: the
// 18 finished by then, all with their November ratings.
func TestBriefing_Rewound(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	mustRun(t, "ingest", "--db", db, "--as-of", "2026-10-31", trustExport(t, dir, "tickets-2026-10-31.csv", true))
	out := filepath.Join(dir, "out")
	mustRun(t, "report", "briefing", "--db", db, "--period", "2026-10", "--out", out)
	flat := strings.Join(strings.Fields(pdfText(t, filepath.Join(out, "briefing-2026-10.pdf"))), "")
	for _, want := range []string{
		"环比下降8.3个百分点",
		"2026-09（回溯）24181875.0%",
		"环比2026-09按时间戳回溯至2026-09-3024:00",
		"标“回溯”的数字按时间戳回溯",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("briefing PDF lacks %q:\n%s", want, flat)
		}
	}
	mustRun(t, "report", "briefing", "--db", db, "--period", "2026-10", "--out", out, "--lang", "en")
	en := strings.Join(strings.Fields(pdfText(t, filepath.Join(out, "briefing-2026-10.en.pdf"))), " ")
	for _, want := range []string{
		"down 8.3 points on the previous period",
		"previous period 2026-09 rebuilt from the event timestamps as of 2026-09-30 24:00",
		"no data for 2025-10, so no change on last year",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("English briefing lacks %q:\n%s", want, en)
		}
	}
}

func TestCommands_PeriodsWithoutData(t *testing.T) {
	dir, db := twoSnapshots(t)
	want := "期间 2026-12 尚无数据：最新快照截至 2026-11-01 00:00 / period 2026-12 has no data: the latest snapshot is of 2026-11-01 00:00; ingest a later export or choose an earlier period"
	for _, args := range [][]string{
		{"metrics", "--period", "2026-12"},
		{"rank", "departments", "--period", "2026-12"},
		{"flags", "--period", "2026-12"},
		{"growth", "--period", "2026-12"},
		{"report", "briefing", "--period", "2026-12", "--out", filepath.Join(dir, "out")},
		{"publish", "ranking", "--period", "2026-12", "--out", filepath.Join(dir, "out")},
	} {
		code, _, errs := run(t, append(args, "--db", db)...)
		if code != 1 || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, stderr %q\nwant exit 1 and %s", args, code, errs, want)
		}
	}
	// A quarter in progress: labelled, and not published unless asked.
	if out := mustRun(t, "metrics", "--db", db, "--period", "2026-Q4"); !strings.Contains(out, "截至 2026-11-01 00:00（期间未结束）") {
		t.Errorf("metrics of a quarter in progress:\n%s", out)
	}
	code, _, errs := run(t, "publish", "ranking", "--db", db, "--period", "2026-Q4", "--out", filepath.Join(dir, "out"))
	if code != 1 || !strings.Contains(errs, "期间 2026-Q4 尚未结束（数据截至 2026-11-01 00:00），不发布 / period 2026-Q4 is not over at the snapshot of 2026-11-01 00:00: period not yet over; publish it after an export taken after 2027-01-01 00:00, or pass --allow-unfinished") {
		t.Errorf("publish in progress: exit %d: %s", code, errs)
	}
	mustRun(t, "publish", "ranking", "--db", db, "--period", "2026-Q4", "--allow-unfinished", "--out", filepath.Join(dir, "out"))
	if out := mustRun(t, "rank", "regions", "--db", db, "--period", "2026-Q4"); !strings.Contains(out, "2026-Q4  截至 2026-11-01 00:00（期间未结束）") {
		t.Errorf("rank of a quarter in progress:\n%s", out)
	}
	code, _, errs = run(t, "publish", "ranking", "--db", db, "--period", "2026-09", "--as-of", "2026-09-30", "--out", filepath.Join(dir, "out"))
	if code != 2 {
		t.Errorf("publish takes no --as-of: exit %d: %s", code, errs)
	}
	out := filepath.Join(dir, "q4")
	mustRun(t, "report", "briefing", "--db", db, "--period", "2026-Q4", "--out", out)
	flat := strings.Join(strings.Fields(pdfText(t, filepath.Join(out, "briefing-2026-Q4.pdf"))), "")
	for _, want := range []string{"截至2026-10-3124:00（期间未结束）", "截至2026-10-3124:00（期间未结束），本季度共收集"} {
		if !strings.Contains(flat, want) {
			t.Errorf("briefing of a quarter in progress lacks %q:\n%s", want, flat)
		}
	}
	mustRun(t, "report", "cadres", "--db", db, "--period", "2026-W44", "--out", out)
	if flat := strings.Join(strings.Fields(pdfText(t, filepath.Join(out, "cadres-2026-W44.pdf"))), ""); !strings.Contains(flat, "截至2026-10-3124:00（期间未结束）") {
		t.Errorf("cadre recognition of a week in progress is not labelled:\n%.400s", flat)
	}
}

func TestGrowth_CommandWithoutTickets(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mustRun(t, "ingest", "--db", db, "--kind", "targets", write("targets.csv", "entity_type,entity,metric,year,target,unit\nenterprise,鲁南装备公司,revenue,2026,120,万元\n"))
	mustRun(t, "ingest", "--db", db, "--kind", "actuals", "--as-of", "2026-10-31", write("actuals.csv", "entity_type,entity,metric,month,value\nenterprise,鲁南装备公司,revenue,2026-09,30\nenterprise,鲁南装备公司,revenue,2026-10,30\n"))
	out := mustRun(t, "growth", "--db", db, "--period", "2026-10", "--format", "csv")
	if !strings.Contains(out, "enterprise,鲁南装备公司,revenue,2026-10,30,60,") {
		t.Errorf("growth without tickets:\n%s", out)
	}
	code, _, errs := run(t, "metrics", "--db", db, "--period", "2026-10")
	if code != 1 || !strings.Contains(errs, "no ticket export has been ingested yet: run `zhuqi ingest FILE` first") {
		t.Errorf("metrics without tickets: exit %d: %s", code, errs)
	}
	code, _, errs = run(t, "growth", "--db", db, "--period", "2026-11")
	if code != 1 || !strings.Contains(errs, "期间 2026-11 尚无数据：最新实际值截至 2026-11-01 00:00") {
		t.Errorf("growth after the actuals: exit %d: %s", code, errs)
	}
}

// TestDemo_Reproducible: two demos into the same folder give byte-identical outputs (the
// sample's targets and actuals carry their snapshot date in their names, so the file
// modification time is never their as-of time), and the demo briefing compares October
// with September at the same age: no false collapse.
func TestDemo_Reproducible(t *testing.T) {
	d := sharedDemo(t)
	for i, r := range d.runs {
		if r.code != 0 {
			t.Fatalf("demo %d: exit %d: %s", i+1, r.code, r.stderr)
		}
	}
	out, first, second := d.out, d.runs[0].files, d.runs[1].files
	if len(first) == 0 || len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	for name, b := range first {
		if string(second[name]) != string(b) {
			t.Errorf("%s differs between two demos", name)
		}
	}
	pub := string(first["/ranking-2026-10-v1.json"])
	if !strings.Contains(pub, `"file": "targets_2026-10-31.csv"`) || !strings.Contains(pub, `"previous_snapshot": "2026-10-01 00:00:00"`) {
		t.Errorf("publication inputs and previous basis:\n%.3000s", pub)
	}
	flat := strings.Join(strings.Fields(pdfText(t, filepath.Join(out, "briefing-2026-10.pdf"))), "")
	m := regexp.MustCompile(`办结率[0-9.]+%，环比(上升|下降|持平)([0-9.]*)`).FindStringSubmatch(flat)
	if m == nil {
		t.Fatalf("no 环比 in the summary:\n%.600s", flat)
	}
	if d, _ := strconv.ParseFloat(m[2], 64); d >= 10 {
		t.Errorf("the demo briefing's completion rate moves %s %s points on September: a false collapse?", m[1], m[2])
	}
	if strings.Contains(flat, "（回溯）") {
		t.Errorf("the demo has a snapshot at every month's end; nothing should be rebuilt")
	}
}

// TestBriefing_OneFlagDefinition: the red and black flags the briefing counts are those
// `zhuqi metrics` counts and `zhuqi flags --period` lists, and the briefing's appendix
// lists every one of them; no flag shows 0.00 overdue days.
func TestBriefing_OneFlagDefinition(t *testing.T) {
	db := sampleDatabase(t)
	var m []map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "metrics", "--db", db, "--period", "2026-10", "--format", "json")), &m); err != nil {
		t.Fatal(err)
	}
	red, black := int(m[0]["red"].(float64)), int(m[0]["black"].(float64))
	recs, err := csv.NewReader(strings.NewReader(mustRun(t, "flags", "--db", db, "--period", "2026-10", "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]int{}
	for _, r := range recs[1:] {
		listed[r[0]]++
		if r[len(r)-1] == "0" || r[len(r)-1] == "0.00" {
			t.Errorf("flag %s shows no overdue days: %v", r[1], r)
		}
	}
	if red == 0 || listed["red"] != red || listed["black"] != black {
		t.Fatalf("metrics count red %d, black %d; flags list %v", red, black, listed)
	}
	out := t.TempDir()
	mustRun(t, "report", "briefing", "--db", db, "--period", "2026-10", "--out", out)
	html, err := os.ReadFile(filepath.Join(out, "briefing-2026-10.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	if strings.Contains(page, "zhuqi flags") {
		t.Error("the briefing sends the reader to a command")
	}
	if want := fmt.Sprintf("截至数据时点为红旗的%d件、黑旗的%d件", red, black); !strings.Contains(page, want) {
		t.Errorf("summary lacks %q", want)
	}
	i := strings.Index(page, "附录：本期红旗、黑旗诉求完整清单")
	if red+black > 20 && i < 0 {
		t.Fatal("no appendix")
	}
	if i >= 0 {
		app := page[i:]
		if n := strings.Count(app, `<tr class="red">`); n != red {
			t.Errorf("appendix lists %d red flags, metrics count %d", n, red)
		}
		if n := strings.Count(app, `<tr class="black">`); n != black {
			t.Errorf("appendix lists %d black flags, metrics count %d", n, black)
		}
	}
}
