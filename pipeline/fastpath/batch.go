package fastpath

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/zhuqi/zhuqi"
)

// batch gathers parsed rows column by column in plain slices, made into Arrow
// arrays at the end of the batch: an Arrow builder's per-value bookkeeping cost more than
// parsing the row.
type batch struct {
	n     int // complete rows
	size  int // rows a batch holds
	row   []int64
	hash  []uint64
	cols  []column // the ticket columns, then extra (JSON text), then t_amount if any
	types []arrow.DataType
}

// column is one column of a batch: text as offsets into data, other values
// (timestamps, booleans, decimals) in nums.
type column struct {
	text    bool
	valid   []bool
	offsets []int32
	data    []byte
	nums    []int64
}

func (c *column) addNull() {
	c.valid = append(c.valid, false)
	if c.text {
		c.offsets = append(c.offsets, int32(len(c.data)))
	} else {
		c.nums = append(c.nums, 0)
	}
}

func (c *column) addText(b []byte) {
	c.valid = append(c.valid, true)
	c.data = append(c.data, b...)
	c.offsets = append(c.offsets, int32(len(c.data)))
}

func (c *column) addNum(n int64) {
	c.valid = append(c.valid, true)
	c.nums = append(c.nums, n)
}

func newBatch(p *parser, schema *arrow.Schema, size int) *batch {
	d := &batch{cols: make([]column, schema.NumFields()-2), size: size}
	for i := range d.cols {
		d.cols[i].text = i >= len(p.cols) || p.cols[i].typ == zhuqi.TypeText || p.cols[i].typ == zhuqi.TypeEnum
		d.types = append(d.types, schema.Field(i+2).Type)
	}
	d.fresh(nil)
	return d
}

// fresh gives the batch new slices: the last batch's now belong to its record. Text
// gets the room the last batch used.
func (d *batch) fresh(last []int) {
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
func (d *batch) truncate() {
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
func (d *batch) record(schema *arrow.Schema) arrow.RecordBatch {
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
			// DECIMAL(18, 4) and narrower fit in the low 64 bits; the high word extends the sign.
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
