// Package fastpath reads the lines of a ticket CSV straight into Arrow record batches, in
// Go, when every cell of a line is in a form with exactly one reading: ISO or slashed
// timestamps, known labels, valid codes, plain numbers. A first load of a large export is
// mostly such lines, and parsing them in SQL, then storing and writing them again, cost
// three times DuckDB's own typed read of the file. Any other line (a blank required cell,
// a Chinese date, an unknown label, padding, a bad code) is declined and left to the SQL
// normalisation, which holds every rule of DOMAIN §1.3 and its messages.
//
// The rules come from one place, zhuqi.CellRules and the configuration's label maps;
// the package builds no SQL and knows no database. Both paths give the same values
// (pipeline's TestDirect_SameAsSQL); where Go must write bytes as DuckDB does (JSON text,
// lower case, the decimal cast), a test here asks DuckDB.
package fastpath

import (
	"bytes"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/zhuqi/zhuqi"
)

// Layout is where the canonical ticket columns stand in a file's lines.
type Layout struct {
	Delim byte
	// Width is how many cells a line has.
	Width int
	// Source maps a canonical column to its cell; a column the file lacks is absent.
	Source map[string]int
	// Unknown lists the cells of columns Zhuqi does not know, kept in extra as a JSON
	// object header → cell, with their headers in Names.
	Unknown []int
	Names   []string
	// BatchRows is how many rows a record batch holds at most.
	BatchRows int
	// BadAmount lets a row whose amount is surely no number load with the amount empty
	// and the cell in the column t_amount (for the SQL's warning); else such a row is
	// declined.
	BadAmount bool
}

// Reader parses lines into record batches of Schema.
type Reader struct {
	p      *parser
	d      *batch
	schema *arrow.Schema
}

// New returns a Reader of lines laid out as l, by the cell rules and label maps of cfg.
func New(cfg *zhuqi.Config, l Layout) *Reader {
	p := newParser(cfg, l)
	schema := Schema(cfg.Cells, l.BadAmount)
	return &Reader{p: p, d: newBatch(p, schema, max(l.BatchRows, 1)), schema: schema}
}

// Schema is the Arrow schema of the rows a Reader makes: _row, raw_hash, the ticket
// columns in canonical order (timestamps in microseconds, booleans, decimals as
// DECIMAL(Precision, Scale), the rest text), extra as JSON text, and t_amount when
// badAmount.
func Schema(cells zhuqi.CellRules, badAmount bool) *arrow.Schema {
	fields := []arrow.Field{
		{Name: "_row", Type: arrow.PrimitiveTypes.Int64},
		{Name: "raw_hash", Type: arrow.PrimitiveTypes.Uint64},
	}
	for _, c := range zhuqi.Columns(zhuqi.KindTickets) {
		var t arrow.DataType
		switch c.Type {
		case zhuqi.TypeTimestamp:
			t = &arrow.TimestampType{Unit: arrow.Microsecond}
		case zhuqi.TypeBool:
			t = arrow.FixedWidthTypes.Boolean
		case zhuqi.TypeDecimal:
			t = &arrow.Decimal128Type{Precision: int32(cells.Precision), Scale: int32(cells.Scale)}
		default:
			t = arrow.BinaryTypes.String
		}
		fields = append(fields, arrow.Field{Name: c.Name, Type: t, Nullable: true})
	}
	fields = append(fields, arrow.Field{Name: "extra", Type: arrow.BinaryTypes.String, Nullable: true})
	if badAmount {
		fields = append(fields, arrow.Field{Name: "t_amount", Type: arrow.BinaryTypes.String, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

// Schema is the schema of r's records.
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// Parse adds line, data row number row with raw hash hash, to the batch, or reports
// false, leaving the batch as it was, when SQL must read the row.
func (r *Reader) Parse(line []byte, row int64, hash uint64) bool {
	return r.p.parse(r.d, line, row, hash)
}

// Rows is how many rows the batch holds.
func (r *Reader) Rows() int { return r.d.n }

// Full reports whether the batch holds BatchRows rows.
func (r *Reader) Full() bool { return r.d.n >= r.d.size }

// Record makes the rows parsed since the last record into one and starts a new batch.
func (r *Reader) Record() arrow.RecordBatch { return r.d.record(r.schema) }

// SameID reports whether id is the ticket id of the row Parse read last.
func (r *Reader) SameID(id []byte) bool { return bytes.Equal(id, r.p.cells[r.p.cols[r.p.id].src]) }
