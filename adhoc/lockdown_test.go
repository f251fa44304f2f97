package adhoc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/zhuqi/zhuqi/store"
)

// emptyDB is a new Zhuqi database (the schema, no rows) in a folder of its own.
func emptyDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "z.duckdb")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSession_RefusalsByKind(t *testing.T) {
	db := emptyDB(t)
	dir := filepath.Dir(db)
	s := &Session{Path: db}
	for _, tc := range []struct {
		stmt string
		want error
	}{
		{"INSERT INTO calendar SELECT * FROM calendar", ErrReadOnly},
		{"CREATE TEMP MACRO m(a) AS a + 1", ErrReadOnly},
		{"COPY (SELECT 1) TO '" + filepath.Join(dir, "x.csv") + "'", ErrNoFiles},
		// DuckDB leaves the database's own file readable (read_blob of it): only its bytes.
		{"SELECT * FROM read_text('/etc/hostname')", ErrNoFiles},
		{"SELECT * FROM read_blob('/etc/passwd')", ErrNoFiles},
		{"SELECT * FROM read_parquet('" + filepath.Join(dir, "*.parquet") + "')", ErrNoFiles},
		{"EXPORT DATABASE '" + filepath.Join(dir, "exp") + "'", ErrNoFiles},
		{"ATTACH ':memory:' AS m", ErrNoAttach},
		{"INSTALL json", ErrNoExtensions},
		{"SET memory_limit = '1GB'", ErrLocked},
		{"SET lock_configuration = false", ErrLocked},
		{"CALL pragma_version()", ErrNotAllowed},
		{"BEGIN TRANSACTION", ErrNotAllowed},
	} {
		_, err := s.Run(context.Background(), tc.stmt)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.stmt, err, tc.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files beside the database: %v", entries)
	}
	res, err := s.Run(context.Background(), "SELECT count(*) AS n FROM tickets; SELECT current_setting('enable_external_access') AS ext")
	if err != nil {
		t.Fatal(err)
	}
	if got := res[1].Table.Rows[0][0]; got != false {
		t.Errorf("enable_external_access = %v in the session", got)
	}
}

func TestSession_ParquetWithoutExternalAccess(t *testing.T) {
	db := emptyDB(t)
	out := filepath.Join(t.TempDir(), "sub", "r.parquet")
	s := &Session{Path: db}
	if err := s.CopyParquet(context.Background(), "SELECT range AS n, 'x' || range AS s FROM range(1000)", out); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(out)
	if err != nil || info.Size() < 100 {
		t.Fatalf("%v, %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(out), ".r.parquet.tmp")); err == nil {
		t.Error("temporary file left")
	}
	if err := s.CopyParquet(context.Background(), "DELETE FROM calendar", out); !errors.Is(err, ErrReadOnly) {
		t.Errorf("a write as the last statement: %v", err)
	}
}
