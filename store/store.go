// Package store is the Zhuqi database: opening it, its schema and migrations
// (schema/*.sql), and the helpers the packages that write to it share. Each package
// writes its own tables (docs/architecture.md, "Who writes which table").
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

//go:embed schema/*.sql
var schemaFS embed.FS

// Store is a Zhuqi DuckDB database. Open one per process; it is safe for concurrent use.
type Store struct {
	DB   *sql.DB
	Path string
	// Now is the clock used for the ledger's start and finish times.
	Now func() time.Time
	// New says that Open created the database: it applied the whole schema.
	New bool

	connector *duckdb.Connector
	readOnly  bool
}

// Open opens (creating if needed) the database at path and brings its schema up to date.
// An empty path or ":memory:" opens an in-memory database.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, false)
}

// OpenReadOnly opens an existing database for reading only. A database written by an
// older zhuqi, whose schema lacks migrations of this one, is first brought up to date by
// a brief writable open (which needs no other program writing to it), so that every
// reader sees the schema its queries expect.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	s, err := open(ctx, path, true)
	if err != nil {
		return nil, err
	}
	pending, err := s.pendingMigrations(ctx)
	if err != nil || pending == 0 {
		if err != nil {
			s.Close()
		}
		return s, err
	}
	s.Close()
	w, err := open(ctx, path, false)
	if err != nil {
		return nil, fmt.Errorf("%s was written by an older zhuqi and must be upgraded once (%d schema changes), which needs it free for writing: %w", path, pending, err)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return open(ctx, path, true)
}

// pendingMigrations counts the embedded schema files not recorded as applied.
func (s *Store) pendingMigrations(ctx context.Context) (int, error) {
	names, err := fs.Glob(schemaFS, "schema/*.sql")
	if err != nil {
		return 0, err
	}
	var has bool
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'schema_migrations'`).Scan(&has); err != nil {
		return 0, fmt.Errorf("open %s: %w", s.Path, err)
	}
	if !has {
		return len(names), nil
	}
	var applied int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE list_contains(?::VARCHAR[], name)`, names).Scan(&applied); err != nil {
		return 0, fmt.Errorf("open %s: %w", s.Path, err)
	}
	return len(names) - applied, nil
}

func open(ctx context.Context, path string, readOnly bool) (*Store, error) {
	dsn := path
	if path == ":memory:" {
		dsn = ""
	}
	if readOnly {
		dsn += "?access_mode=read_only"
	}
	c, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		if readOnly {
			return nil, fmt.Errorf("open %s read-only: %w", path, err)
		}
		return nil, fmt.Errorf("open %s: %w (is another zhuqi or DuckDB client writing to it?)", path, err)
	}
	s := &Store{DB: sql.OpenDB(c), Path: path, Now: time.Now, connector: c, readOnly: readOnly}
	if !readOnly {
		// Text columns are stored without FSST compression. Choosing it costs every string
		// column of every row group a trial compression, and only the near-unique ones (ticket
		// ids, enterprise names) take it: writing ticket versions runs 12-15% faster, the file
		// is 15% larger, and those columns read back without decompressing (README).
		if _, err := s.DB.ExecContext(ctx, "SET disabled_compression_methods = 'fsst'"); err != nil {
			s.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		if err := s.migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
		// This process holds the database for writing: no ingest of another runs.
		s.clearTemp()
		if err := s.giveBackOnOpen(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.DB.Close()
	if cerr := s.connector.Close(); err == nil {
		err = cerr
	}
	return err
}

// migrate applies the embedded schema files not yet recorded in schema_migrations,
// each in its own transaction, in name order.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.DB.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(schemaFS, "schema/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	applied := 0
	for _, name := range names {
		ok, err := s.applyMigration(ctx, name)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if ok {
			applied++
		}
	}
	s.New = applied == len(names)
	return nil
}

// applyMigration applies schema file name unless it was; it reports whether it did.
func (s *Store) applyMigration(ctx context.Context, name string) (bool, error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	body, err := schemaFS.ReadFile(name)
	if err != nil {
		return false, err
	}
	for _, stmt := range SplitSQL(string(body)) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?)`, name, s.Now()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// WithConn runs f on one dedicated connection, which staging with temporary tables and
// Arrow views needs.
func (s *Store) WithConn(ctx context.Context, f func(*sql.Conn) error) error {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return f(conn)
}

// RawConn gives f the driver connection behind conn (for the Arrow interface).
func RawConn(conn *sql.Conn, f func(driver.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("not a driver connection")
		}
		return f(c)
	})
}

// TempRoot is the folder beside the database where ingests keep temporary files (an
// XLSX sheet unpacked by excelize); "" for an in-memory database.
func (s *Store) TempRoot() string {
	if s.Path == "" || s.Path == ":memory:" {
		return ""
	}
	return s.Path + ".tmp"
}

// clearTemp removes the temporary files of ingests that did not end (a killed process).
// Only the process that opened the database for writing calls it: no other ingest runs.
func (s *Store) clearTemp() {
	root := s.TempRoot()
	if root == "" {
		return
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "ingest-") {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
	os.Remove(root)
}
