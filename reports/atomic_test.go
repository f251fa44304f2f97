package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi/reports"
)

// listDir names what is in dir, folders with a trailing slash.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		out = append(out, n)
	}
	return out
}

// TestGenerate_RankingAllOrNothing: when writing one file of a ranking fails, none of its
// files appears and no publication is recorded; once the way is clear, version 1 is
// recorded with every file.
func TestGenerate_RankingAllOrNothing(t *testing.T) {
	ctx := context.Background()
	q := openQ(t)
	p, err := q.Period("2026-09")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// A folder stands where the workbook goes.
	blocker := filepath.Join(dir, "ranking-2026-09-v1.xlsx")
	if err := os.Mkdir(blocker, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Generate(ctx, q, "ranking", p, reports.Options{Dir: dir, Store: storeOf(q)}); err == nil {
		t.Fatal("no error")
	} else {
		t.Log(err)
	}
	if got := listDir(t, dir); strings.Join(got, " ") != "ranking-2026-09-v1.xlsx/" {
		t.Errorf("left %v, want nothing but the folder in the way", got)
	}
	if pub, err := q.Publication(ctx, "2026-09"); err == nil {
		t.Fatalf("publication %s recorded without its files", pub.ID)
	}

	os.Remove(blocker)
	os.WriteFile(blocker, []byte("not a folder"), 0o644)
	if _, _, err := reports.Publish(ctx, storeOf(q), q, p, time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC), filepath.Join(blocker, "out")); err == nil {
		t.Fatal("publish under a file: no error")
	}
	if pub, err := q.Publication(ctx, "2026-09"); err == nil {
		t.Fatalf("publication %s recorded without its files", pub.ID)
	}
	os.Remove(blocker)

	files, err := reports.Generate(ctx, q, "ranking", p, reports.Options{Dir: dir, Store: storeOf(q)})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := q.Publication(ctx, "2026-09")
	if err != nil {
		t.Fatal(err)
	}
	if pub.Version != 1 || len(pub.Files) != len(files) || !slices.Contains(pub.Files, "ranking-2026-09-v1.xlsx") {
		t.Errorf("v%d files %v, want v1 with %d files", pub.Version, pub.Files, len(files))
	}
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, ".") {
			t.Errorf("temporary %s left", n)
		}
	}
}
