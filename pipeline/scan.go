package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	simdutf8 "github.com/segmentio/asm/utf8"
)

// Formats a file can have.
const (
	FormatCSV     = "csv"
	FormatXLSX    = "xlsx"
	FormatJSONL   = "jsonl"
	FormatParquet = "parquet"
)

// scan is what one pass over a file's bytes learns: its SHA-256, its format, and for
// text its encoding and whether DuckDB's CSV reader can load it with exact row numbers.
type scan struct {
	SHA256 string
	Size   int64
	Format string
	BOM    string // "utf-8", "utf-16le", "utf-16be" or ""
	UTF8   bool   // every byte is valid UTF-8

	// CSV structure (UTF-8 or single-byte-compatible encodings such as GBK).
	Delim   byte
	Records int64 // data records after the first line
	// Lines is true when every record is one line with the header's field count and
	// quotes only around whole fields: then record k is line k+1. (In GBK and GB18030 too:
	// their multi-byte characters use no byte of a line end, quote or delimiter below 0x40.)
	Lines bool
	// Simple is Lines in valid UTF-8 (DuckDB's CSV reader reads it).
	Simple bool
	// UTF8Partial is true when only the first chunk (lazyUTF8) of a longer file was
	// checked for UTF-8: UTF8 and Simple hold for it, and the line digest checks the lines
	// it reads (a daily export's unchanged lines were read before), else the file is
	// scanned again (errRescan).
	UTF8Partial bool
	// Invalid is set by csvDecoder when some bytes are not of the encoding it chose: the
	// file is read row by row, and the rows holding them are rejected.
	Invalid bool
}

// lazyUTF8 is how much of a file a lazy scan checks for UTF-8: enough to tell a GBK
// export by its header.
const lazyUTF8 = 1 << 20

// errRescan says that a file scanned lazily must be scanned again in full.
var errRescan = errors.New("the file must be checked for UTF-8 in full")

// ErrFileUnreadable marks a file that cannot be read at all; nothing of it is loaded.
var ErrFileUnreadable = errors.New("file cannot be read")

// scanFile reads path once. progress, if not nil, receives bytes read so far. lazy checks
// only the first lazyUTF8 bytes for UTF-8 (UTF8Partial).
func scanFile(ctx context.Context, path string, maxLine int64, progress func(int64), lazy bool) (*scan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%w: %s is a folder, not a file", ErrFileUnreadable, path)
	}
	sc := &scan{Size: st.Size(), UTF8: true, Simple: true}
	// The structure check runs here; UTF-8 validation and SHA-256 each on a goroutine of
	// their own, in a pipeline over a ring of buffers.
	const nbuf = 8
	free := make(chan []byte, nbuf)
	for range nbuf {
		free <- make([]byte, 1<<20)
	}
	type piece struct {
		buf, text []byte // the bytes read; the text to validate (nil: none)
		last      bool
	}
	toCheck := make(chan piece, nbuf)
	toHash := make(chan []byte, nbuf)
	checked := make(chan bool, 1)
	hashed := make(chan string, 1)
	go func(in <-chan piece) {
		u := utf8Checker{ok: true}
		for p := range in {
			if p.text != nil {
				u.write(p.text, p.last)
			}
			toHash <- p.buf
		}
		close(toHash)
		checked <- u.ok && (len(u.carry) == 0 || lazy)
	}(toCheck)
	go func() {
		h := sha256.New()
		for b := range toHash {
			h.Write(b)
			free <- b[:cap(b)]
		}
		hashed <- hex.EncodeToString(h.Sum(nil))
	}()
	stop := func() (sum string, utf8OK bool) {
		if toCheck != nil {
			close(toCheck)
			toCheck = nil
			utf8OK = <-checked
			return <-hashed, utf8OK
		}
		return "", false
	}
	defer stop()
	var cs *csvScanner
	var done int64
	first := true
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		buf := <-free
		n, rerr := io.ReadFull(f, buf)
		chunk := buf[:n]
		if n > 0 {
			if first {
				first = false
				sc.Format, sc.BOM = sniff(chunk)
				if err := checkExtension(path, sc.Format, chunk); err != nil {
					return nil, err
				}
				if sc.Format == FormatCSV {
					if sc.BOM == "utf-16le" || sc.BOM == "utf-16be" {
						sc.UTF8, sc.Simple = false, false
					} else {
						body := chunk
						if sc.BOM == "utf-8" {
							body = chunk[3:]
						}
						if bytes.IndexByte(body, 0) >= 0 {
							return nil, fmt.Errorf("%w: %s has NUL bytes, so it is not a CSV text file: export the sheet again as CSV or XLSX", ErrFileUnreadable, filepath.Base(path))
						}
						sc.Delim = sniffDelim(body)
						cs = &csvScanner{delim: sc.Delim, maxLine: maxLine, simple: true}
						chunk = body
					}
				}
			}
			if cs != nil {
				if err := cs.feed(chunk); err != nil {
					return nil, fmt.Errorf("%w: %s: %v", ErrFileUnreadable, filepath.Base(path), err)
				}
			}
			done += int64(n)
			if progress != nil {
				progress(done)
			}
		}
		p := piece{buf: buf[:n], last: rerr != nil}
		if cs != nil && sc.UTF8 && (!lazy || done <= lazyUTF8) {
			p.text = chunk
		}
		toCheck <- p
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return nil, rerr
		}
	}
	if first {
		return nil, fmt.Errorf("%w: %s is empty: export it again with the header row and data", ErrFileUnreadable, filepath.Base(path))
	}
	var utf8OK bool
	sc.SHA256, utf8OK = stop()
	if cs != nil {
		sc.UTF8 = sc.UTF8 && utf8OK
		if err := cs.finish(); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFileUnreadable, filepath.Base(path), err)
		}
		sc.Records = cs.records - 1
		if sc.Records < 0 {
			sc.Records = 0
		}
		sc.Lines = cs.simple && sc.BOM != "utf-16le" && sc.BOM != "utf-16be"
		sc.Simple = sc.Lines && sc.UTF8
		sc.UTF8Partial = lazy && sc.UTF8 && sc.Size > lazyUTF8
	}
	return sc, nil
}

// utf8Checker validates UTF-8 text that arrives in chunks.
type utf8Checker struct {
	ok    bool
	carry []byte // an incomplete sequence at the end of the previous chunk
}

func (u *utf8Checker) write(b []byte, last bool) {
	if !u.ok {
		return
	}
	if len(u.carry) > 0 {
		for len(b) > 0 && !utf8.FullRune(u.carry) {
			u.carry, b = append(u.carry, b[0]), b[1:]
		}
		if !utf8.FullRune(u.carry) {
			u.ok = !last
			return
		}
		if !simdutf8.Valid(u.carry) {
			u.ok = false
			return
		}
		u.carry = u.carry[:0]
	}
	cut := validUpTo(b, last)
	if cut < 0 {
		u.ok = false
		return
	}
	u.carry = append(u.carry[:0], b[cut:]...)
}

// validUpTo reports how much of b is valid UTF-8, leaving an incomplete final sequence
// for the next chunk unless last; -1 when b holds an invalid sequence.
func validUpTo(b []byte, last bool) int {
	end := len(b)
	if !last {
		// Back up over an incomplete rune at the end.
		for i := 1; i <= 3 && i <= len(b); i++ {
			c := b[len(b)-i]
			if c < 0x80 {
				break
			}
			if utf8.RuneStart(c) {
				if !utf8.FullRune(b[len(b)-i:]) {
					end = len(b) - i
				}
				break
			}
		}
	}
	if !simdutf8.Valid(b[:end]) {
		return -1
	}
	return end
}

// sniff tells a file's format from its first bytes.
func sniff(b []byte) (format, bom string) {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return FormatXLSX, ""
	case bytes.HasPrefix(b, []byte("PAR1")):
		return FormatParquet, ""
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "xls", ""
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return FormatCSV, "utf-16le"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return FormatCSV, "utf-16be"
	}
	if bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		bom = "utf-8"
		b = b[3:]
	}
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return FormatJSONL, bom
	}
	return FormatCSV, bom
}

var extFormats = map[string]string{
	".csv": FormatCSV, ".txt": FormatCSV, ".tsv": FormatCSV,
	".xlsx": FormatXLSX, ".xlsm": FormatXLSX,
	".jsonl": FormatJSONL, ".ndjson": FormatJSONL, ".json": FormatJSONL,
	".parquet": FormatParquet, ".pq": FormatParquet,
	".xls": "xls",
}

var formatNames = map[string]string{
	FormatCSV: "CSV text", FormatXLSX: "an Excel workbook (XLSX)", FormatJSONL: "JSON Lines",
	FormatParquet: "Parquet", "xls": "an old Excel 97-2003 workbook (.xls)",
}

// checkExtension refuses a file whose bytes are not what its name says, and formats
// Zhuqi does not read.
func checkExtension(path, format string, head []byte) error {
	base := filepath.Base(path)
	if format == "xls" {
		return fmt.Errorf("%w: %s is an old Excel 97-2003 workbook (.xls): open it in Excel or WPS and save it as .xlsx (另存为 xlsx), then ingest that", ErrFileUnreadable, base)
	}
	ext := strings.ToLower(filepath.Ext(path))
	want, known := extFormats[ext]
	if !known || want == format {
		return nil
	}
	if format == FormatXLSX && !bytes.Contains(head, []byte("xl/")) && !bytes.Contains(head, []byte("[Content_Types].xml")) {
		return fmt.Errorf("%w: %s is a zip archive, not an Excel workbook or %s: unpack it and ingest the export inside", ErrFileUnreadable, base, formatNames[want])
	}
	return fmt.Errorf("%w: %s is named %s but its contents are %s: rename it to the right extension or export it again as %s", ErrFileUnreadable, base, ext, formatNames[format], formatNames[want])
}

// sniffDelim picks the delimiter that occurs most in the first line, outside quotes.
func sniffDelim(b []byte) byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	best, bestN := byte(','), 0
	for _, d := range []byte{',', '\t', ';', '|'} {
		n, inQ := 0, false
		for _, c := range b {
			if c == '"' {
				inQ = !inQ
			} else if c == d && !inQ {
				n++
			}
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// csvScanner follows RFC 4180 record structure across chunks. Lines without quotes take
// a fast path (bytes.IndexByte and bytes.Count); lines with quotes run a small state machine.
type csvScanner struct {
	delim   byte
	maxLine int64
	records int64 // records seen, including the header
	fields  int   // fields of the record in progress
	header  int   // fields of the first record
	inQuote bool  // inside a quoted field, possibly across lines
	quoted  bool  // the current field started with a quote and it has closed
	atStart bool  // at the start of a field
	lineLen int64 // bytes of the current physical line so far
	midLine bool  // a line is in progress across chunks
	simple  bool
	line    int64
}

func (s *csvScanner) feed(b []byte) error {
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		var line []byte
		if nl < 0 {
			line = b
			b = nil
		} else {
			line = b[:nl]
			b = b[nl+1:]
		}
		s.lineLen += int64(len(line))
		if s.lineLen > s.maxLine {
			return fmt.Errorf("line %d is longer than %d bytes (a line without end?): this is not a CSV export; export it again", s.line+1, s.maxLine)
		}
		s.scanLine(line)
		if nl >= 0 {
			s.endLine()
		} else {
			s.midLine = true
		}
	}
	return nil
}

func (s *csvScanner) scanLine(line []byte) {
	fresh := !s.midLine && !s.inQuote
	if fresh {
		s.fields = 1
		s.atStart = true
		s.quoted = false
	}
	s.midLine = false
	if !s.inQuote && bytes.IndexByte(line, '"') < 0 {
		n := bytes.Count(line, []byte{s.delim})
		s.fields += n
		if n > 0 || len(line) > 0 {
			s.atStart = n > 0 && line[len(line)-1] == s.delim
		}
		if s.quoted && len(line) > 0 && line[0] != s.delim && line[0] != '\r' {
			s.simple = false
		}
		s.quoted = false
		return
	}
	for _, c := range line {
		switch {
		case s.inQuote:
			if c == '"' {
				s.inQuote = false
				s.quoted = true
			}
		case c == '"':
			if s.atStart {
				s.inQuote = true
			} else if s.quoted {
				s.inQuote = true // "" inside a quoted field
			} else {
				s.simple = false // a quote inside an unquoted field
			}
			s.atStart = false
		case c == s.delim:
			s.fields++
			s.atStart = true
			s.quoted = false
		default:
			if s.quoted && c != '\r' {
				s.simple = false // text after a closing quote
			}
			s.atStart = false
		}
	}
}

func (s *csvScanner) endLine() {
	s.line++
	s.lineLen = 0
	if s.inQuote {
		s.simple = false // a field with a line break: records and lines differ
		return
	}
	if s.fields == 1 && s.atStart && !s.quoted {
		// An empty line.
		s.simple = false
		return
	}
	s.records++
	if s.records == 1 {
		s.header = s.fields
	} else if s.fields != s.header {
		s.simple = false
	}
}

func (s *csvScanner) finish() error {
	if s.inQuote {
		s.simple = false
		return nil
	}
	if s.midLine || s.lineLen > 0 {
		s.endLine()
	}
	return nil
}
