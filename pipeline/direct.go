package pipeline

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"runtime/debug"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/zhuqi/zhuqi"
)

// A first load of a large export is mostly new tickets written in the common forms: ISO
// or slashed timestamps, known labels, valid codes. Parsing each cell in SQL, then storing
// the parsed rows and writing them again as versions, cost three times DuckDB's own typed
// read of the file. For a ticket CSV whose records are lines (UTF-8 or GB18030, see
// digest.go), directParser parses a line in Go when every cell is in one of those forms,
// which have exactly one reading: the row then goes straight into ticket_versions as typed
// Arrow columns (template tickets_direct). Any other row (a blank required cell, a Chinese
// date, an unknown label, padding, a bad code) goes through the SQL of normalizeSQL, which
// holds every rule of DOMAIN §1.3 and its messages. Both give the same values, so the same
// row hash (TestDirect_SameAsSQL).

// readNewInGo turns the direct path on; tests turn it off to compare with SQL.
var readNewInGo = true

// directCol is how directParser reads one canonical ticket column.
type directCol struct {
	typ      zhuqi.ColumnType
	src      int // the file's column, -1 when the file has none
	required bool
	enum     map[string][]byte // folded label → value (enums and booleans)
	empty    []byte            // the value of an empty enum cell, when hasEmpty
	hasEmpty bool
	credit   bool
}

// directParser parses lines of a ticket CSV, as UTF-8.
type directParser struct {
	delim    byte
	width    int
	maxCell  int
	cols     []directCol
	created  int // index of created_at in cols
	resolved int // index of resolved_at in cols
	cells    [][]byte
	// The columns Zhuqi does not know, kept in extra as a JSON object header → cell (as
	// the SQL path's json_object builds it): their indexes and their keys as JSON.
	unknown []int
	keys    [][]byte
	json    []byte
	// badAmount, when set, lets a row whose amount cell is surely no number load with
	// the amount empty (and the cell in the column t_amount, for normalizeSQL's warning),
	// as SQL loads it; else such a row is left to SQL. bad is that cell of the row parse
	// reads.
	badAmount bool
	bad       []byte
}

func newDirectParser(cfg *zhuqi.Config, m *mapping, delim byte) *directParser {
	p := &directParser{delim: delim, width: len(m.Headers), maxCell: cfg.Ingest.MaxCellChars, unknown: m.Unknown}
	for _, i := range m.Unknown {
		p.keys = append(p.keys, appendJSONString(nil, []byte(m.headerName(i))))
	}
	for i, c := range zhuqi.Columns(zhuqi.KindTickets) {
		dc := directCol{typ: c.Type, src: -1, required: c.Required, credit: c.Name == "credit_code"}
		if j, ok := m.Source[c.Name]; ok {
			dc.src = j
		}
		if c.Type == zhuqi.TypeEnum || c.Type == zhuqi.TypeBool {
			dc.enum = directEnum(cfg, c.Enum)
			var e string
			e, dc.hasEmpty = cfg.EnumEmpty[c.Enum]
			dc.empty = []byte(e)
		}
		switch c.Name {
		case "created_at":
			p.created = i
		case "resolved_at":
			p.resolved = i
		}
		p.cols = append(p.cols, dc)
	}
	return p
}

// directEnum is the label map of enum as zq_enum_* has it (sql/macros.sql), without the
// labels whose lower case DuckDB might spell otherwise than Go: cells with those go to SQL.
func directEnum(cfg *zhuqi.Config, enum string) map[string][]byte {
	out := map[string][]byte{}
	for _, l := range enumLabels(cfg, enum) {
		if caseless(l.folded) {
			out[l.folded] = []byte(l.value)
		}
	}
	return out
}

// caseless reports whether s has no letter whose case a lower() could change, other than
// ASCII ones already in lower case.
func caseless(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && (unicode.ToLower(r) != r || unicode.ToUpper(r) != r) {
			return false
		}
		if r >= 'A' && r <= 'Z' {
			return false
		}
	}
	return true
}

// parse appends line to d as row number row with raw hash hash, or reports false,
// leaving d as it was, when SQL must read the row.
func (p *directParser) parse(d *directBatch, line []byte, row int64, hash uint64) bool {
	cells, ok := splitCells(line, p.delim, p.cells[:0])
	p.cells = cells
	if !ok || len(cells) != p.width {
		return false
	}
	p.bad = nil
	for i := range p.cols {
		if !p.cell(&d.cols[i], &p.cols[i], cells) {
			d.truncate()
			return false
		}
	}
	// The working-time calendar spans 2000–2040 unless tickets lie outside it: those go
	// through SQL, which widens it. Resolved before created: SQL warns.
	created := d.cols[p.created].nums[d.n]
	resolved := &d.cols[p.resolved]
	if created < minDirectTime || created >= maxDirectTime || resolved.valid[d.n] && resolved.nums[d.n] < created {
		d.truncate()
		return false
	}
	extra := &d.cols[len(p.cols)]
	if len(p.unknown) == 0 {
		extra.addNull()
	} else {
		p.json = append(p.json[:0], '{')
		for k, i := range p.unknown {
			if k > 0 {
				p.json = append(p.json, ',')
			}
			p.json = append(append(p.json, p.keys[k]...), ':')
			if c := cells[i]; len(c) == 0 {
				p.json = append(p.json, "null"...)
			} else {
				p.json = appendJSONString(p.json, c)
			}
		}
		p.json = append(p.json, '}')
		extra.addText(p.json)
	}
	if p.badAmount {
		if bad := &d.cols[len(p.cols)+1]; p.bad == nil {
			bad.addNull()
		} else {
			bad.addText(p.bad)
		}
	}
	d.row = append(d.row, row)
	d.hash = append(d.hash, hash)
	d.n++
	return true
}

// sameID reports whether the ticket id of the row parse took last is the one digestCSV
// reads from its line as written (with decode, its own decoder): the repeated ids were
// found with that one.
func (p *directParser) sameID(line []byte, decode func([]byte) []byte) bool {
	src := p.cols[0].src
	return bytes.Equal(lineID(line, p.delim, src, decode), p.cells[src])
}

// appendJSONString appends s, valid UTF-8, as a JSON string written the way DuckDB's
// json_object writes it (its cast from text to JSON keeps the text as it is, and the row
// hash covers it): quote, backslash and control characters escaped, the short forms where
// JSON has them, nothing else.
func appendJSONString(b, s []byte) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// cell appends the cell of column c to dc, or reports false.
func (p *directParser) cell(dc *directColumn, c *directCol, cells [][]byte) bool {
	var t []byte
	if c.src >= 0 {
		t = cells[c.src]
	}
	if len(t) == 0 {
		if c.required {
			return false
		}
		if c.enum != nil && c.hasEmpty {
			if c.typ == zhuqi.TypeBool {
				dc.addNum(boolInt(string(c.empty) == "true"))
			} else {
				dc.addText(c.empty)
			}
			return true
		}
		dc.addNull()
		return true
	}
	if padded(t) || len(t) > p.maxCell {
		return false
	}
	switch c.typ {
	case zhuqi.TypeText:
		if c.credit && !creditOK(t) {
			return false
		}
		dc.addText(t)
	case zhuqi.TypeTimestamp:
		us, ok := parseTime(t)
		if !ok {
			return false
		}
		dc.addNum(us)
	case zhuqi.TypeEnum, zhuqi.TypeBool:
		val, ok := c.enum[string(t)]
		if !ok {
			return false
		}
		if c.typ == zhuqi.TypeBool {
			dc.addNum(boolInt(string(val) == "true"))
		} else {
			dc.addText(val)
		}
	case zhuqi.TypeDecimal:
		n, ok := parseDecimal4(t)
		if !ok {
			if !p.badAmount || c.required || !notDecimal(t) {
				return false
			}
			p.bad = t
			dc.addNull()
			return true
		}
		dc.addNum(n)
	default:
		return false
	}
	return true
}

// notDecimal reports whether zq_dec surely reads no number in cell t: t has a byte that
// DuckDB's cast to DECIMAL takes in no form (digits, sign, point, exponent, underscores
// between digits, white space) and that is no thousands separator zq_dec removes (',' and
// '，'). Cells such as "1e3" or "1_000", which the cast may read, are left to SQL.
func notDecimal(t []byte) bool {
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9', c == '+', c == '-', c == '.', c == 'e', c == 'E', c == '_', c == ',', c == ' ', c == '\t':
		case c == 0xEF && i+2 < len(t) && t[i+1] == 0xBC && t[i+2] == 0x8C: // '，'
			i += 2
		default:
			return true
		}
	}
	return false
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// padded reports whether a cell starts or ends with cellSpace: ASCII white space, U+3000
// (E3 80 80) or U+00A0 (C2 A0).
func padded(t []byte) bool {
	switch t[0] {
	case ' ', '\t', '\n', '\r':
		return true
	case 0xE3:
		if len(t) >= 3 && t[1] == 0x80 && t[2] == 0x80 {
			return true
		}
	case 0xC2:
		if len(t) >= 2 && t[1] == 0xA0 {
			return true
		}
	}
	n := len(t)
	switch t[n-1] {
	case ' ', '\t', '\n', '\r':
		return true
	case 0x80:
		return n >= 3 && t[n-3] == 0xE3 && t[n-2] == 0x80
	case 0xA0:
		return n >= 2 && t[n-2] == 0xC2
	}
	return false
}

// splitCells splits a simple CSV line into its cells as DuckDB's reader gives them
// (quotes removed, "" inside quotes as one quote), appending to dst. ok is false for text
// after a closing quote.
func splitCells(line []byte, delim byte, dst [][]byte) ([][]byte, bool) {
	for {
		if len(line) > 0 && line[0] == '"' {
			k := 1
			esc := false
			for k < len(line) {
				if line[k] == '"' {
					if k+1 < len(line) && line[k+1] == '"' {
						esc = true
						k += 2
						continue
					}
					break
				}
				k++
			}
			if k >= len(line) {
				return dst, false
			}
			f := line[1:k]
			if esc {
				f = bytes.ReplaceAll(f, []byte(`""`), []byte(`"`))
			}
			dst = append(dst, f)
			line = line[k+1:]
			if len(line) == 0 {
				return dst, true
			}
			if line[0] != delim {
				return dst, false
			}
			line = line[1:]
			continue
		}
		j := bytes.IndexByte(line, delim)
		if j < 0 {
			return append(dst, line), true
		}
		dst = append(dst, line[:j])
		line = line[j+1:]
	}
}

// The timestamps directParser takes: from 2000-01-01 to the end of 2039 (the default
// calendar's span), in microseconds since 1970.
const (
	minDirectTime = 946684800 * 1000000
	maxDirectTime = 2208988800 * 1000000
)

// parseTime reads a date as YYYY-M-D or YYYY/M/D (month and day of one or two digits),
// alone or followed by a space and H:MM or H:MM:SS (hour of one or two digits), with every
// field in range: forms that DuckDB's cast to TIMESTAMP and the configured strptime forms
// read alike (TestDirect_SameAsSQL). It returns microseconds since 1970.
func parseTime(t []byte) (int64, bool) {
	// digits reads 1 to max digits at t[*i:].
	digits := func(i *int, max int) (int64, bool) {
		var n int64
		k := 0
		for *i < len(t) && k < max && t[*i] >= '0' && t[*i] <= '9' {
			n = n*10 + int64(t[*i]-'0')
			*i++
			k++
		}
		return n, k > 0
	}
	i := 0
	y, ok := digits(&i, 4)
	if !ok || i != 4 || i >= len(t) || t[i] != '-' && t[i] != '/' {
		return 0, false
	}
	sep := t[i]
	i++
	mo, ok := digits(&i, 2)
	if !ok || i >= len(t) || t[i] != sep {
		return 0, false
	}
	i++
	d, ok := digits(&i, 2)
	if !ok || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, false
	}
	var h, mi, sec int64
	if i < len(t) {
		if t[i] != ' ' {
			return 0, false
		}
		i++
		if h, ok = digits(&i, 2); !ok || i >= len(t) || t[i] != ':' {
			return 0, false
		}
		i++
		if mi, ok = digits(&i, 2); !ok || i != len(t) && t[i] != ':' || t[i-2] == ':' {
			return 0, false // minutes have two digits
		}
		if i < len(t) {
			i++
			if sec, ok = digits(&i, 2); !ok || t[i-2] == ':' {
				return 0, false // and so have seconds
			}
		}
		if i != len(t) || h > 23 || mi > 59 || sec > 59 {
			return 0, false
		}
	}
	return (daysFromCivil(y, mo, d)*86400 + h*3600 + mi*60 + sec) * 1000000, true
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d (proleptic Gregorian).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400 // rounded down, not toward zero
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// parseDecimal4 reads -?digits(.digits)? with at most 14 digits before the point and 4
// after (DECIMAL(18, 4) without rounding), in units of 10⁻⁴.
func parseDecimal4(t []byte) (int64, bool) {
	neg := false
	if t[0] == '-' {
		neg, t = true, t[1:]
	}
	var n int64
	i, frac := 0, -1
	for ; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0 && i > 0:
			frac = 0
		default:
			return 0, false
		}
	}
	intDigits := i
	if frac >= 0 {
		intDigits = i - frac - 1
	}
	if intDigits == 0 || intDigits > 14 || frac == 0 || frac > 4 {
		return 0, false
	}
	if frac < 0 {
		frac = 0
	}
	for ; frac < 4; frac++ {
		n *= 10
	}
	if neg {
		n = -n
	}
	return n, true
}

// creditValue maps a credit code character to its value, -1 for a character codes do not
// use (GB 32100-2015: 0-9 and A-Y without I O S V Z).
var creditValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		v[c] = int8(i)
	}
	return v
}()

// creditWeights are W1…W17 of zq_credit_ok.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditOK is zq_credit_ok (sql/macros.sql) for a code already in upper case.
func creditOK(s []byte) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i, w := range creditWeights {
		k := creditValue[s[i]]
		if k < 0 {
			return false
		}
		sum += int(k) * w
	}
	k := creditValue[s[17]]
	return k >= 0 && (31-sum%31)%31 == int(k)
}

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

// What becomes of each data line of a file on the direct path (rowPlan, by row number).
const (
	planNone   byte = iota // a blank line, or unchanged since its ticket's current version
	planDirect             // a new ticket: directParser reads it if it can
	planSQL                // staged as text and read by normalizeSQL
)

// loadDirect streams the lines planned planDirect that p can read into ticket_versions
// with insertSQL (template tickets_direct), at most insertRows rows a statement. It
// returns how many it loaded and, in order, the numbers of the lines planned planDirect
// that p could not read or planned planSQL: those are for SQL. A goroutine parses the
// lines ahead of DuckDB, so that parsing a batch overlaps writing the one before.
func loadDirect(ctx context.Context, conn *sql.Conn, lr *lineReader, enc string, p *directParser, plan []byte, seedC, seedI uint32, insertSQL string, batch int, progress func(int64)) (loaded int64, rest []lineRef, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Each batch is fresh memory that DuckDB lets go of a few batches later; collect it
	// sooner than Go's default (at twice the live heap), which let the heap grow by some
	// 250 MB at 10M rows.
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	schema := directSchema(false)
	out := make(chan arrow.RecordBatch, 1)
	var perr error
	go func() {
		defer close(out)
		perr = produceDirect(ctx, lr, enc, p, plan, seedC, seedI, schema, batch, out, &rest, progress)
	}()
	for more := true; more; {
		cr := &chanReader{ctx: ctx, in: out}
		cr.init(schema, nil)
		err := execView(ctx, conn, cr, insertSQL) // the producer reports its own errors
		cr.Release()
		if err != nil {
			cancel()
			for r := range out {
				if r != nil {
					r.Release()
				}
			}
			return 0, nil, fmt.Errorf("insert new tickets: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return 0, nil, err // the stream ended early: the transaction must not commit
		}
		loaded += cr.rows
		more = !cr.closed
	}
	if perr != nil {
		return 0, nil, perr
	}
	return loaded, rest, nil
}

// produceDirect parses the lines of lr into record batches of at most batch rows sent on
// out, with a nil batch after every insertRows rows (the end of one statement's stream).
func produceDirect(ctx context.Context, lr *lineReader, enc string, p *directParser, plan []byte, seedC, seedI uint32, schema *arrow.Schema, batch int, out chan<- arrow.RecordBatch, rest *[]lineRef, progress func(int64)) error {
	d := newDirectBatch(p, schema, batch)
	decode, decodeID := lineDecoder(enc), lineDecoder(enc)
	send := func(r arrow.RecordBatch) error {
		select {
		case out <- r:
			return nil
		case <-ctx.Done():
			if r != nil {
				r.Release()
			}
			return ctx.Err()
		}
	}
	var k, stmt int64
	for {
		line, num, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if num >= int64(len(plan)) || plan[num] == planNone {
			continue
		}
		ok := plan[num] == planDirect
		if ok {
			text := line
			if decode != nil {
				text = decode(line)
			}
			ok = p.parse(d, text, num, lineHash(seedC, seedI, line))
			if ok && !p.sameID(line, decodeID) {
				return errLineID(num)
			}
		}
		if !ok {
			*rest = append(*rest, lineRef{num, lr.at})
			continue
		}
		k++
		stmt++
		if k == int64(batch) || stmt == insertRows {
			if err := send(d.record(schema)); err != nil {
				return err
			}
			k = 0
			if progress != nil {
				progress(lr.cr.n)
			}
		}
		if stmt == insertRows {
			if err := send(nil); err != nil {
				return err
			}
			stmt = 0
		}
	}
	if k > 0 {
		return send(d.record(schema))
	}
	return nil
}

// chanReader is an array.RecordReader of the batches received on in, up to a nil batch
// (the end of this stream) or the channel's close (closed).
type chanReader struct {
	stream
	ctx    context.Context
	in     <-chan arrow.RecordBatch
	rows   int64
	closed bool
	done   bool
}

var _ array.RecordReader = (*chanReader)(nil)

func (r *chanReader) Next() bool {
	r.drop()
	if r.done {
		return false
	}
	select {
	case rec, ok := <-r.in:
		if !ok {
			r.closed, r.done = true, true
			return false
		}
		if rec == nil {
			r.done = true
			return false
		}
		r.cur = rec
		r.rows += rec.NumRows()
		return true
	case <-r.ctx.Done():
		r.done = true
		return false
	}
}

// loadNew stores, as versions of ingest id, the rows planned planDirect that directParser
// reads, and returns the numbers of the rows left for SQL, in order.
func (s *Store) loadNew(ctx context.Context, conn *sql.Conn, tx *sql.Tx, cfg *zhuqi.Config, path string, sc *scan, m *mapping, plan []byte, rep *Report, id int64, progress func(int64)) ([]lineRef, error) {
	// The calendar of the versions stored so far: the rows for SQL may widen it, and
	// then the timing of these versions is computed again (timing_refresh).
	cal, err := WorkCalendar(ctx, tx, cfg, "")
	if err != nil {
		return nil, err
	}
	if err := cal.buildCalk(ctx, tx); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := sqlTemplates.ExecuteTemplate(&b, "tickets_direct", versionsData(cal, id, asOfSQL(rep.AsOf))); err != nil {
		return nil, err
	}
	lr, head, err := openLines(path, sc)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	seedC, seedI := lineSeeds(cfgPrint(cfg), head)
	// Half batches: DuckDB holds on to several batches of text while it writes them, and
	// whole ones added some 130 MiB to a 10M-ticket ingest's peak (0.5 s faster at 1M).
	n, rest, err := loadDirect(ctx, conn, lr, rep.Encoding, newDirectParser(cfg, m, sc.Delim), plan, seedC, seedI, b.String(), max(cfg.Ingest.BatchRows/2, 1), progress)
	rep.Direct = n
	return rest, err
}

// badAmountWarning is normalizeSQL's warning for an amount that is no number.
var badAmountWarning = func() check {
	for _, c := range zhuqi.Columns(zhuqi.KindTickets) {
		if c.Name == "amount" {
			return optionalWarning(c, "t_amount IS NOT NULL", numberHint)
		}
	}
	panic("tickets have no amount column")
}()

// parseChanged reads in Go, as directParser does, the rows at todo not marked forSQL
// into a new normTable, as rows without problems, with the warning of an amount that is
// no number (directParser.badAmount), and with their raw_hash (which the other rows
// lack): the rows of a daily export that changed since their ticket's current version,
// compared with it in SQL (write). The rows left for SQL join them there. It returns how
// many it read, and the rows left for SQL, in order.
func parseChanged(ctx context.Context, conn *sql.Conn, cfg *zhuqi.Config, path string, sc *scan, m *mapping, enc string, todo []lineRef, forSQL []bool, batch int) (int64, []lineRef, error) {
	ls, err := openCSVLines(path, nil, sc.Delim, enc, 0)
	if err != nil {
		return 0, nil, err
	}
	defer ls.Close()
	p := newDirectParser(cfg, m, sc.Delim)
	p.badAmount = true
	schema := directSchema(true)
	// A batch's room is allocated up front: no more than the rows there are.
	d := newDirectBatch(p, schema, max(min(batch, len(todo)), 1))
	decodeID := lineDecoder(enc)
	var rest []lineRef
	var n int64
	k := 0
	next := func() (arrow.RecordBatch, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for ; k < len(todo) && d.n < batch; k++ {
			ref := todo[k]
			if forSQL[k] {
				rest = append(rest, ref)
				continue
			}
			line, err := ls.line(ref.off)
			if err == io.EOF {
				return nil, fmt.Errorf("%w: the file ended before row %d: was it changed while being read?", ErrFileUnreadable, ref.row)
			}
			if err != nil {
				return nil, err
			}
			text := line
			if ls.decode != nil {
				text = ls.decode(line)
			}
			if !p.parse(d, text, ref.row, 0) {
				rest = append(rest, ref)
				continue
			}
			if !p.sameID(line, decodeID) {
				return nil, errLineID(ref.row)
			}
			n++
		}
		if d.n == 0 {
			return nil, nil
		}
		return d.record(schema), nil
	}
	fr := newFuncReader(schema, next)
	// Every column, raw_hash too: selecting some columns of a registered Arrow stream
	// reads the wrong buffers (empty text, or a crash; duckdb/duckdb-go#28 and #24).
	q := fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS SELECT * EXCLUDE (t_amount) REPLACE (extra::JSON AS extra), NULL::VARCHAR AS problem, NULL::VARCHAR AS reject_reason, CASE WHEN t_amount IS NULL THEN %s ELSE [%s]::%s END AS warns FROM zq_arrow",
		normTable, noWarnings, badAmountWarning.structSQL(), warnsType)
	err = execView(ctx, conn, fr, q)
	fr.Release()
	if fr.err != nil {
		return 0, nil, fr.err
	}
	if err != nil {
		return 0, nil, fmt.Errorf("parse changed rows: %w", err)
	}
	return n, rest, nil
}
