package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"unicode/utf8"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline/fastpath"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// lineHash is the raw hash of a line for the seeds (the CRC-32s of the seed text).
func lineHash(seedC, seedI uint32, line []byte) uint64 {
	return uint64(crc32.Update(seedC, castagnoli, line))<<32 | uint64(crc32.Update(seedI, crc32.IEEETable, line))
}

// lineSeeds are the seeds of lineHash for a file with header line head.
func lineSeeds(seedText string, head []byte) (uint32, uint32) {
	b := []byte(seedText + "\n" + string(head))
	return crc32.Checksum(b, castagnoli), crc32.ChecksumIEEE(b)
}

// lineEncoding reports whether the digest reads lines of a file in encoding enc (as
// csvDecoder names it) with delimiter delim: UTF-8, and GB18030 (GBK) with a delimiter
// below 0x40, which no byte of its multi-byte characters can be.
func lineEncoding(enc string, delim byte) bool {
	return enc == "utf-8" || enc == "gb18030" && delim < 0x40
}

// lineDecoder turns text in enc into UTF-8: nil for UTF-8 itself. Each caller needs its
// own, and the text it returns is good until the next call.
func lineDecoder(enc string) func([]byte) []byte {
	if enc != "gb18030" {
		return nil
	}
	d := simplifiedchinese.GB18030.NewDecoder()
	buf := make([]byte, 4096)
	return func(b []byte) []byte {
		ascii := true
		for _, c := range b {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			return b // the same in both
		}
		for {
			d.Reset()
			n, _, err := d.Transform(buf, b, true)
			if err == transform.ErrShortDst {
				buf = make([]byte, 2*len(buf)+len(b))
				continue
			}
			if err != nil {
				return b // not reached: GB18030 decodes any bytes, invalid ones as U+FFFD
			}
			return buf[:n]
		}
	}
}

// blankLineIn is blankLine for a line in an encoding decode turns into UTF-8 (nil: UTF-8).
// Most lines start with an ASCII cell and are settled without decoding.
func blankLineIn(line []byte, delim byte, space *fastpath.Set, decode func([]byte) []byte) bool {
	if decode == nil {
		return blankLine(line, delim, space)
	}
	for _, c := range line {
		switch {
		case c == delim || c == '"' || space.HasByte(c):
		case c < utf8.RuneSelf:
			return false
		default:
			return blankLine(decode(line), delim, space)
		}
	}
	return blankLine(line, delim, space)
}

// lineReader reads the data lines of a simple CSV after its header line, numbering them
// as a spreadsheet does (the header is row 1).
type lineReader struct {
	f    *os.File
	cr   *countingReader
	r    *bufio.Reader
	num  int64
	long []byte
	pos  int64 // offset of the next line
	at   int64 // offset of the line last read
}

// lineRef is a data line: its row number and where it starts in the file.
type lineRef struct{ row, off int64 }

// lineFile is a ticket CSV whose records are lines (scan.Lines), as the digest reads it:
// its path and scan, its encoding (as csvDecoder names it), the column of its ticket id,
// the text its raw hashes are seeded with (lineSeeds), and the white space trimmed from
// its cells (zhuqi.CellRules.Space).
type lineFile struct {
	path     string
	sc       *scan
	enc      string
	idCol    int
	seedText string
	space    *fastpath.Set
	sizes    sizes
}

// ticketLines is the lineFile of a ticket CSV at path mapped by m, in encoding enc.
func ticketLines(cfg *zhuqi.Config, path string, sc *scan, m *mapping, enc string, z sizes) lineFile {
	return lineFile{path: path, sc: sc, enc: enc, idCol: m.Source["ticket_id"], seedText: cfgPrint(cfg), space: fastpath.NewSet(cfg.Cells.Space), sizes: z}
}

func openLines(path string, sc *scan) (*lineReader, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	cr := &countingReader{r: f}
	lr := &lineReader{f: f, cr: cr, r: bufio.NewReaderSize(cr, 1<<20), num: 1}
	if sc.BOM == "utf-8" {
		if _, err := lr.r.Discard(3); err != nil {
			f.Close()
			return nil, nil, err
		}
		lr.pos = 3
	}
	head, err := lr.line()
	if err != nil {
		f.Close()
		if err == io.EOF {
			err = fmt.Errorf("%w: no header line", ErrFileUnreadable)
		}
		return nil, nil, err
	}
	return lr, append([]byte(nil), head...), nil
}

// next returns the next data line without its line end, and its row number. The bytes
// are valid until the following call.
func (l *lineReader) next() ([]byte, int64, error) {
	b, err := l.line()
	if err != nil {
		return nil, 0, err
	}
	l.num++
	return b, l.num, nil
}

func (l *lineReader) line() ([]byte, error) {
	b, err := l.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.long = append(l.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = l.r.ReadSlice('\n')
			l.long = append(l.long, b...)
		}
		b = l.long
	}
	if err == io.EOF && len(b) > 0 {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	l.at = l.pos
	l.pos += int64(len(b))
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'}), nil
}

func (l *lineReader) Close() error { return l.f.Close() }

// cell returns field i of a simple CSV line as DuckDB's reader gives it: unquoted, with
// "" inside quotes as one quote; ok is false when the line has no field i.
func cell(line []byte, delim byte, i int) (field []byte, ok bool) {
	for {
		var f []byte
		if len(line) > 0 && line[0] == '"' {
			// A quoted field runs to the quote that is not doubled.
			k := 1
			for k < len(line) {
				if line[k] == '"' {
					if k+1 < len(line) && line[k+1] == '"' {
						k += 2
						continue
					}
					break
				}
				k++
			}
			if i == 0 {
				return bytes.ReplaceAll(line[1:min(k, len(line))], []byte(`""`), []byte(`"`)), true
			}
			line = line[min(k+1, len(line)):]
			if j := bytes.IndexByte(line, delim); j >= 0 {
				line = line[j:]
			} else {
				line = line[len(line):]
			}
		} else if j := bytes.IndexByte(line, delim); j >= 0 {
			f, line = line[:j], line[j:]
		} else {
			f, line = line, line[len(line):]
		}
		if i == 0 {
			return f, true
		}
		if len(line) == 0 {
			return nil, false
		}
		line = line[1:]
		i--
	}
}

// lineID is the ticket id of a line as the digest reads it: cell idCol, decoded (decode
// nil: UTF-8), trimmed of space, as zq_text trims it.
func lineID(line []byte, delim byte, idCol int, space *fastpath.Set, decode func([]byte) []byte) []byte {
	id, _ := cell(line, delim, idCol)
	if decode != nil {
		id = decode(id)
	}
	return space.Trim(id)
}

// blankLine reports whether every cell of a simple CSV line is empty or space.
func blankLine(line []byte, delim byte, space *fastpath.Set) bool {
	if bytes.IndexByte(line, '"') >= 0 {
		for i := 0; ; i++ {
			c, ok := cell(line, delim, i)
			if !ok {
				return true
			}
			if len(space.Trim(c)) > 0 {
				return false
			}
		}
	}
	for len(line) > 0 {
		r, n := rune(line[0]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(line)
		}
		if r != rune(delim) && !space.Has(r) {
			return false
		}
		line = line[n:]
	}
	return true
}

// lineStart returns where the first line starting at or after off starts (the file's size
// when none does within 1 MiB).
func lineStart(path string, off int64) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n, err := f.ReadAt(buf, off-1)
	if err != nil && err != io.EOF {
		return 0, err
	}
	if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
		return off + int64(i), nil
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// openLineRange reads the lines of a file between offsets from and to, which start lines;
// next numbers them from 1.
func openLineRange(path string, from, to int64) (*lineReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	cr := &countingReader{r: io.NewSectionReader(f, from, to-from)}
	return &lineReader{f: f, cr: cr, r: bufio.NewReaderSize(cr, 1<<20), pos: from}, nil
}
