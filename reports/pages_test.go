package reports_test

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Golden page images: how close a page must be to its golden image. A pixel differs when
// a channel differs by more than pixelTolerance (of 255); a page may have at most
// pageTolerance of its pixels differ (anti-aliasing of another poppler or font build).
const (
	pixelTolerance = 64
	pageTolerance  = 0.003
	goldenDPI      = "50"
)

// TestGolden_Pages renders one page of each document kind as a picture and compares it
// with testdata/golden/pages, within a tolerance: a chart axis, a legend, a column or a
// page break moved shows. Rewrite with -update.
func TestGolden_Pages(t *testing.T) {
	needTool(t, "pdftoppm")
	q := openQ(t)
	for _, tc := range []struct {
		kind, period, lang string
		page               string
	}{
		{"briefing", "2026-10", "zh", "1"}, {"briefing", "2026-10", "zh", "2"}, {"briefing", "2026-10", "zh", "3"},
		{"briefing", "2026-10", "zh", "4"}, {"ranking", "2026-10", "zh", "1"},
		{"cadres", "2026-W42", "zh", "1"}, {"overdue", "2026-10-31", "en", "1"},
	} {
		name := tc.kind + "-" + tc.period + "." + tc.lang + "-p" + tc.page + ".png"
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			pdf := only(t, document(t, q, tc.kind, tc.period, tc.lang).files, ".pdf")
			prefix := filepath.Join(dir, "page")
			if out, err := exec.Command("pdftoppm", "-f", tc.page, "-l", tc.page, "-r", goldenDPI, "-png", "-singlefile", pdf, prefix).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm %s: %v %s", pdf, err, out)
			}
			got, err := os.ReadFile(prefix + ".png")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", "pages", name)
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := readPNG(path)
			if err != nil {
				t.Fatalf("%v (run `go test -tags duckdb_arrow ./reports -run TestGolden -update`)", err)
			}
			img, err := readPNG(prefix + ".png")
			if err != nil {
				t.Fatal(err)
			}
			share, diff := pixelDiff(img, want)
			if share > pageTolerance {
				os.WriteFile(path+".FAIL.png", got, 0o644)
				if f, err := os.Create(path + ".DIFF.png"); err == nil {
					png.Encode(f, diff)
					f.Close()
				}
				t.Errorf("%s: %.2f%% of the pixels differ from %s (at most %.2f%%); see %s.FAIL.png and .DIFF.png (-update accepts)",
					name, 100*share, path, 100*pageTolerance, path)
			}
		})
	}
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// pixelDiff is the share of pixels of a and b that differ by more than pixelTolerance in
// a channel (all of them when the sizes differ), and an image of them in red.
func pixelDiff(a, b image.Image) (float64, *image.RGBA) {
	ab, bb := a.Bounds(), b.Bounds()
	diff := image.NewRGBA(ab)
	if ab.Size() != bb.Size() {
		return 1, diff
	}
	far := func(x, y uint32) bool { return x>>8 > y>>8+pixelTolerance || y>>8 > x>>8+pixelTolerance }
	var n int
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			c := color.RGBA{255, 255, 255, 255}
			if far(r1, r2) || far(g1, g2) || far(b1, b2) {
				n++
				c = color.RGBA{220, 0, 0, 255}
			}
			diff.Set(ab.Min.X+x, ab.Min.Y+y, c)
		}
	}
	return float64(n) / float64(ab.Dx()*ab.Dy()), diff
}
