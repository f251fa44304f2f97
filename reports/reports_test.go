package reports_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
)

func generate(t *testing.T, q *queries.Q, kind, period, lang, dir string) []string {
	t.Helper()
	p, err := q.Period(period)
	if err != nil {
		t.Fatal(err)
	}
	files, err := reports.Generate(context.Background(), q, kind, p, reports.Options{Dir: dir, Lang: lang, Store: storeOf(q)})
	if err != nil {
		t.Fatalf("%s %s %s: %v", kind, period, lang, err)
	}
	return files
}

func only(t *testing.T, files []string, suffix string) string {
	t.Helper()
	for _, f := range files {
		if strings.HasSuffix(f, suffix) && !strings.Contains(filepath.Base(f), "-departments") {
			return f
		}
	}
	t.Fatalf("no %s among %v", suffix, files)
	return ""
}

// checkPDF reads a PDF back: its text holds every want (white space ignored), both fonts
// are embedded as subsets with a Unicode map, and its first page is not blank.
func checkPDF(t *testing.T, path string, want ...string) string {
	t.Helper()
	text := pdfText(t, path)
	flat := squash(text)
	for _, w := range want {
		if !strings.Contains(flat, squash(w)) {
			t.Errorf("%s: text lacks %q", filepath.Base(path), w)
		}
	}
	fonts := pdfFonts(t, path)
	var cjk bool
	for _, l := range fonts {
		f := strings.Fields(l)
		// name, type words…, encoding, emb, sub, uni, object, id
		n := len(f)
		if n < 6 || f[n-5] != "yes" || f[n-4] != "yes" || f[n-3] != "yes" {
			t.Errorf("%s: font not embedded as a subset with a Unicode map: %s", filepath.Base(path), l)
		}
		cjk = cjk || strings.Contains(f[0], "DroidSansFallback")
	}
	if !cjk {
		t.Errorf("%s: the CJK font is not among %v", filepath.Base(path), fonts)
	}
	if share := inkShare(t, path); share < 0.01 {
		t.Errorf("%s: first page is blank (%.4f of pixels inked)", filepath.Base(path), share)
	}
	return text
}

func TestBriefing_FiguresMatchTheQueries(t *testing.T) {
	q := openQ(t)
	ctx := context.Background()
	for _, tc := range []struct{ period, lang string }{{"2026-10", "zh"}, {"2026-10", "en"}, {"2026-Q3", "zh"}} {
		t.Run(tc.period+"_"+tc.lang, func(t *testing.T) {
			files := document(t, q, "briefing", tc.period, tc.lang).files
			p, _ := q.Period(tc.period)
			m, err := q.Metrics(ctx, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			rk, err := q.Rank(ctx, queries.Departments, p)
			if err != nil {
				t.Fatal(err)
			}
			rates := func(f *float64) string { return tabular.Human(tabular.Rate, *f) }
			want := []string{p.Start.Format("2006-01-02"), p.End.AddDate(0, 0, -1).Format("2006-01-02"), q.RulesVersion(),
				// The snapshot time, midnight, as the end of the day before.
				q.AsOf.Add(-time.Minute).Format("2006-01-02") + " 24:00",
				thousands(m[0].Collected), thousands(m[0].Finished),
				rates(m[0].CompletionRate), rates(m[0].ResolutionRate), rates(m[0].SatisfactionRate)}
			switch tc.lang {
			case "zh":
				want = append(want, "月度运行分析"[:0]+"运行分析", "本", "共收集企业诉求"+thousands(m[0].Collected)+"件",
					"办结"+thousands(m[0].Finished)+"件", "办结率"+rates(m[0].CompletionRate), "序时进度")
			case "en":
				want = append(want, "Operations Briefing", "Key indicators", "Targets and schedule",
					thousands(m[0].Collected)+" enterprise requests were collected")
			}
			// Top five and bottom five ranked departments are named, as the API names them.
			var ranked []string
			for _, r := range rk.Rows {
				if r.Rank != nil {
					ranked = append(ranked, r.Name)
				}
			}
			if len(ranked) < 10 {
				t.Fatalf("only %d ranked departments", len(ranked))
			}
			want = append(want, ranked[:5]...)
			want = append(want, ranked[len(ranked)-5:]...)
			pdf := only(t, files, ".pdf")
			checkPDF(t, pdf, want...)

			page, err := os.ReadFile(only(t, files, ".html"))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []string{thousands(m[0].Collected), rates(m[0].CompletionRate), "<svg", ranked[0]} {
				if !bytes.Contains(page, []byte(w)) {
					t.Errorf("html lacks %q", w)
				}
			}
			if bytes.Contains(page, []byte(`<td>=HYPERLINK("`)) {
				t.Errorf("html does not escape a name")
			}
			var png, svg int
			for _, f := range files {
				switch filepath.Ext(f) {
				case ".png":
					png++
				case ".svg":
					svg++
				}
			}
			if png < 6 || svg != png {
				t.Errorf("charts: %d png, %d svg", png, svg)
			}
		})
	}
}

// TestRanking_XLSXMatchesCSV reads the publication's workbook back: each sheet has the
// rows of its CSV, numbers as numbers, and a department named like a formula stays text;
// a Chinese document's workbook speaks Chinese: sheet names, headers, status values, notes.
func TestRanking_XLSXMatchesCSV(t *testing.T) {
	q := openQ(t)
	dir := t.TempDir()
	files := generate(t, q, "ranking", "2026-10", "zh", dir)
	pub, err := q.Publication(context.Background(), "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	var ranked []string
	for _, r := range pub.Ranking(queries.Departments).Rows {
		if r.Rank != nil {
			// The formula-like name wraps in its cell: look for its start.
			ranked = append(ranked, strings.Replace(r.Name, evilDept, "=HYPERLINK(", 1))
		}
	}
	checkPDF(t, only(t, files, ".pdf"), append([]string{"要素保障大比拼", pub.ID, "2026-10-01", pub.RulesVersion}, ranked...)...)

	x, err := excelize.OpenFile(only(t, files, ".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got, want := x.GetSheetList(), []string{"部门排名", "县市区排名", "助企干部排名", "部门评分明细", "县市区评分明细", "助企干部评分明细"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	kinds := map[string]string{"部门排名": "departments", "县市区排名": "regions", "助企干部排名": "cadres"}
	status := map[string]string{"ranked": "参与排名", "not_ranked": "未参与排名"}
	sawEvil := false
	for _, s := range x.GetSheetList() {
		if kinds[s] == "" {
			continue // an evidence sheet: TestPublication_NewVersionAfterExclusions reads those
		}
		b, err := os.ReadFile(filepath.Join(dir, "ranking-"+kinds[s]+"-2026-10-v"+strconv.Itoa(pub.Version)+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got, err := x.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows in XLSX, %d in CSV", s, len(got), len(want))
		}
		if h := strings.Join(got[0], ","); !strings.HasPrefix(h, "名次,名称,收集,") || !strings.Contains(h, "总分,上期名次,名次变化,状态,规则版本,说明") {
			t.Errorf("%s: headers %s, want them in Chinese", s, h)
		}
		for i := 1; i < len(want); i++ {
			for j := range want[i] {
				g := ""
				if j < len(got[i]) {
					g = got[i][j]
				}
				w := want[i][j]
				switch want[0][j] {
				case "status":
					w = status[w]
				case "note":
					w, _, _ = strings.Cut(w, " / ")
				}
				if g == evilDept {
					sawEvil = true
					cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
					if f, _ := x.GetCellFormula(s, cell); f != "" {
						t.Errorf("%s %s: became a formula %q", s, cell, f)
					}
					if typ, _ := x.GetCellType(s, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
						t.Errorf("%s %s: cell type %v, want a string", s, cell, typ)
					}
					if w != "'"+evilDept {
						t.Errorf("CSV cell %q, want it defused with a leading '", w)
					}
					continue
				}
				if g == w {
					continue
				}
				gf, err1 := strconv.ParseFloat(g, 64)
				wf, err2 := strconv.ParseFloat(w, 64)
				if err1 != nil || err2 != nil || gf != wf {
					t.Errorf("%s row %d col %s: XLSX %q, CSV %q", s, i+1, want[0][j], g, w)
				}
			}
		}
	}
	if !sawEvil {
		t.Errorf("the department %q is not in the workbook", evilDept)
	}
	panes, err := x.GetPanes("部门排名")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}
}

func TestCadresOverdue_PDF(t *testing.T) {
	q := openQ(t)
	ctx := context.Background()
	for _, lang := range []string{"zh", "en"} {
		p, _ := q.Period("2026-W42")
		rk, err := q.Rank(ctx, queries.Cadres, p)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"2026-10-12", "2026-10-18"}
		for _, r := range rk.Rows {
			if r.Rank != nil && *r.Rank <= 3 {
				want = append(want, r.Name)
			}
		}
		if len(want) < 3 {
			t.Fatalf("no ranked cadre in %s", p.Label)
		}
		title := map[string]string{"zh": "助企干部赛比评", "en": "Cadre Recognition"}[lang]
		checkPDF(t, only(t, document(t, q, "cadres", "2026-W42", lang).files, ".pdf"), append(want, title)...)

		flags, err := q.Flags(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(flags) == 0 {
			t.Fatal("no flags in the sample")
		}
		want = []string{map[string]string{"zh": "督办清单", "en": "Overdue List"}[lang], flags[0].TicketID, flags[len(flags)-1].TicketID}
		files := document(t, q, "overdue", "2026-10-31", lang).files
		checkPDF(t, only(t, files, ".pdf"), want...)
		// The table runs over two pages: the second starts with the header row again.
		header := map[string]string{"zh": "诉求编号", "en": "Ticket"}[lang]
		page2, err := exec.Command("pdftotext", "-f", "2", "-l", "2", "-layout", only(t, files, ".pdf"), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext page 2: %v", err)
		}
		if lines := strings.Fields(string(page2)); len(lines) < 20 || !strings.Contains(strings.Join(lines[:12], " "), header) {
			t.Errorf("page 2 of the overdue list does not start with the header %q:\n%.400s", header, page2)
		}
		b, err := os.ReadFile(only(t, files, ".csv"))
		if err != nil {
			t.Fatal(err)
		}
		recs, _ := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if len(recs) != len(flags)+1 {
			t.Errorf("overdue CSV has %d rows, flags %d", len(recs)-1, len(flags))
		}
	}
}

// TestGenerate_Deterministic: the same database gives byte-identical files.
func TestGenerate_Deterministic(t *testing.T) {
	q := openQ(t)
	sums := func() map[string][32]byte {
		dir := t.TempDir()
		out := map[string][32]byte{}
		for _, k := range []struct{ kind, period string }{{"briefing", "2026-10"}, {"ranking", "2026-10"}, {"cadres", "2026-W42"}, {"overdue", "2026-10-31"}} {
			for _, f := range generate(t, q, k.kind, k.period, "zh", dir) {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(dir, f)
				out[rel] = sha256.Sum256(b)
			}
		}
		return out
	}
	a, b := sums(), sums()
	var names []string
	for n := range a {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for _, n := range names {
		if a[n] != b[n] {
			t.Errorf("%s differs between two runs", n)
		}
	}
	if len(names) < 20 {
		t.Errorf("only %d files: %v", len(names), names)
	}
}

func TestGenerate_Errors(t *testing.T) {
	q := openQ(t)
	ctx := context.Background()
	p, _ := q.Period("2026-W42")
	if _, err := reports.Generate(ctx, q, "briefing", p, reports.Options{Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "2026-Q3") {
		t.Errorf("briefing of a week: %v", err)
	}
	if _, err := reports.Generate(ctx, q, "nosuch", p, reports.Options{Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "briefing") {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := reports.Generate(ctx, q, "cadres", p, reports.Options{Dir: t.TempDir(), Lang: "fr"}); err == nil {
		t.Errorf("unknown language: no error")
	}
	_, err := reports.Generate(ctx, q, "cadres", p, reports.Options{Dir: t.TempDir(), Font: "/nonexistent/font.ttf"})
	if err == nil || !strings.Contains(err.Error(), "apt-get install fonts-droid-fallback") {
		t.Errorf("missing font: %v", err)
	}
}

func TestFindFont(t *testing.T) {
	dir := t.TempDir()
	ttc := filepath.Join(dir, "x.ttc")
	os.WriteFile(ttc, []byte("ttcf"), 0o644)
	otf := filepath.Join(dir, "x.ttf")
	os.WriteFile(otf, []byte("OTTO"), 0o644)
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "ZHUQI_FONT" {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name, explicit, env, want string
	}{
		{"Err_Collection", ttc, "", ".ttc"},
		{"Err_CFF", "", otf, "not a TrueType"},
		{"Err_Missing", "", filepath.Join(dir, "none.ttf"), "ZHUQI_FONT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reports.FindFont(tc.explicit, env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want it to say %q", err, tc.want)
			}
		})
	}
	t.Run("OK_System", func(t *testing.T) {
		p, err := reports.FindFont("", env(""))
		if err != nil {
			t.Fatalf("%v (make tools installs fonts-droid-fallback)", err)
		}
		if filepath.Ext(p) != ".ttf" {
			t.Errorf("found %s", p)
		}
	})
}

// thousands writes n with thousands separators, as the documents do: 1646 → "1,646".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
