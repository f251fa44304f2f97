package adhoc

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"

	"github.com/zhuqi/zhuqi/internal/tabular"
)

// schemaSQL lists the tables and views of the database with their columns and comments.
//
//go:embed sql/schema.sql
var schemaSQL string

// macrosSQL lists the table macros stored in the database.
//
//go:embed sql/macros_list.sql
var macrosSQL string

// Relation is a table or view with its comment and columns.
type Relation struct {
	Name, Kind, Comment string
	Columns             []ColumnInfo
}

// ColumnInfo is one column of a Relation.
type ColumnInfo struct {
	Name, Type, Comment string
}

// Relations reads the tables and views of the database (schema main), in name order.
func (s *Session) Relations(ctx context.Context) ([]Relation, error) {
	var out []Relation
	err := s.withConn(ctx, func(conn *sql.Conn) error {
		rows, err := conn.QueryContext(ctx, schemaSQL)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, kind, col, typ string
			var comment, colComment sql.NullString
			if err := rows.Scan(&name, &kind, &comment, &col, &typ, &colComment); err != nil {
				return err
			}
			if len(out) == 0 || out[len(out)-1].Name != name {
				out = append(out, Relation{Name: name, Kind: kind, Comment: comment.String})
			}
			r := &out[len(out)-1]
			r.Columns = append(r.Columns, ColumnInfo{Name: col, Type: typ, Comment: colComment.String})
		}
		return rows.Err()
	})
	return out, err
}

// Schema describes the database for a person: each table and view with its comment, then
// its columns with their types and comments, then the table macros.
func (s *Session) Schema(ctx context.Context) (string, error) {
	rels, err := s.Relations(ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "数据库 database %s\n\n", s.Path)
	for _, r := range rels {
		fmt.Fprintf(&b, "%s (%s)\n", r.Name, r.Kind)
		if r.Comment != "" {
			fmt.Fprintf(&b, "  %s\n", r.Comment)
		}
		t := &tabular.Table{Columns: []tabular.Column{tabular.Col("column", tabular.Text), tabular.Col("type", tabular.Text), tabular.Col("comment", tabular.Text)}}
		for _, c := range r.Columns {
			t.Rows = append(t.Rows, []any{c.Name, c.Type, c.Comment})
		}
		var tb strings.Builder
		if err := tabular.WriteText(&tb, t); err != nil {
			return "", err
		}
		for _, line := range strings.Split(strings.TrimRight(tb.String(), "\n"), "\n") {
			b.WriteString("  " + strings.TrimRight(line, " ") + "\n")
		}
		b.WriteString("\n")
	}
	err = s.withConn(ctx, func(conn *sql.Conn) error {
		rows, err := conn.QueryContext(ctx, macrosSQL)
		if err != nil {
			return err
		}
		defer rows.Close()
		t, err := readTable(rows)
		if err != nil {
			return err
		}
		if len(t.Rows) == 0 {
			return nil
		}
		b.WriteString("表宏 table macros (see docs/sql.md)\n")
		var tb strings.Builder
		if err := tabular.WriteText(&tb, t); err != nil {
			return err
		}
		for _, line := range strings.Split(strings.TrimRight(tb.String(), "\n"), "\n") {
			b.WriteString("  " + strings.TrimRight(line, " ") + "\n")
		}
		return nil
	})
	return b.String(), err
}
