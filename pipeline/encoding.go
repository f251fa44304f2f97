package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// evidence is what the bytes of a text file say about its encoding (DOMAIN §1.3: decided
// on evidence, never by one stray byte).
type evidence struct {
	GoodUTF8 int64 // multi-byte UTF-8 characters
	BadUTF8  int64 // bytes that are not part of any UTF-8 character
	BadGB    int64 // bytes that are not part of any GB18030 character
	// First invalid byte for each encoding: its offset (-1: none), line (1-based) and
	// the bytes from it, for the error message.
	UTF8At, GBAt     int64
	UTF8Line, GBLine int64
	UTF8Bytes        []byte
	GBBytes          []byte
}

// weigh reads r once and counts the evidence for UTF-8 and for GB18030.
func weigh(ctx context.Context, r io.Reader) (*evidence, error) {
	return weighPasses(ctx, r, true, true)
}

// weighPasses is weigh with the UTF-8 pass, the GB18030 pass or both.
func weighPasses(ctx context.Context, r io.Reader, utf8Pass, gbPass bool) (*evidence, error) {
	ev := &evidence{UTF8At: -1, GBAt: -1}
	br := bufio.NewReaderSize(r, 1<<20)
	var off, lines int64
	lines = 1
	buf := make([]byte, 0, 1<<20+8)
	eof := false
	var uSkip, gSkip int
	for !eof {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := io.ReadFull(br, buf[len(buf):cap(buf)-8])
		buf = buf[:len(buf)+n]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			eof = true
		} else if err != nil {
			return nil, err
		}
		// Both machines stop short of a character cut by the end of the buffer; the bytes
		// one of them read past where the other stopped are kept, but not read again by it.
		uEnd, gEnd := len(buf), len(buf)
		if utf8Pass {
			uEnd = uSkip + ev.utf8Pass(buf[uSkip:], off+int64(uSkip), lines+newlines(buf[:uSkip]), eof)
		}
		if gbPass {
			gEnd = gSkip + ev.gbPass(buf[gSkip:], off+int64(gSkip), lines+newlines(buf[:gSkip]), eof)
		}
		end := min(uEnd, gEnd)
		uSkip, gSkip = uEnd-end, gEnd-end
		lines += newlines(buf[:end])
		off += int64(end)
		buf = append(buf[:0], buf[end:]...)
	}
	return ev, nil
}

func newlines(b []byte) int64 { return int64(bytes.Count(b, []byte{'\n'})) }

// utf8Pass counts b's characters up to the last whole one (all of b when last) and
// returns where it stopped. line is the line b starts on.
func (ev *evidence) utf8Pass(b []byte, off, line int64, last bool) int {
	i := 0
	for i < len(b) {
		// ASCII eight bytes at a time: most of an export's bytes.
		for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
			i += 8
		}
		if i >= len(b) {
			break
		}
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		size := utf8Size(b[i:])
		if size < 0 {
			if !last {
				return i
			}
			size = 0 // cut short by the end of the file
		}
		if size == 0 {
			if ev.UTF8At < 0 {
				_, bad := firstInvalid(string(b[i:min(i+4, len(b))]))
				ev.UTF8At, ev.UTF8Line, ev.UTF8Bytes = off+int64(i), line+newlines(b[:i]), bad
			}
			ev.BadUTF8++
			size = 1
		} else {
			ev.GoodUTF8++
		}
		i += size
	}
	return i
}

// utf8Size is the length of the UTF-8 character at b[0], a byte of 0x80 or more, as
// utf8.DecodeRune reads it: 2 to 4; 0 for a byte that starts none (DecodeRune's
// RuneError of size 1); -1 when b ends inside what may still be one.
func utf8Size(b []byte) int {
	c := b[0]
	n, lo, hi := 0, byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		n = 2
	case c >= 0xE0 && c <= 0xEF:
		n = 3
		if c == 0xE0 {
			lo = 0xA0
		} else if c == 0xED {
			hi = 0x9F
		}
	case c >= 0xF0 && c <= 0xF4:
		n = 4
		if c == 0xF0 {
			lo = 0x90
		} else if c == 0xF4 {
			hi = 0x8F
		}
	default:
		return 0
	}
	for k := 1; k < n; k++ {
		if k >= len(b) {
			return -1
		}
		if x := b[k]; x < lo || x > hi {
			return 0
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}

// gbPass is utf8Pass for GB18030: one byte below 0x80; a lead byte 0x81–0xFE and a
// second byte 0x40–0x7E or 0x80–0xFE; or 0x81–0xFE, 0x30–0x39, 0x81–0xFE, 0x30–0x39.
func (ev *evidence) gbPass(b []byte, off, line int64, last bool) int {
	i := 0
	for i < len(b) {
		for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		size := 0
		if c >= 0x81 && c <= 0xFE {
			if i+1 >= len(b) {
				if !last {
					return i
				}
			} else if c2 := b[i+1]; c2 >= 0x40 && c2 <= 0xFE && c2 != 0x7F {
				size = 2
			} else if c2 >= 0x30 && c2 <= 0x39 {
				if i+3 >= len(b) && !last {
					return i
				}
				if i+3 < len(b) && b[i+2] >= 0x81 && b[i+2] <= 0xFE && b[i+3] >= 0x30 && b[i+3] <= 0x39 {
					size = 4
				}
			}
		}
		if size == 0 {
			if ev.GBAt < 0 {
				ev.GBAt, ev.GBLine, ev.GBBytes = off+int64(i), line+newlines(b[:i]), []byte{c}
			}
			ev.BadGB++
			size = 1
		}
		i += size
	}
	return i
}

// weighFile weighs the file at path, the two passes each reading it on a core of its own.
func weighFile(ctx context.Context, path string) (*evidence, error) {
	pass := func(u, g bool) (*evidence, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return weighPasses(ctx, f, u, g)
	}
	var gb *evidence
	var gbErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		gb, gbErr = pass(false, true)
	}()
	ev, err := pass(true, false)
	<-done
	if err != nil {
		return nil, err
	}
	if gbErr != nil {
		return nil, gbErr
	}
	ev.BadGB, ev.GBAt, ev.GBLine, ev.GBBytes = gb.BadGB, gb.GBAt, gb.GBLine, gb.GBBytes
	return ev, nil
}

// utf8Wins says whether a file that is not valid UTF-8 throughout is still UTF-8: when
// most of its multi-byte text is valid UTF-8 (a few stray bytes), or when its bytes break
// GB18030 nearly as often as UTF-8. A file is GB18030 only when the bytes say so: more
// of them broken as UTF-8 than whole, and ten times fewer broken as GB18030.
func (ev *evidence) utf8Wins() bool {
	return ev.BadUTF8 == 0 || ev.GoodUTF8 > ev.BadUTF8 || ev.BadGB*10 >= ev.BadUTF8
}

// hexBytes writes b as hex byte values: "C3 28".
func hexBytes(b []byte) string {
	var s strings.Builder
	for i, c := range b {
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprintf(&s, "%02X", c)
	}
	return s.String()
}

// escapeInvalid writes the bytes of s that are not UTF-8 as \xHH, so that a rejected
// row keeps every byte it had.
func escapeInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\x%02X`, s[i])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstInvalid returns the first bytes of s that are not UTF-8 and their index.
func firstInvalid(s string) (int, []byte) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			j := i + 1
			for j < len(s) && j < i+4 && !utf8.RuneStart(s[j]) {
				j++
			}
			return i, []byte(s[i:j])
		}
		i += size
	}
	return -1, nil
}
