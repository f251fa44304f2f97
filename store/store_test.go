package store

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func mustOpen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func queryStrings(t *testing.T, s *Store, q string) []string {
	t.Helper()
	rows, err := s.DB.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStore_New: Open says whether it created the database.
func TestStore_New(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhuqi.duckdb")
	for i, want := range []bool{true, false} {
		s := mustOpen(t, path)
		if s.New != want {
			t.Errorf("open %d: New = %v, want %v", i+1, s.New, want)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrations_NamesKept: schema_migrations records each schema file under the name
// databases made before the store was its own package recorded ("schema/NNNN_….sql"), so
// Open finds an existing database up to date and applies nothing to it again.
func TestMigrations_NamesKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhuqi.duckdb")
	s := mustOpen(t, path)
	got := queryStrings(t, s, `SELECT name FROM schema_migrations ORDER BY name`)
	want := []string{
		"schema/0001_init.sql",
		"schema/0002_calendar_publications.sql",
		"schema/0003_runs.sql",
		"schema/0004_raw_hash.sql",
		"schema/0005_column_comments.sql",
		"schema/0006_timing.sql",
		"schema/0007_raw_hash_lines.sql",
		"schema/0008_macros_state.sql",
		"schema/0009_exclusions.sql",
		"schema/0010_runs_waiting.sql",
	}
	// A later migration adds a name; none of these may change.
	if len(got) < len(want) || !reflect.DeepEqual(got[:len(want)], want) {
		t.Fatalf("recorded migrations %q, want them to begin with %q", got, want)
	}
	// A database recorded as up to date under these names is not migrated again: a
	// migration applied twice would fail (its tables exist) or be recorded twice.
	if _, err := s.DB.Exec(`UPDATE schema_migrations SET applied_at = TIMESTAMP '2026-01-01 00:00:00'`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, path)
	defer s.Close()
	if s.New {
		t.Error("an existing database reopened as new")
	}
	var n, later int
	if err := s.DB.QueryRow(`SELECT count(*), count(*) FILTER (applied_at > TIMESTAMP '2026-01-01 00:00:00') FROM schema_migrations`).Scan(&n, &later); err != nil {
		t.Fatal(err)
	}
	if n != len(got) || later != 0 {
		t.Errorf("reopening: %d migrations recorded (%d applied again), want %d (none)", n, later, len(got))
	}
}

// TestOpenReadOnly_RefusesWrites: a read-only store reads and cannot write.
func TestOpenReadOnly_RefusesWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhuqi.duckdb")
	mustOpen(t, path).Close()
	s, err := OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.DB.QueryRow(`SELECT count(*) FROM publications`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`DELETE FROM publications`); err == nil {
		t.Error("a read-only store deleted rows")
	}
}

// TestOpenReadOnly_UpgradesOlderDatabase: a database written before the latest schema
// change is upgraded by a reader's open.
func TestOpenReadOnly_UpgradesOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "zhuqi.duckdb")
	s := mustOpen(t, path)
	// As the zhuqi before migration 0011 left it.
	for _, q := range []string{
		`DELETE FROM schema_migrations WHERE name = 'schema/0011_superseded_at.sql'`,
		`CREATE OR REPLACE VIEW tickets AS SELECT * EXCLUDE (is_current, row_hash, raw_hash, assign_due, reply_due, w_created, w_assign, w_answer, w_resolved, w_due, timing_key, superseded_at) FROM ticket_versions WHERE is_current`,
		`ALTER TABLE ticket_versions DROP COLUMN superseded_at`,
	} {
		if _, err := s.DB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	hasColumn := func(s *Store) bool {
		return len(queryStrings(t, s, `SELECT column_name FROM duckdb_columns() WHERE table_name = 'ticket_versions' AND column_name = 'superseded_at'`)) == 1
	}
	if hasColumn(s) {
		t.Fatal("the column is still there")
	}
	s.Close()
	r, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !hasColumn(r) {
		t.Error("a read-only open of an older database left it without the latest schema")
	}
}

// TestDuckDBFileLayout: a checkpointed DuckDB file is its headers and its blocks, as
// giveBackOnOpen assumes when it cuts what a failed write left past them.
func TestDuckDBFileLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhuqi.duckdb")
	s := mustOpen(t, path)
	defer s.Close()
	for i, n := range []int{10, 300000} {
		for _, q := range []string{
			`CREATE OR REPLACE TABLE layout AS SELECT range AS i, 'row ' || range AS s FROM range(?)`,
			"CHECKPOINT",
		} {
			args := []any{n}
			if q == "CHECKPOINT" {
				args = nil
			}
			if _, err := s.DB.Exec(q, args...); err != nil {
				t.Fatalf("%d: %s: %v", i, q, err)
			}
		}
		var total, blockSize int64
		if err := s.DB.QueryRow(`SELECT total_blocks, block_size FROM pragma_database_size()`).Scan(&total, &blockSize); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := st.Size(), duckdbHeaders+total*blockSize; got != want {
			t.Errorf("file of %d bytes, want %d headers + %d blocks of %d = %d", got, duckdbHeaders, total, blockSize, want)
		}
	}
}

// TestOpen_GivesBackGrownFile: blocks a failed write left past the last one the database
// knows are cut when the database is next opened for writing.
func TestOpen_GivesBackGrownFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhuqi.duckdb")
	s := mustOpen(t, path)
	if _, err := s.DB.Exec("CHECKPOINT"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	size := st.Size()
	if err := os.Truncate(path, size+64<<20); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, path).Close()
	if st, err = os.Stat(path); err != nil {
		t.Fatal(err)
	}
	// The checkpoint that gives the space back writes a few blocks of its own.
	if st.Size() > size+4<<20 {
		t.Errorf("file of %d KiB after opening, want about %d KiB as before it grew by 64 MiB", st.Size()>>10, size>>10)
	}
}
