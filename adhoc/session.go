package adhoc

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/store"
)

// ErrReadOnly is wrapped by the error of a statement that tried to change the database.
var ErrReadOnly = errors.New("zhuqi sql is read-only: use zhuqi ingest to change data")

// ErrInterrupted is wrapped by the error of a statement cancelled by its context (Ctrl-C).
var ErrInterrupted = errors.New("query interrupted")

// Session runs read-only SQL on the database at Path. Each Run opens the database
// read-only, creates the table macros of queries.MacroSQL for the configuration as TEMP
// macros, locks the connection down (no file but the database, no extension, no
// setting changed: sql/lockdown.sql), runs the statements that are queries on it and
// closes the database again.
type Session struct {
	Path   string
	Config *zhuqi.Config
	// Started, when set, is called as each statement starts (tests use it to interrupt).
	Started func(stmt string)
	// Warn receives notes such as macros that could not be created; nil drops them.
	Warn func(string)
}

// Result is the outcome of one statement: its rows, or none for a statement without
// a result set.
type Result struct {
	Statement string
	Table     *tabular.Table
}

// Silent reports whether the statement had nothing to show: no result set, or only
// DuckDB's empty "Success" of a statement such as SET.
func (r Result) Silent() bool {
	t := r.Table
	return len(t.Columns) == 0 || len(t.Columns) == 1 && t.Columns[0].Name == "Success" && len(t.Rows) == 0
}

// Run runs the statements of script in order and returns their results; it stops at the
// first error. A statement that writes fails with ErrReadOnly; one that would read or
// write another file, attach a database, load an extension or change a setting fails
// with ErrNoFiles, ErrNoAttach, ErrNoExtensions, ErrLocked or ErrNotAllowed; one whose
// context is cancelled fails with ErrInterrupted.
func (s *Session) Run(ctx context.Context, script string) ([]Result, error) {
	stmts := store.SplitSQL(script)
	if len(stmts) == 0 {
		return nil, nil
	}
	var out []Result
	err := s.withLockedConn(ctx, func(conn *sql.Conn) error {
		for _, stmt := range stmts {
			t, err := s.query(ctx, conn, stmt)
			if err != nil {
				return err
			}
			out = append(out, Result{Statement: stmt, Table: t})
		}
		return nil
	})
	return out, err
}

// CopyParquet runs script and writes the rows of its last statement to the Parquet file
// path (replaced atomically); the statements before it run first, on the same connection.
// The rows leave the locked session as Arrow records, and a DuckDB of their own, in
// memory, which sees nothing but them, writes the file.
func (s *Session) CopyParquet(ctx context.Context, script, path string) error {
	stmts := store.SplitSQL(script)
	if len(stmts) == 0 {
		return errors.New("no statement to export")
	}
	last := strings.TrimSpace(stmts[len(stmts)-1])
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	defer os.Remove(tmp)
	err := s.withLockedConn(ctx, func(conn *sql.Conn) error {
		for _, stmt := range stmts[:len(stmts)-1] {
			if _, err := s.query(ctx, conn, stmt); err != nil {
				return err
			}
		}
		if err := check(ctx, conn, last); err != nil {
			return err
		}
		if s.Started != nil {
			s.Started(last)
		}
		return conn.Raw(func(dc any) error {
			a, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
			if err != nil {
				return err
			}
			rr, err := a.QueryContext(ctx, last)
			if err != nil {
				return explain(ctx, last, err)
			}
			defer rr.Release()
			return writeParquet(ctx, rr, tmp)
		})
	})
	if err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// writeParquet writes the records of rr to the Parquet file path with an in-memory
// DuckDB of its own.
func writeParquet(ctx context.Context, rr array.RecordReader, path string) error {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return err
	}
	db := sql.OpenDB(c)
	defer c.Close()
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		a, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		release, err := a.RegisterView(rr, "zq_result")
		if err != nil {
			return err
		}
		defer release()
		_, err = dc.(driver.ExecerContext).ExecContext(ctx, "COPY zq_result TO "+quote(path)+" (FORMAT parquet)", nil)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// withLockedConn runs f on a connection of the database that is locked down.
func (s *Session) withLockedConn(ctx context.Context, f func(*sql.Conn) error) error {
	return s.withConn(ctx, func(conn *sql.Conn) error {
		if err := lock(ctx, conn); err != nil {
			return err
		}
		return f(conn)
	})
}

func (s *Session) withConn(ctx context.Context, f func(*sql.Conn) error) error {
	info, err := os.Stat(s.Path)
	if err != nil {
		return fmt.Errorf("open %s: %w (run `zhuqi ingest` or `zhuqi demo` first, or pass --db)", s.Path, err)
	}
	if info.IsDir() {
		return fmt.Errorf("open %s: a folder, not a database file", s.Path)
	}
	st, err := store.OpenReadOnly(ctx, s.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open %s: %w", s.Path, err)
	}
	defer conn.Close()
	if s.Config != nil {
		if err := queries.InstallMacros(ctx, conn, s.Config); err != nil && s.Warn != nil {
			s.Warn(fmt.Sprintf("the table macros (metrics, department_ranking …) are not available: %v", firstLine(err)))
		}
	}
	return f(conn)
}

// query runs one statement, if it is a query, and reads its result set.
func (s *Session) query(ctx context.Context, conn *sql.Conn, stmt string) (*tabular.Table, error) {
	if err := check(ctx, conn, stmt); err != nil {
		return nil, err
	}
	if s.Started != nil {
		s.Started(stmt)
	}
	rows, err := conn.QueryContext(ctx, stmt)
	if err != nil {
		return nil, explain(ctx, stmt, err)
	}
	defer rows.Close()
	t, err := readTable(rows)
	if err != nil {
		return nil, explain(ctx, stmt, err)
	}
	return t, nil
}

// explain wraps a statement's error: a write becomes ErrReadOnly, a cancellation
// ErrInterrupted.
func explain(ctx context.Context, stmt string, err error) error {
	msg := err.Error()
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled) || strings.Contains(msg, "Interrupt"):
		return fmt.Errorf("%w: %s", ErrInterrupted, firstLine(err))
	case strings.Contains(msg, "read-only mode"):
		return fmt.Errorf("%w (%s)", ErrReadOnly, firstLine(err))
	case strings.Contains(msg, "extensions is disabled"):
		return fmt.Errorf("%w (%s)", ErrNoExtensions, firstLine(err))
	case strings.Contains(msg, "disabled by configuration"):
		return fmt.Errorf("%w (%s)", ErrNoFiles, firstLine(err))
	case strings.Contains(msg, "configuration has been locked"):
		return fmt.Errorf("%w (%s)", ErrLocked, firstLine(err))
	}
	return fmt.Errorf("%s\n  in: %s", msg, abbreviate(stmt))
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func abbreviate(stmt string) string {
	stmt = strings.Join(strings.Fields(stmt), " ")
	if len(stmt) > 200 {
		return stmt[:200] + " …"
	}
	return stmt
}

// quote writes s as a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// readTable reads a result set as a table: numbers as numbers, dates and times as text
// in local wall time, nested values as DuckDB prints them.
func readTable(rows *sql.Rows) (*tabular.Table, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	t := &tabular.Table{}
	for _, ct := range types {
		t.Columns = append(t.Columns, tabular.Col(ct.Name(), kindOf(ct.DatabaseTypeName())))
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = value(types[i].DatabaseTypeName(), v)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, rows.Err()
}

func kindOf(dbType string) tabular.Kind {
	switch {
	case strings.HasSuffix(dbType, "INT") || strings.HasSuffix(dbType, "INTEGER"):
		return tabular.Int
	case dbType == "DOUBLE" || dbType == "FLOAT" || strings.HasPrefix(dbType, "DECIMAL"):
		return tabular.Num
	case dbType == "BOOLEAN":
		return tabular.Bool
	}
	return tabular.Text
}

// value normalises a scanned value for tabular: int64, float64, bool, string or nil.
func value(dbType string, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return fmt.Sprint(x)
	case *big.Int:
		return x.String()
	case float32:
		return float64(x)
	case duckdb.Decimal:
		return x.Float64()
	case []byte:
		if dbType == "UUID" && len(x) == 16 {
			return fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16])
		}
		return fmt.Sprintf("\\x%x", x)
	case time.Time:
		switch dbType {
		case "DATE":
			return x.Format("2006-01-02")
		case "TIME":
			return x.Format("15:04:05.999999")
		case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
			return x.Format("2006-01-02 15:04:05.999999Z07:00")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case string, int64, float64, bool:
		return x
	}
	return nested(v)
}

// nested writes a list, struct, map, interval or UUID the way DuckDB prints it.
func nested(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = nested(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = "'" + k + "': " + nested(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case duckdb.Map:
		parts := make([]string, 0, len(x))
		for k, e := range x {
			parts = append(parts, nested(k)+"="+nested(e))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	case duckdb.Interval:
		var parts []string
		if x.Months != 0 {
			parts = append(parts, fmt.Sprintf("%d months", x.Months))
		}
		if x.Days != 0 {
			parts = append(parts, fmt.Sprintf("%d days", x.Days))
		}
		if x.Micros != 0 || len(parts) == 0 {
			d := time.Duration(x.Micros) * time.Microsecond
			parts = append(parts, fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60))
		}
		return strings.Join(parts, " ")
	case duckdb.UUID:
		return fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16])
	case time.Time:
		return x.Format("2006-01-02 15:04:05.999999")
	}
	return fmt.Sprint(v)
}
