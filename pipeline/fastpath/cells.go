package fastpath

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/zhuqi/zhuqi"
)

// cellRules is zhuqi.CellRules in the form the parser tests bytes with.
type cellRules struct {
	space     *Set
	thousands *Set
	// A decimal has at most intDigits digits before the point and scale after it.
	intDigits, scale int
	// creditValue maps a character to its value in the credit alphabet, -1 for others.
	creditValue   [256]int8
	creditWeights []int
	creditM       int // the alphabet's length
}

// Set is a set of characters, ASCII ones in a table: CellRules.Space or Thousands. For
// the others it notes the bytes their UTF-8 starts and ends with, so that a cell of
// Chinese text is told apart without decoding a rune.
type Set struct {
	ascii [utf8.RuneSelf]bool
	other string
	first [256]bool // first bytes of the non-ASCII characters
	last  [256]bool // last bytes of the non-ASCII characters
}

// NewSet is the set of the characters of s.
func NewSet(s string) *Set {
	out := &Set{}
	for _, r := range s {
		if r < utf8.RuneSelf {
			out.ascii[r] = true
			continue
		}
		e := string(r)
		out.other += e
		out.first[e[0]], out.last[e[len(e)-1]] = true, true
	}
	return out
}

// Has reports whether r is in s.
func (s *Set) Has(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && s.ascii[r]
	}
	return strings.ContainsRune(s.other, r)
}

// HasByte reports whether ASCII byte c is in s; any other byte is not.
func (s *Set) HasByte(c byte) bool { return c < utf8.RuneSelf && s.ascii[c] }

// Padded reports whether t starts or ends with a character of s.
func (s *Set) Padded(t []byte) bool {
	if len(t) == 0 {
		return false
	}
	switch c := t[0]; {
	case c < utf8.RuneSelf:
		if s.ascii[c] {
			return true
		}
	case s.first[c]:
		if r, _ := utf8.DecodeRune(t); s.Has(r) {
			return true
		}
	}
	switch c := t[len(t)-1]; {
	case c < utf8.RuneSelf:
		return s.ascii[c]
	case s.last[c]:
		r, _ := utf8.DecodeLastRune(t)
		return s.Has(r)
	}
	return false
}

// Trim is t without the characters of s at either end.
func (s *Set) Trim(t []byte) []byte {
	if !s.Padded(t) {
		return t
	}
	return bytes.TrimFunc(t, s.Has)
}

func newCellRules(r zhuqi.CellRules) cellRules {
	c := cellRules{space: NewSet(r.Space), thousands: NewSet(r.Thousands),
		intDigits: r.Precision - r.Scale, scale: r.Scale, creditWeights: r.CreditWeights, creditM: len(r.CreditAlphabet)}
	for i := range c.creditValue {
		c.creditValue[i] = int8(r.CreditValue(byte(i)))
	}
	return c
}

// creditOK is the credit code check (zhuqi.CellRules.CreditOK) for a code already in
// upper case.
func (c *cellRules) creditOK(s []byte) bool {
	if len(s) != len(c.creditWeights)+1 {
		return false
	}
	sum := 0
	for i, w := range c.creditWeights {
		k := c.creditValue[s[i]]
		if k < 0 {
			return false
		}
		sum += int(k) * w
	}
	k := c.creditValue[s[len(s)-1]]
	return k >= 0 && (c.creditM-sum%c.creditM)%c.creditM == int(k)
}

// decimal reads -?digits(.digits)? with at most intDigits digits before the point and
// scale after it (DECIMAL(Precision, Scale) without rounding), in units of 10^-scale.
func (c *cellRules) decimal(t []byte) (int64, bool) {
	neg := false
	if len(t) > 0 && t[0] == '-' {
		neg, t = true, t[1:]
	}
	var n int64
	i, frac := 0, -1
	for ; i < len(t); i++ {
		ch := t[i]
		switch {
		case ch >= '0' && ch <= '9':
			n = n*10 + int64(ch-'0')
			if frac >= 0 {
				frac++
			}
		case ch == '.' && frac < 0 && i > 0:
			frac = 0
		default:
			return 0, false
		}
	}
	intDigits := i
	if frac >= 0 {
		intDigits = i - frac - 1
	}
	if intDigits == 0 || intDigits > c.intDigits || frac == 0 || frac > c.scale {
		return 0, false
	}
	if frac < 0 {
		frac = 0
	}
	for ; frac < c.scale; frac++ {
		n *= 10
	}
	if neg {
		n = -n
	}
	return n, true
}

// notDecimal reports whether the SQL surely reads no number in cell t: t has a character
// that DuckDB's cast to DECIMAL takes in no form (digits, sign, point, exponent,
// underscores between digits, white space) and that is no thousands separator, which the
// SQL removes. Cells such as "1e3" or "1_000", which the cast may read, are left to SQL.
func (c *cellRules) notDecimal(t []byte) bool {
	for len(t) > 0 {
		r, n := rune(t[0]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(t)
		}
		t = t[n:]
		switch {
		case r >= '0' && r <= '9', r == '+', r == '-', r == '.', r == 'e', r == 'E', r == '_', r == ' ', r == '\t':
		case c.thousands.Has(r):
		default:
			return true
		}
	}
	return false
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
