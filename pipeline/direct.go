package pipeline

import (
	"bytes"
	"unicode"
	"unicode/utf8"

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
