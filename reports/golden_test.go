package reports_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var figure = regexp.MustCompile(`(?s)<figure>.*?</figure>`)

// TestGolden_HTML compares each document's HTML, charts left out, with
// testdata/golden: every heading, paragraph, tile and table cell of the documents (the
// PDF is laid out from the same model). Rewrite with -update.
func TestGolden_HTML(t *testing.T) {
	q := openQ(t)
	for _, tc := range []struct{ kind, period, lang string }{
		{"briefing", "2026-10", "zh"}, {"briefing", "2026-10", "en"}, {"briefing", "2026-Q3", "zh"},
		{"ranking", "2026-10", "zh"}, {"ranking", "2026-10", "en"},
		{"cadres", "2026-W42", "zh"}, {"cadres", "2026-10", "en"}, {"overdue", "2026-10-31", "zh"},
	} {
		name := tc.kind + "-" + tc.period + "." + tc.lang + ".html"
		t.Run(name, func(t *testing.T) {
			files := document(t, q, tc.kind, tc.period, tc.lang).files
			b, err := os.ReadFile(only(t, files, ".html"))
			if err != nil {
				t.Fatal(err)
			}
			got := figure.ReplaceAll(b, []byte("<figure>(chart)</figure>"))
			path := filepath.Join("testdata", "golden", name)
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run `go test -tags duckdb_arrow ./reports -run TestGolden -update`)", err)
			}
			if string(got) != string(want) {
				os.WriteFile(path+".FAIL", got, 0o644)
				t.Errorf("%s differs from %s; see %s.FAIL (diff them; -update accepts)", name, path, path)
			}
		})
	}
}
