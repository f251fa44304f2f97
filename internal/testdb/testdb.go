// Package testdb hands tests a fresh database quickly: a copy of an empty one that
// store.Open made once per test binary (schema applied, no rows), which Open then finds
// up to date. Copying it is about ten times quicker than creating a database.
package testdb

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/zhuqi/zhuqi/store"
)

var (
	once  sync.Once
	empty []byte
	err   error
)

// Empty writes an empty database at path, failing tb if it cannot.
func Empty(tb testing.TB, path string) {
	tb.Helper()
	once.Do(func() {
		var dir string
		if dir, err = os.MkdirTemp("", "zhuqi-empty-"); err != nil {
			return
		}
		defer os.RemoveAll(dir)
		p := filepath.Join(dir, "zhuqi.duckdb")
		var s *store.Store
		if s, err = store.Open(context.Background(), p); err != nil {
			return
		}
		if err = s.Close(); err == nil {
			empty, err = os.ReadFile(p)
		}
	})
	if err != nil {
		tb.Fatalf("empty database: %v", err)
	}
	if err := os.WriteFile(path, empty, 0o644); err != nil {
		tb.Fatal(err)
	}
}
