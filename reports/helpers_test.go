package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
	"github.com/zhuqi/zhuqi/sample"
	"github.com/zhuqi/zhuqi/store"
)

// evilDept replaces a real department's name in every input file: a name a spreadsheet
// would run as a formula.
const (
	plainDept = "水务集团"
	evilDept  = `=HYPERLINK("http://evil.example/","水务集团")`
)

var (
	dbOnce sync.Once
	dbPath string
	dbErr  error
)

// sampleDB is a database of 20,000 generated tickets in two snapshots plus targets,
// actuals, benchmarks and deductions, built once per test binary, with one department
// renamed to a formula in every input file.
func sampleDB(t testing.TB) string {
	t.Helper()
	dbOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zhuqi-reports-")
		if err != nil {
			dbErr = err
			return
		}
		ctx := context.Background()
		sum, err := sample.Generate(ctx, sample.Options{Out: dir, Tickets: 20000, Variants: []string{}})
		if err != nil {
			dbErr = err
			return
		}
		dbPath = filepath.Join(dir, "zhuqi.duckdb")
		st, err := store.Open(ctx, dbPath)
		if err != nil {
			dbErr = err
			return
		}
		defer st.Close()
		cfg := zhuqi.Default()
		for _, f := range sum.Files {
			if dbErr = rename(f.Path, plainDept, evilDept); dbErr != nil {
				return
			}
			opt := pipeline.Options{Kind: zhuqi.Kind(f.Kind)}
			if f.Kind != "tickets" {
				opt.AsOf = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
			}
			if _, dbErr = pipeline.Ingest(ctx, st, cfg, f.Path, opt); dbErr != nil {
				return
			}
		}
		var macros []string
		if macros, dbErr = queries.MacroSQL(ctx, st.DB, cfg, false); dbErr != nil {
			return
		}
		dbErr = pipeline.WriteCalendar(ctx, st, cfg, macros)
	})
	if dbErr != nil {
		t.Fatal(dbErr)
	}
	return dbPath
}

// rename rewrites the CSV file path with every cell equal to from set to to.
func rename(path, from, to string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		return err
	}
	for _, r := range recs {
		for i := range r {
			if r[i] == from {
				r[i] = to
			}
		}
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.WriteAll(recs)
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// openQ opens the sample database (writable: the ranking publishes) and a query session.
func openQ(t testing.TB) *queries.Q {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, sampleDB(t))
	if err != nil {
		t.Fatal(err)
	}
	st.Now = func() time.Time { return time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC) }
	q, err := queries.Open(ctx, st, zhuqi.Default())
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	stores.Store(q, st)
	t.Cleanup(func() { q.Close(); st.Close(); stores.Delete(q) })
	return q
}

// stores holds the store of each session openQ opened, where a ranking is recorded.
var stores sync.Map

// storeOf is the store of a session openQ opened.
func storeOf(q *queries.Q) *store.Store {
	st, _ := stores.Load(q)
	return st.(*store.Store)
}

// doc is one document generated once per test binary, with the layout check on: its
// files and what the check found.
type doc struct {
	files         []string
	problems      []string
	tables, cells int
}

var (
	docsMu  sync.Mutex
	docsDir string
	docs    = map[string]*doc{}
)

// document generates kind, period and lang under a folder shared by the tests the first
// time it is asked for, and returns the same files after: the tests that only read a
// document (its words, layout, HTML and page images) share one generation. The files
// must not be changed.
func document(t *testing.T, q *queries.Q, kind, period, lang string) *doc {
	t.Helper()
	docsMu.Lock()
	defer docsMu.Unlock()
	key := kind + "-" + period + "." + lang
	if d, ok := docs[key]; ok {
		return d
	}
	if docsDir == "" {
		dir, err := os.MkdirTemp("", "zhuqi-reports-docs-")
		if err != nil {
			t.Fatal(err)
		}
		docsDir = dir
	}
	dir := filepath.Join(docsDir, key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	d := &doc{}
	d.problems, d.tables, d.cells = reports.LayoutCheck(func() { d.files = generate(t, q, kind, period, lang, dir) })
	docs[key] = d
	return d
}

// TestMain removes the folders the tests shared.
func TestMain(m *testing.M) {
	code := m.Run()
	if dbPath != "" {
		os.RemoveAll(filepath.Dir(dbPath))
	}
	if docsDir != "" {
		os.RemoveAll(docsDir)
	}
	os.Exit(code)
}

// needTool skips nothing: the tools are installed by `make test` (target tools).
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is missing: run `make tools` (apt-get install poppler-utils)", name)
	}
}

// pdfText is the text of a PDF as pdftotext reads it.
func pdfText(t testing.TB, path string) string {
	t.Helper()
	needTool(t, "pdftotext")
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// squash drops white space, so that text broken across lines still matches.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// pdfFonts returns pdffonts' lines for the fonts of a PDF.
func pdfFonts(t testing.TB, path string) []string {
	t.Helper()
	needTool(t, "pdffonts")
	out, err := exec.Command("pdffonts", path).Output()
	if err != nil {
		t.Fatalf("pdffonts %s: %v", path, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[2:]
}

// inkShare renders the first page of a PDF and returns the share of pixels that are not
// white.
func inkShare(t testing.TB, path string) float64 {
	t.Helper()
	needTool(t, "pdftoppm")
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", "-singlefile", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v %s", path, err, out)
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return ink(img)
}

func ink(img image.Image) float64 {
	b := img.Bounds()
	var n, all int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			all++
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				n++
			}
		}
	}
	return float64(n) / float64(all)
}
