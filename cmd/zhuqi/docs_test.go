package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/adhoc"
)

// TestDocsSQL runs every ```sql block of docs/sql.md on the database `zhuqi demo` builds
// (the generator with the demo's settings, 3,000 tickets: the shared demo; the default
// size is BenchmarkDocsSQL's): each must run, and return a row unless it says it may be
// empty.
func TestDocsSQL(t *testing.T) {
	blocks := docsBlocks(t)
	d := sharedDemo(t)
	if r := d.runs[1]; r.code != 0 {
		t.Fatalf("demo: exit %d: %s", r.code, r.stderr)
	}
	s := &adhoc.Session{Path: filepath.Join(d.out, "zhuqi.duckdb"), Config: zhuqi.Default()}
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

// docsBlocks returns the ```sql blocks of docs/sql.md, each as the whole match and its
// query.
func docsBlocks(tb testing.TB) [][]string {
	tb.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "sql.md"))
	if err != nil {
		tb.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 12 {
		tb.Fatalf("docs/sql.md has %d sql blocks, want at least 12", len(blocks))
	}
	return blocks
}

// BenchmarkDocsSQL times each ```sql block of docs/sql.md on the database of a default
// `zhuqi demo` (20,000 tickets, a snapshot at each month's end): the size TestDocsSQL
// ran at before it shared the 3,000-ticket demo of the other tests.
func BenchmarkDocsSQL(b *testing.B) {
	blocks := docsBlocks(b)
	out := b.TempDir()
	var stdout, stderr strings.Builder
	m := &Main{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if err := m.Run(context.Background(), []string{"demo", "--out", out}); err != nil {
		b.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	s := &adhoc.Session{Path: filepath.Join(out, "zhuqi.duckdb"), Config: zhuqi.Default()}
	for i, blk := range blocks {
		b.Run(fmt.Sprintf("block%02d", i+1), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Run(context.Background(), blk[1]); err != nil {
					b.Fatalf("block %d: %v", i+1, err)
				}
			}
		})
	}
}
