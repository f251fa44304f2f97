package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

// stageTable holds a file's rows as text before normalisation: _row (the row number a
// spreadsheet shows), c0…cN (the file's columns in order), _pre (why a row could not be
// taken apart) and _more (JSON of cells beyond the header).
const stageTable = "zq_stage"

// stageStats counts what staging saw.
type stageStats struct {
	Rows  int64 // data rows staged
	Blank int64 // blank rows skipped
	// Compared is true when rawTable, dupTable and skipTable were filled while staging.
	Compared bool
	// Plan, when set, plans each row for the direct path (lineCompare.plan): nothing is
	// staged yet.
	Plan []byte
	// Partial is true when only the rows left to parse are staged (none unchanged).
	Partial bool
	// RawLater is lineCompare.rawLater.
	RawLater bool
	// Parsed counts the rows read in Go into normTable (parseChanged).
	Parsed int64
	// Matched counts the unchanged rows found in Go (lineCompare.matched).
	Matched int64
}

func stageColumns(width int) []string {
	cols := make([]string, width)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d", i)
	}
	return cols
}

func createStage(ctx context.Context, conn *sql.Conn, width int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE OR REPLACE TEMP TABLE %s (_row BIGINT", stageTable)
	for _, c := range stageColumns(width) {
		fmt.Fprintf(&b, ", %s VARCHAR", c)
	}
	b.WriteString(", _pre VARCHAR, _more VARCHAR)")
	_, err := conn.ExecContext(ctx, b.String())
	return err
}

// stageRows loads the rows of src (positioned after the header) through Arrow record
// batches of cfg's batch rows, streamed into DuckDB by one INSERT; rows of nothing but
// cfg's cell space are counted blank, not staged.
func stageRows(ctx context.Context, conn *sql.Conn, src rowSource, width int, cfg *zhuqi.Config, progress func(int64)) (stageStats, error) {
	batchRows, space := cfg.Ingest.BatchRows, cfg.Cells.Space
	if err := createStage(ctx, conn, width); err != nil {
		return stageStats{}, err
	}
	fields := []arrow.Field{{Name: "_row", Type: arrow.PrimitiveTypes.Int64}}
	for _, c := range stageColumns(width) {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	fields = append(fields,
		arrow.Field{Name: "_pre", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "_more", Type: arrow.BinaryTypes.String, Nullable: true})
	var stats stageStats
	fill := func(bld *array.RecordBuilder) (int, error) {
		rowB := bld.Field(0).(*array.Int64Builder)
		cells := make([]*array.StringBuilder, width)
		for i := range cells {
			cells[i] = bld.Field(i + 1).(*array.StringBuilder)
		}
		preB := bld.Field(width + 1).(*array.StringBuilder)
		moreB := bld.Field(width + 2).(*array.StringBuilder)
		n := 0
		for n < batchRows {
			rw, err := src.Next()
			if err != nil {
				stats.Rows += int64(n)
				return n, err
			}
			if rw.Pre == "" && blank(rw.Cells, space) {
				stats.Blank++
				continue
			}
			pre, more := rw.Pre, rw.More
			if len(rw.Cells) > width && pre == "" {
				if over := rw.Cells[width:]; !blank(over, space) {
					pre = fmt.Sprintf("too_many_fields\t本行有%d列，比表头的%d列多：可能是某个单元格里有未加引号的分隔符，请修正后重新导入 (the row has more cells than the header)", len(rw.Cells), width)
					b, _ := json.Marshal(map[string][]string{"_overflow": over})
					more = string(b)
				}
			}
			rowB.Append(rw.Num)
			for i, b := range cells {
				if i < len(rw.Cells) && rw.Cells[i] != "" {
					b.Append(rw.Cells[i])
				} else {
					b.AppendNull()
				}
			}
			appendOrNull(preB, pre)
			appendOrNull(moreB, more)
			n++
		}
		stats.Rows += int64(n)
		if progress != nil {
			progress(src.Offset())
		}
		return n, nil
	}
	err := insertArrow(ctx, conn, newBatchReader(ctx, arrow.NewSchema(fields, nil), fill), stageTable)
	return stats, err
}

// insertArrow inserts the batches of rr into table.
func insertArrow(ctx context.Context, conn *sql.Conn, rr *batchReader, table string) error {
	if err := execArrow(ctx, conn, rr, "INSERT INTO "+table+" SELECT * FROM zq_arrow"); err != nil {
		if rr.err != nil {
			return err // the file's own error says it all
		}
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

// execArrow runs query, which reads the batches of rr as the view zq_arrow.
func execArrow(ctx context.Context, conn *sql.Conn, rr *batchReader, query string) error {
	defer rr.Release()
	err := execView(ctx, conn, rr, query)
	// DuckDB sees a reader error as the end of the stream, so check it here: a file that
	// failed half-way must not pass for a shorter file.
	if rr.err != nil {
		return rr.err
	}
	return err
}

// execView runs query, which reads the batches of rr as the view zq_arrow.
func execView(ctx context.Context, conn *sql.Conn, rr array.RecordReader, query string) error {
	return store.RawConn(conn, func(dc driver.Conn) error {
		ar, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return err
		}
		release, err := ar.RegisterView(rr, "zq_arrow")
		if err != nil {
			return err
		}
		defer release()
		_, err = dc.(driver.ExecerContext).ExecContext(ctx, query, nil)
		return err
	})
}

// stream is the part of an array.RecordReader that batchReader and chanReader share:
// the reference count, the schema and the current batch. free, if set, runs at the last
// Release.
type stream struct {
	refs   atomic.Int64
	schema *arrow.Schema
	cur    arrow.RecordBatch
	free   func()
}

// init sets up a stream holding one reference.
func (r *stream) init(schema *arrow.Schema, free func()) {
	r.schema, r.free = schema, free
	r.refs.Store(1)
}

func (r *stream) Retain() { r.refs.Add(1) }

func (r *stream) Release() {
	if r.refs.Add(-1) == 0 {
		r.drop()
		if r.free != nil {
			r.free()
		}
	}
}

// drop lets go of the current batch.
func (r *stream) drop() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

func (r *stream) Schema() *arrow.Schema          { return r.schema }
func (r *stream) Record() arrow.RecordBatch      { return r.cur }
func (r *stream) RecordBatch() arrow.RecordBatch { return r.cur }

// Err is always nil: a failed file ends the stream like a finished one, and the caller
// reports the error itself (insertArrow, loadDirect). Handing DuckDB the error made its
// threads ask the stream for it after one of them had released it (a crash, seen with
// small batches).
func (r *stream) Err() error { return nil }

// funcReader is an array.RecordReader of the batches next returns, up to a nil one or an
// error (kept in err).
type funcReader struct {
	stream
	next func() (arrow.RecordBatch, error)
	err  error
	done bool
}

var _ array.RecordReader = (*funcReader)(nil)

func newFuncReader(schema *arrow.Schema, next func() (arrow.RecordBatch, error)) *funcReader {
	r := &funcReader{next: next}
	r.init(schema, nil)
	return r
}

func (r *funcReader) Next() bool {
	r.drop()
	if r.done {
		return false
	}
	rec, err := r.next()
	if err != nil || rec == nil {
		if rec != nil {
			rec.Release()
		}
		r.err, r.done = err, true
		return false
	}
	r.cur = rec
	return true
}

// batchReader is an array.RecordReader that builds record batches on demand with fill,
// so a file of any size streams through bounded memory. fill appends up to one batch of
// rows and returns how many; io.EOF ends the stream after the rows it appended.
type batchReader struct {
	stream
	ctx  context.Context
	bld  *array.RecordBuilder
	fill func(*array.RecordBuilder) (int, error)
	err  error
	done bool
}

var _ array.RecordReader = (*batchReader)(nil)

func newBatchReader(ctx context.Context, schema *arrow.Schema, fill func(*array.RecordBuilder) (int, error)) *batchReader {
	r := &batchReader{ctx: ctx, bld: array.NewRecordBuilder(memory.DefaultAllocator, schema), fill: fill}
	r.init(schema, r.bld.Release)
	return r
}

func (r *batchReader) Next() bool {
	r.drop()
	if r.done || r.err != nil {
		return false
	}
	if err := r.ctx.Err(); err != nil {
		r.err = err
		return false
	}
	n, err := r.fill(r.bld)
	switch {
	case err == io.EOF:
		r.done = true
	case err != nil:
		r.err = err
		return false
	}
	if n == 0 {
		return false
	}
	r.cur = r.bld.NewRecordBatch()
	return true
}

func appendOrNull(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
	} else {
		b.Append(s)
	}
}

// blank reports whether every cell is empty or space.
func blank(cells []string, space string) bool {
	for _, c := range cells {
		if strings.Trim(c, space) != "" {
			return false
		}
	}
	return true
}

// stageCSVFast loads a simple UTF-8 CSV with DuckDB's own parallel reader. Row k of the
// result is record k, which a simple file (scan.Simple) guarantees is line k+1.
func stageCSVFast(ctx context.Context, conn *sql.Conn, path string, sc *scan, width int, maxLine int64) (stageStats, error) {
	cols := stageColumns(width)
	var types, sel, any strings.Builder
	for i, c := range cols {
		if i > 0 {
			types.WriteString(", ")
			sel.WriteString(", ")
			any.WriteString(", ")
		}
		fmt.Fprintf(&types, "'%s': 'VARCHAR'", c)
		sel.WriteString(c)
		fmt.Fprintf(&any, "zq_text(%s)", c)
	}
	// DuckDB keeps a single file's records in order (preserve_insertion_order), so a
	// record's rowid in the raw table is its index in the file; numbering rows that way
	// keeps the read parallel, where row_number() OVER () would not.
	raw := stageTable + "_raw"
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT %s FROM read_csv(%s, header = true, auto_detect = false, columns = {%s}, delim = %s,
                quote = '"', escape = '"', strict_mode = true, max_line_size = %d)`, raw, sel.String(), sqlString(path), types.String(),
		sqlString(string(sc.Delim)), maxLine+1)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return stageStats{}, err
	}
	// Blank rows are dropped; the first column alone settles most rows (OR evaluates its
	// right side only for the rows its left side leaves).
	q = fmt.Sprintf(`CREATE OR REPLACE TEMP VIEW %s AS
SELECT (rowid + 2)::BIGINT AS _row, %s, NULL::VARCHAR AS _pre, NULL::VARCHAR AS _more FROM %s
WHERE zq_text(c0) IS NOT NULL OR coalesce(%s) IS NOT NULL`, stageTable, sel.String(), raw, any.String())
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return stageStats{}, err
	}
	var st stageStats
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+stageTable).Scan(&st.Rows); err != nil {
		return st, err
	}
	st.Blank = sc.Records - st.Rows
	return st, nil
}

// parquetHeader lists a Parquet file's columns.
func parquetHeader(ctx context.Context, conn *sql.Conn, path string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT name FROM parquet_schema("+sqlString(path)+") WHERE num_children IS NULL OR num_children = 0")
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable Parquet file (%v)", ErrFileUnreadable, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// stageParquet loads a Parquet file with DuckDB's reader, every column as text.
func stageParquet(ctx context.Context, conn *sql.Conn, path string, headers []string) (stageStats, error) {
	var sel strings.Builder
	for i, h := range headers {
		fmt.Fprintf(&sel, ", CAST(%s AS VARCHAR) AS c%d", sqlIdent(h), i)
	}
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT (file_row_number + 1)::BIGINT AS _row%s, NULL::VARCHAR AS _pre, NULL::VARCHAR AS _more
FROM read_parquet(%s, file_row_number = true)`, stageTable, sel.String(), sqlString(path))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return stageStats{}, fmt.Errorf("%w: %v", ErrFileUnreadable, err)
	}
	var st stageStats
	err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+stageTable).Scan(&st.Rows)
	return st, err
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlIdent quotes s as a SQL identifier.
func sqlIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
