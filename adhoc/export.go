package adhoc

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// exportSQL holds the queries of the exported folders, each after a "-- name: NAME" line.
//
//go:embed sql/export.sql
var exportSQL string

//go:embed sql/defuse.sql
var defuseSQL string

// Exported is one folder written by Export.
type Exported struct {
	Table string
	Dir   string
	Rows  int64
}

// ExportQueries returns the exported folders' names and queries, in order.
func ExportQueries() (names, queries []string) {
	for _, part := range strings.Split(exportSQL, "-- name: ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		names = append(names, strings.TrimSpace(name))
		queries = append(queries, strings.TrimSuffix(strings.TrimSpace(body), ";"))
	}
	return names, queries
}

// Export writes the tickets, ticket versions and published ranking rows under dir as
// Hive-partitioned files by month (dir/tickets/month=2026-10/data_0.parquet), in format
// parquet or csv (with a header), which DuckDB, pandas/pyarrow, Spark and Trino read as
// is. Each folder is written beside its destination and then moved into place, replacing
// an earlier export. The Session needs a Config for the period macros.
func (s *Session) Export(ctx context.Context, dir, format string) ([]Exported, error) {
	var opts string
	switch format {
	case "parquet":
		opts = "FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month)"
	case "csv":
		opts = "FORMAT csv, HEADER true, PARTITION_BY (month)"
	default:
		return nil, fmt.Errorf("export: unknown format %q: use parquet or csv", format)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".export-")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(tmp)
	names, queries := ExportQueries()
	var out []Exported
	err = s.withConn(ctx, func(conn *sql.Conn) error {
		if format == "csv" {
			if _, err := conn.ExecContext(ctx, defuseSQL); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
		for i, name := range names {
			target := filepath.Join(tmp, name)
			q := queries[i]
			if format == "csv" {
				var err error
				if q, err = defused(ctx, conn, q); err != nil {
					return fmt.Errorf("export %s: %w", name, err)
				}
			}
			res, err := conn.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO %s (%s)", q, quote(target), opts))
			if err != nil {
				return fmt.Errorf("export %s: %w", name, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("export %s: %w", name, err)
			}
			// COPY writes no folder for no rows: an empty folder says the table was exported.
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			out = append(out, Exported{Table: name, Dir: filepath.Join(dir, name), Rows: n})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, e := range out {
		if err := os.RemoveAll(e.Dir); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		if err := os.Rename(filepath.Join(tmp, e.Table), e.Dir); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	return out, nil
}

// defused wraps query so that its text columns pass through zq_defuse (sql/defuse.sql).
func defused(ctx context.Context, conn *sql.Conn, query string) (string, error) {
	rows, err := conn.QueryContext(ctx, "DESCRIBE "+query)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var repl []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		name, typ := fmt.Sprint(vals[0]), fmt.Sprint(vals[1])
		if typ == "VARCHAR" && name != "month" {
			id := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
			repl = append(repl, fmt.Sprintf("zq_defuse(%s) AS %s", id, id))
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(repl) == 0 {
		return query, nil
	}
	return fmt.Sprintf("SELECT * REPLACE (%s) FROM (%s)", strings.Join(repl, ", "), query), nil
}
