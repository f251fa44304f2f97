package fastpath

import (
	"unicode"
	"unicode/utf8"

	"github.com/zhuqi/zhuqi"
)

// col is how the parser reads one canonical ticket column.
type col struct {
	typ      zhuqi.ColumnType
	src      int // the file's cell, -1 when the file has none
	required bool
	enum     map[string][]byte // folded label → value (enums and booleans)
	empty    []byte            // the value of an empty enum cell, when hasEmpty
	hasEmpty bool
	credit   bool
}

// order is a zhuqi.Order by column index.
type order struct{ col, of int }

// parser parses lines of a ticket CSV, as UTF-8.
type parser struct {
	delim   byte
	width   int
	maxCell int
	cols    []col
	id      int // index of ticket_id in cols
	created int // index of created_at in cols
	// The creation times stored without widening the working-time calendar, in
	// microseconds since 1970: [minTime, maxTime).
	minTime, maxTime int64
	orders           []order
	cells            [][]byte
	rules            cellRules
	// The columns Zhuqi does not know, kept in extra as a JSON object header → cell (as
	// the SQL path's json_object builds it): their cells and their keys as JSON.
	unknown []int
	keys    [][]byte
	json    []byte
	// badAmount: see Layout. bad is that cell of the row parse reads.
	badAmount bool
	bad       []byte
}

func newParser(cfg *zhuqi.Config, l Layout) *parser {
	p := &parser{delim: l.Delim, width: l.Width, maxCell: cfg.Ingest.MaxCellChars, unknown: l.Unknown,
		badAmount: l.BadAmount, rules: newCellRules(cfg.Cells)}
	p.minTime = daysFromCivil(int64(cfg.Cells.FirstYear), 1, 1) * 86400 * 1000000
	p.maxTime = daysFromCivil(int64(cfg.Cells.LastYear)+1, 1, 1) * 86400 * 1000000
	for _, n := range l.Names {
		p.keys = append(p.keys, appendJSONString(nil, []byte(n)))
	}
	index := map[string]int{}
	for i, c := range zhuqi.Columns(zhuqi.KindTickets) {
		index[c.Name] = i
		dc := col{typ: c.Type, src: -1, required: c.Required, credit: c.Name == "credit_code"}
		if j, ok := l.Source[c.Name]; ok {
			dc.src = j
		}
		if c.Type == zhuqi.TypeEnum || c.Type == zhuqi.TypeBool {
			dc.enum = labelMap(cfg, c.Enum)
			var e string
			e, dc.hasEmpty = cfg.EnumEmpty[c.Enum]
			dc.empty = []byte(e)
		}
		p.cols = append(p.cols, dc)
	}
	p.id, p.created = index["ticket_id"], index["created_at"]
	for _, o := range cfg.Cells.NotBefore {
		p.orders = append(p.orders, order{index[o.Col], index[o.Of]})
	}
	return p
}

// labelMap is the label map of enum as the SQL's zq_enum_* has it, without the labels
// whose lower case DuckDB might spell otherwise than Go: cells with those go to SQL.
func labelMap(cfg *zhuqi.Config, enum string) map[string][]byte {
	out := map[string][]byte{}
	for _, l := range cfg.EnumLabels(enum) {
		if caseless(l.Folded) {
			out[l.Folded] = []byte(l.Value)
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
func (p *parser) parse(d *batch, line []byte, row int64, hash uint64) bool {
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
	// Tickets created outside the calendar's span go through SQL, which widens it; a
	// timestamp before the one it may not precede, SQL warns of.
	if created := d.cols[p.created].nums[d.n]; created < p.minTime || created >= p.maxTime {
		d.truncate()
		return false
	}
	for _, o := range p.orders {
		a, b := &d.cols[o.col], &d.cols[o.of]
		if a.valid[d.n] && b.valid[d.n] && a.nums[d.n] < b.nums[d.n] {
			d.truncate()
			return false
		}
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

// cell appends the cell of column c to dc, or reports false.
func (p *parser) cell(dc *column, c *col, cells [][]byte) bool {
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
	if p.rules.space.Padded(t) || len(t) > p.maxCell {
		return false
	}
	switch c.typ {
	case zhuqi.TypeText:
		if c.credit && !p.rules.creditOK(t) {
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
		n, ok := p.rules.decimal(t)
		if !ok {
			if !p.badAmount || c.required || !p.rules.notDecimal(t) {
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

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
