package pipeline

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/zhuqi/zhuqi"
)

// directSchema is the Arrow schema of the rows directParser loads: _row, raw_hash, the
// ticket columns in canonical order with the types of normTable, then extra as text, and
// t_amount (directParser.badAmount) when badAmount.
func directSchema(badAmount bool) *arrow.Schema {
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
			t = &arrow.Decimal128Type{Precision: 18, Scale: 4}
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

// directBatch gathers parsed rows column by column in plain slices, made into Arrow
// arrays at the end of the batch: an Arrow builder's per-value bookkeeping cost more than
// parsing the row.
type directBatch struct {
	n     int // complete rows
	size  int // rows a batch holds
	row   []int64
	hash  []uint64
	cols  []directColumn // the ticket columns, then extra (JSON text), then t_amount if any
	types []arrow.DataType
}

// directColumn is one column of a directBatch: text as offsets into data, other values
// (timestamps, booleans, decimals) in nums.
type directColumn struct {
	text    bool
	valid   []bool
	offsets []int32
	data    []byte
	nums    []int64
}

func (c *directColumn) addNull() {
	c.valid = append(c.valid, false)
	if c.text {
		c.offsets = append(c.offsets, int32(len(c.data)))
	} else {
		c.nums = append(c.nums, 0)
	}
}

func (c *directColumn) addText(b []byte) {
	c.valid = append(c.valid, true)
	c.data = append(c.data, b...)
	c.offsets = append(c.offsets, int32(len(c.data)))
}

func (c *directColumn) addNum(n int64) {
	c.valid = append(c.valid, true)
	c.nums = append(c.nums, n)
}

func newDirectBatch(p *directParser, schema *arrow.Schema, size int) *directBatch {
	d := &directBatch{cols: make([]directColumn, schema.NumFields()-2), size: size}
	for i := range d.cols {
		d.cols[i].text = i >= len(p.cols) || p.cols[i].typ == zhuqi.TypeText || p.cols[i].typ == zhuqi.TypeEnum
		d.types = append(d.types, schema.Field(i+2).Type)
	}
	d.fresh(nil)
	return d
}

// fresh gives the batch new slices: the last batch's now belong to its record. Text
// gets the room the last batch used.
func (d *directBatch) fresh(last []int) {
	d.n = 0
	d.row, d.hash = make([]int64, 0, d.size), make([]uint64, 0, d.size)
	for i := range d.cols {
		c := &d.cols[i]
		c.valid = make([]bool, 0, d.size)
		if c.text {
			room := 16 * d.size
			if last != nil {
				room = last[i] + last[i]/8
			}
			c.offsets, c.data, c.nums = make([]int32, 1, d.size+1), make([]byte, 0, room), nil
		} else {
			c.offsets, c.data, c.nums = nil, nil, make([]int64, 0, d.size)
		}
	}
}

// truncate drops a row begun but not finished.
func (d *directBatch) truncate() {
	for i := range d.cols {
		c := &d.cols[i]
		c.valid = c.valid[:d.n]
		if c.text {
			c.offsets = c.offsets[:d.n+1]
			c.data = c.data[:c.offsets[d.n]]
		} else {
			c.nums = c.nums[:d.n]
		}
	}
}

// record makes the batch into an Arrow record of schema, and starts a new batch.
func (d *directBatch) record(schema *arrow.Schema) arrow.RecordBatch {
	arrs := make([]arrow.Array, 0, len(d.cols)+2)
	arrs = append(arrs, array.NewInt64Data(array.NewData(arrow.PrimitiveTypes.Int64, d.n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(sliceBytes(d.row))}, nil, 0, 0)))
	arrs = append(arrs, array.NewUint64Data(array.NewData(arrow.PrimitiveTypes.Uint64, d.n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(sliceBytes(d.hash))}, nil, 0, 0)))
	last := make([]int, len(d.cols))
	for i := range d.cols {
		c := &d.cols[i]
		nulls := 0
		for _, v := range c.valid {
			if !v {
				nulls++
			}
		}
		var valid *memory.Buffer
		if nulls > 0 {
			valid = memory.NewBufferBytes(bitmap(c.valid, func(k int) bool { return c.valid[k] }))
		}
		var data arrow.ArrayData
		switch {
		case c.text:
			last[i] = len(c.data)
			data = array.NewData(d.types[i], d.n, []*memory.Buffer{valid, memory.NewBufferBytes(sliceBytes(c.offsets)), memory.NewBufferBytes(c.data)}, nil, nulls, 0)
		case d.types[i].ID() == arrow.BOOL:
			data = array.NewData(d.types[i], d.n, []*memory.Buffer{valid, memory.NewBufferBytes(bitmap(c.valid, func(k int) bool { return c.nums[k] == 1 }))}, nil, nulls, 0)
		case d.types[i].ID() == arrow.DECIMAL128:
			// DECIMAL(18, 4) fits in the low 64 bits; the high word extends the sign.
			wide := make([]int64, 2*len(c.nums))
			for k, v := range c.nums {
				wide[2*k] = v
				if v < 0 {
					wide[2*k+1] = -1
				}
			}
			data = array.NewData(d.types[i], d.n, []*memory.Buffer{valid, memory.NewBufferBytes(sliceBytes(wide))}, nil, nulls, 0)
		default:
			data = array.NewData(d.types[i], d.n, []*memory.Buffer{valid, memory.NewBufferBytes(sliceBytes(c.nums))}, nil, nulls, 0)
		}
		arrs = append(arrs, array.MakeFromData(data))
		data.Release()
	}
	rec := array.NewRecordBatch(schema, arrs, int64(d.n))
	for _, a := range arrs {
		a.Release()
	}
	d.fresh(last)
	return rec
}

// bitmap packs n flags, least significant bit first, as Arrow's validity and boolean
// buffers are.
func bitmap(flags []bool, set func(int) bool) []byte {
	b := make([]byte, (len(flags)+7)/8)
	for k := range flags {
		if set(k) {
			b[k/8] |= 1 << (k % 8)
		}
	}
	return b
}

// sliceBytes is the memory of v as bytes, little-endian as Arrow wants on the platforms
// DuckDB runs on; the bytes keep v alive.
func sliceBytes[T int32 | int64 | uint64](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*int(unsafe.Sizeof(v[0])))
}
