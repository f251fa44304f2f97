package pipeline

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
)

// linesSource yields the rows of a simple CSV listed in want (ascending), reading each
// line where it starts: the others are not read at all.
type linesSource struct {
	f       *os.File
	want    []lineRef
	delim   rune
	decode  func([]byte) []byte // nil for UTF-8
	maxCell int
	window  int    // bytes read at a time for lines near each other (sizes.lineWindow)
	buf     []byte // the file from off
	off     int64
	read    int64 // bytes read, for progress
	last    int64 // the offset of the line asked for before
	lastLen int   // and its length
}

// openCSVLines reads the lines of path at want (all when nil), window bytes at a time
// when they are near each other.
func openCSVLines(path string, want []lineRef, delim byte, enc string, maxCell, window int) (*linesSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &linesSource{f: f, want: want, delim: rune(delim), decode: lineDecoder(enc), maxCell: maxCell, window: window}, nil
}

// line returns the line starting at off, without its line end.
func (s *linesSource) line(off int64) ([]byte, error) {
	gap := off - s.last
	s.last = off
	if k := off - s.off; k >= 0 && k < int64(len(s.buf)) {
		if i := bytes.IndexByte(s.buf[k:], '\n'); i >= 0 {
			s.lastLen = i
			return bytes.TrimSuffix(s.buf[k:k+int64(i)], []byte{'\r'}), nil
		}
	}
	size := s.window
	if gap < 0 || gap > int64(s.window) {
		// Lines far apart (the changed rows of a daily export): read about a line's worth;
		// 8 KiB for each line took twice as long.
		size = min(max(2*s.lastLen+2, 512), s.window)
	}
	for ; ; size *= 2 {
		if cap(s.buf) < size {
			s.buf = make([]byte, size)
		}
		n, err := s.f.ReadAt(s.buf[:size], off)
		s.buf, s.off = s.buf[:n], off
		s.read += int64(n)
		if i := bytes.IndexByte(s.buf, '\n'); i >= 0 {
			s.lastLen = i
			return bytes.TrimSuffix(s.buf[:i], []byte{'\r'}), nil
		}
		if err == io.EOF {
			if n == 0 {
				return nil, io.EOF
			}
			return bytes.TrimSuffix(s.buf, []byte{'\r'}), nil // the last line has no line end
		}
		if err != nil {
			return nil, err
		}
	}
}

func (s *linesSource) Next() (row, error) {
	if len(s.want) == 0 {
		return row{}, io.EOF
	}
	ref := s.want[0]
	s.want = s.want[1:]
	line, err := s.line(ref.off)
	if err == io.EOF {
		return row{}, fmt.Errorf("%w: the file ended before row %d: was it changed while being read?", ErrFileUnreadable, ref.row)
	}
	if err != nil {
		return row{}, err
	}
	if s.decode != nil {
		line = s.decode(line)
	}
	r := csv.NewReader(bytes.NewReader(line))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = s.delim, -1, true
	rec, err := r.Read()
	if err == io.EOF {
		rec, err = []string{""}, nil
	}
	if err != nil {
		return row{}, fmt.Errorf("%w: row %d: %v: check the file is a CSV export", ErrFileUnreadable, ref.row, err)
	}
	for i, c := range rec {
		if err := cellTooLong(c, s.maxCell, ref.row, i); err != nil {
			return row{}, err
		}
	}
	return row{Cells: rec, Num: ref.row}, nil
}

func (s *linesSource) Close() error { return s.f.Close() }

func (s *linesSource) Offset() int64 { return s.read }
