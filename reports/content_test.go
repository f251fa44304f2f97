package reports_test

import (
	"context"
	"html"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi/queries"
)

var (
	// halfBracket is a half-width bracket next to a Chinese character.
	halfBracket = regexp.MustCompile(`\p{Han}[()]|[()]\p{Han}`)
	// midnight is a moment written as the start of a day rather than the end of the one
	// before, or a time with seconds.
	midnight = regexp.MustCompile(`\b00:00\b|\d\d:\d\d:\d\d`)
	// rawNumber is a number of five or more digits without thousands separators.
	rawNumber = regexp.MustCompile(`>\d{5,}(\.\d+)?<`)
)

// TestDocuments_WordsForALeader reads every document kind in both languages (as HTML,
// the model the PDF is laid out from) for what would embarrass an office: file formats
// or commands spoken to a leader, backticks, half-width brackets in Chinese text, a
// moment written another way, raw numbers without separators, untranslated categories
// and lower-case flags in English, cadres below the bar listed as if recognised.
func TestDocuments_WordsForALeader(t *testing.T) {
	q := openQ(t)
	for _, lang := range []string{"zh", "en"} {
		for _, d := range docKinds {
			t.Run(d.kind+"-"+d.period+"."+lang, func(t *testing.T) {
				b, err := os.ReadFile(only(t, document(t, q, d.kind, d.period, lang).files, ".html"))
				if err != nil {
					t.Fatal(err)
				}
				// Headers never wrap, short cells break only between words (not 红/旗).
				for _, css := range []string{"th { white-space: nowrap; }", "th, td { word-break: keep-all;"} {
					if !strings.Contains(string(b), css) {
						t.Errorf("the page's style lacks %q", css)
					}
				}
				page := figure.ReplaceAllString(string(b), "")
				page = page[strings.Index(page, "<body>"):]
				text := strings.ReplaceAll(html.UnescapeString(page), evilDept, plainDept)
				for _, bad := range []string{"XLSX", "CSV", "zhuqi ", "`", "未达评比条件"} {
					if strings.Contains(text, bad) {
						t.Errorf("%q in the document", bad)
					}
				}
				if m := midnight.FindString(text); m != "" {
					t.Errorf("a moment written as %q", m)
				}
				if m := rawNumber.FindString(page); m != "" {
					t.Errorf("a number without thousands separators: %s", m)
				}
				if lang == "zh" {
					if m := halfBracket.FindString(text); m != "" {
						t.Errorf("a half-width bracket in Chinese text: %q", m)
					}
					return
				}
				for _, zh := range []string{"贷款融资", "其他", "红旗", "黑旗"} {
					if strings.Contains(text, zh) {
						t.Errorf("untranslated %q in the English document", zh)
					}
				}
				if strings.Contains(text, ">red<") || strings.Contains(text, ">black<") {
					t.Errorf("a flag in lower case")
				}
			})
		}
	}
}

// TestCadres_OnlyTheRecognised: the weekly recognition lists only the ranked cadres, its
// satisfaction as a percentage, and counts (not lists) the cadres below the bar.
func TestCadres_OnlyTheRecognised(t *testing.T) {
	q := openQ(t)
	p, _ := q.Period("2026-W42")
	rk, err := q.Rank(context.Background(), queries.Cadres, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(only(t, generate(t, q, "cadres", "2026-W42", "zh", t.TempDir()), ".html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	below := 0
	for _, r := range rk.Rows {
		switch {
		case r.Rank != nil && !strings.Contains(page, "<td>"+r.Name+"</td>"):
			t.Errorf("ranked cadre %s is not listed", r.Name)
		case r.Rank == nil && strings.Contains(page, "<td>"+r.Name+"</td>"):
			t.Errorf("cadre %s, below the bar, is listed", r.Name)
		case r.Rank == nil && r.Solved > 0:
			below++
		}
	}
	if below == 0 || !strings.Contains(page, "另有"+count(below)+"名干部本期有解决诉求，但未达参评条件") {
		t.Errorf("the %d cadres below the bar are not counted", below)
	}
	if !strings.Contains(page, "总分即解决件数") || !regexp.MustCompile(`<td class="n">\d+\.\d%</td>`).MatchString(page) {
		t.Errorf("the total is not explained or the satisfaction is not a percentage")
	}
}

// count is n with thousands separators.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
