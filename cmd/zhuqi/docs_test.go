package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/adhoc"
)

// TestDocsSQL runs every ```sql block of docs/sql.md on the database `zhuqi demo` builds
// (the generator with the demo's settings): each must run, and return a row unless it
// says it may be empty.
func TestDocsSQL(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "sql.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 12 {
		t.Fatalf("docs/sql.md has %d sql blocks, want at least 12", len(blocks))
	}
	out := t.TempDir()
	if code, _, errs := run(t, "demo", "--out", out); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	s := &adhoc.Session{Path: filepath.Join(out, "zhuqi.duckdb"), Config: zhuqi.Default()}
	for i, b := range blocks {
		query := b[1]
		title := strings.TrimSpace(strings.SplitN(query, "\n", 2)[0])
		t.Run(title, func(t *testing.T) {
			res, err := s.Run(context.Background(), query)
			if err != nil {
				t.Fatalf("block %d: %v", i+1, err)
			}
			last := res[len(res)-1].Table
			if len(last.Rows) == 0 && !strings.Contains(query, "-- may be empty") {
				t.Errorf("block %d returned no rows:\n%s", i+1, query)
			}
		})
	}
}
