package adhoc

import (
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/zhuqi/zhuqi/store"
)

// lockdownSQL makes a session's connection read-only in every sense (DOMAIN §7).
//
//go:embed sql/lockdown.sql
var lockdownSQL string

// The refusals of a locked session, each saying why and what to use instead. A refused
// statement's error wraps one of them (or ErrReadOnly).
var (
	ErrNoFiles      = errors.New("zhuqi sql reads and writes no file but its database: save results with --format csv|json|parquet --out FILE, copy tables out with `zhuqi export`, load files with `zhuqi ingest`")
	ErrNoAttach     = errors.New("zhuqi sql works on its one database: nothing can be attached or detached; open another database with --db")
	ErrNoExtensions = errors.New("zhuqi sql installs and loads no extensions: use the built-in functions")
	ErrLocked       = errors.New("zhuqi sql cannot change its settings: they are locked")
	ErrNotAllowed   = errors.New("zhuqi sql runs only queries (SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)")
)

// lock runs the lockdown settings on conn; after it the connection can read only its
// database and change no setting.
func lock(ctx context.Context, conn *sql.Conn) error {
	for _, stmt := range store.SplitSQL(lockdownSQL) {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("lock the session: %w", err)
		}
	}
	return nil
}

// check refuses a statement that is not a query, by the type DuckDB's parser gives it,
// with the refusal that says what to use instead.
func check(ctx context.Context, conn *sql.Conn, stmt string) error {
	var typ duckdb.StmtType
	err := conn.Raw(func(dc any) error {
		p, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, stmt)
		if err != nil {
			return err
		}
		defer p.Close()
		s, ok := p.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("unexpected statement %T", p)
		}
		typ, err = s.StatementType()
		return err
	})
	if err != nil {
		return explain(ctx, stmt, err)
	}
	word := strings.ToUpper(firstWord(stmt))
	switch typ {
	case duckdb.STATEMENT_TYPE_SELECT, duckdb.STATEMENT_TYPE_EXPLAIN:
		return nil
	case duckdb.STATEMENT_TYPE_INSERT, duckdb.STATEMENT_TYPE_UPDATE, duckdb.STATEMENT_TYPE_DELETE,
		duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC, duckdb.STATEMENT_TYPE_DROP,
		duckdb.STATEMENT_TYPE_ALTER, duckdb.STATEMENT_TYPE_ANALYZE, duckdb.STATEMENT_TYPE_VACUUM:
		return fmt.Errorf("%w (%s)", ErrReadOnly, word)
	case duckdb.STATEMENT_TYPE_COPY, duckdb.STATEMENT_TYPE_EXPORT:
		return fmt.Errorf("%w (%s)", ErrNoFiles, word)
	case duckdb.STATEMENT_TYPE_ATTACH, duckdb.STATEMENT_TYPE_DETACH:
		return fmt.Errorf("%w (%s)", ErrNoAttach, word)
	case duckdb.STATEMENT_TYPE_LOAD, duckdb.STATEMENT_TYPE_EXTENSION:
		return fmt.Errorf("%w (%s)", ErrNoExtensions, word)
	case duckdb.STATEMENT_TYPE_SET, duckdb.STATEMENT_TYPE_VARIABLE_SET:
		return fmt.Errorf("%w (%s)", ErrLocked, word)
	case duckdb.STATEMENT_TYPE_PRAGMA:
		return fmt.Errorf("%w: PRAGMA is refused; for a table's columns use DESCRIBE t or `zhuqi schema`", ErrNotAllowed)
	case duckdb.STATEMENT_TYPE_CALL:
		if word == "CALL" {
			return fmt.Errorf("%w: CALL is refused; use SELECT * FROM the_function(...)", ErrNotAllowed)
		}
	}
	return fmt.Errorf("%w: %s is refused", ErrNotAllowed, word)
}

// firstWord is the statement's first keyword, after comments.
func firstWord(stmt string) string {
	for _, line := range strings.Split(stmt, "\n") {
		line, _, _ = strings.Cut(line, "--")
		if f := strings.Fields(line); len(f) > 0 {
			return strings.TrimLeft(f[0], "(")
		}
	}
	return ""
}
