package queries

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// record is one result row by column name, values normalised to int64, float64, string,
// bool, time.Time or nil.
type record map[string]any

func (q *Q) records(ctx context.Context, query string, args ...any) ([]record, error) {
	rows, err := q.conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []record
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(record, len(cols))
		for i, c := range cols {
			r[c] = normalise(vals[i])
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func normalise(v any) any {
	switch x := v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case *big.Int:
		return x.Int64()
	case float32:
		return float64(x)
	case duckdb.Decimal:
		return x.Float64()
	case []byte:
		return string(x)
	}
	return v
}

func (r record) int(col string) int64 {
	switch x := r[col].(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}

// rate is a nullable number: nil when NULL (a zero denominator).
func (r record) rate(col string) *float64 {
	switch x := r[col].(type) {
	case float64:
		return &x
	case int64:
		f := float64(x)
		return &f
	}
	return nil
}

func (r record) str(col string) *string {
	switch x := r[col].(type) {
	case string:
		return &x
	case nil:
		return nil
	default:
		s := fmt.Sprint(x)
		return &s
	}
}

func (r record) text(col string) string {
	if s := r.str(col); s != nil {
		return *s
	}
	return ""
}

func (r record) time(col string, loc *time.Location) *time.Time {
	if t, ok := r[col].(time.Time); ok {
		w := wall(t, loc)
		return &w
	}
	return nil
}

func (r record) bool(col string) bool {
	b, _ := r[col].(bool)
	return b
}

func (r record) boolp(col string) *bool {
	if b, ok := r[col].(bool); ok {
		return &b
	}
	return nil
}
