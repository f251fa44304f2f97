package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// row is one data row of a file: its cells, its row number as a spreadsheet shows it,
// and, for a row that cannot be taken apart, why (pre) and what else it held (more, JSON).
type row struct {
	Cells []string
	Num   int64
	Pre   string
	More  string
}

// rowSource yields a file's rows in order, the header row included; io.EOF ends it.
type rowSource interface {
	Next() (row, error)
	// Offset is how many bytes of the file have been consumed, for progress.
	Offset() int64
	Close() error
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// cellTooLong checks one cell against Excel's limit on characters in a cell.
func cellTooLong(s string, maxChars int, num int64, col int) error {
	if len(s) <= maxChars {
		return nil
	}
	if n := utf8.RuneCountInString(s); n > maxChars {
		return fmt.Errorf("%w: row %d, column %d holds %d characters, more than %d (Excel's limit for a cell): this is not a ticket export", ErrFileUnreadable, num, col+1, n, maxChars)
	}
	return nil
}

// csvSource reads CSV text of any supported encoding with encoding/csv.
type csvSource struct {
	f       *os.File
	cr      *countingReader
	r       *csv.Reader
	maxCell int
	// checkUTF8: the file is UTF-8 but for some bytes (read as is, dec nil); a row holding
	// such bytes is rejected. checkGB: the file is GB18030 but for some bytes, which the
	// decoder makes U+FFFD; a row holding one is rejected. base is the BOM's length; end
	// the offset after the last row.
	checkUTF8, checkGB bool
	base, end          int64
}

// csvDecoder picks the decoder for a CSV file on the evidence of its bytes (DOMAIN §1.3):
// the declared encoding unless the bytes contradict it, else the BOM, else UTF-8 when every
// byte is valid UTF-8 or most of its text is (the rest rejected row by row: nil decoder),
// else GB18030 (a superset of GBK and GB2312) when its bytes are GB18030 but for far
// fewer than are not UTF-8 (evidence.utf8Wins). sc.Invalid says that some rows hold
// bytes that are not of the encoding chosen.
func csvDecoder(ctx context.Context, path string, sc *scan, declared string) (transform.Transformer, string, error) {
	weighed := func() (*evidence, error) {
		ev, err := weighFile(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
		}
		return ev, nil
	}
	switch strings.ToLower(strings.ReplaceAll(declared, "-", "")) {
	case "":
	case "utf8":
		if sc.UTF8 {
			return unicode.UTF8BOM.NewDecoder(), "utf-8", nil
		}
		ev, err := weighed()
		if err != nil {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("%w: declared --encoding utf-8, but line %d (byte %d) holds %s, which is not UTF-8 (%d such bytes in the file): if it came from a Chinese Excel or WPS, try --encoding gbk; else correct those bytes, or drop --encoding to load the rest and reject those rows",
			ErrFileUnreadable, ev.UTF8Line, ev.UTF8At, hexBytes(ev.UTF8Bytes), ev.BadUTF8)
	case "gbk", "gb2312", "gb18030", "cp936":
		ev, err := weighed()
		if err != nil {
			return nil, "", err
		}
		if ev.BadGB > 0 {
			return nil, "", fmt.Errorf("%w: declared --encoding %s, but line %d (byte %d) holds %s, which is not GBK/GB18030 (%d such bytes in the file): drop --encoding to detect it, or export the file again",
				ErrFileUnreadable, declared, ev.GBLine, ev.GBAt, hexBytes(ev.GBBytes), ev.BadGB)
		}
		if ev.BadUTF8 == 0 && ev.GoodUTF8 > 0 {
			return nil, "", fmt.Errorf("%w: declared --encoding %s, but the file is valid UTF-8 throughout (%d Chinese or other multi-byte characters): drop --encoding or use --encoding utf-8", ErrFileUnreadable, declared, ev.GoodUTF8)
		}
		return simplifiedchinese.GB18030.NewDecoder(), "gb18030", nil
	case "utf16", "utf16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder(), "utf-16le", nil
	case "utf16be":
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder(), "utf-16be", nil
	default:
		return nil, "", fmt.Errorf("unknown encoding %q: use utf-8, gbk, gb18030 or utf-16", declared)
	}
	switch {
	case sc.BOM == "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), "utf-16le", nil
	case sc.BOM == "utf-16be":
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder(), "utf-16be", nil
	case sc.UTF8:
		return unicode.UTF8BOM.NewDecoder(), "utf-8", nil
	}
	ev, err := weighed()
	if err != nil {
		return nil, "", err
	}
	if ev.utf8Wins() {
		sc.Invalid = true
		return nil, "utf-8", nil
	}
	sc.Invalid = ev.BadGB > 0
	return simplifiedchinese.GB18030.NewDecoder(), "gb18030", nil
}

// openCSV reads path through dec; a nil dec reads UTF-8 that holds invalid bytes, and
// rejects the rows that hold them.
func openCSV(path string, sc *scan, dec transform.Transformer, maxCell int) (*csvSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	cr := &countingReader{r: f}
	var text io.Reader = cr
	var base int64
	if dec != nil {
		text = transform.NewReader(cr, dec)
	} else if sc.BOM == "utf-8" {
		if _, err := io.ReadFull(cr, make([]byte, 3)); err != nil {
			f.Close()
			return nil, err
		}
		base = 3
	}
	r := csv.NewReader(bufio.NewReaderSize(text, 1<<20))
	r.Comma = rune(sc.Delim)
	if sc.Delim == 0 {
		r.Comma = ','
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return &csvSource{f: f, cr: cr, r: r, maxCell: maxCell, checkUTF8: dec == nil, checkGB: dec != nil && sc.Invalid, base: base}, nil
}

func (s *csvSource) Next() (row, error) {
	rec, err := s.r.Read()
	if err != nil {
		if err == io.EOF {
			return row{}, io.EOF
		}
		return row{}, fmt.Errorf("%w: %v: check the file is a CSV export", ErrFileUnreadable, err)
	}
	start := s.base + s.end
	s.end = s.r.InputOffset()
	line, _ := s.r.FieldPos(0)
	for i, c := range rec {
		if err := cellTooLong(c, s.maxCell, int64(line), i); err != nil {
			return row{}, err
		}
	}
	rw := row{Cells: rec, Num: int64(line)}
	if s.checkUTF8 {
		for i, c := range rec {
			at, bad := firstInvalid(c)
			if at < 0 {
				continue
			}
			rw.Pre = fmt.Sprintf("bad_encoding\t第%d行（文件第%d字节起）第%d列含有不是 UTF-8 的字节 %s：请在原系统中改正该单元格，或用 Excel/WPS 将文件另存为“CSV UTF-8”后重新导入 (row %d, starting at byte %d, column %d holds bytes %s that are not UTF-8: correct the cell, or save the file again as CSV UTF-8, then ingest again)",
				line, start, i+1, hexBytes(bad), line, start, i+1, hexBytes(bad))
			for j := range rec {
				rec[j] = escapeInvalid(rec[j])
			}
			break
		}
	}
	if s.checkGB {
		for i, c := range rec {
			if strings.ContainsRune(c, utf8.RuneError) {
				rw.Pre = fmt.Sprintf("bad_encoding\t第%d行第%d列含有不是 GBK/GB18030 的字节（显示为 \uFFFD）：请在原系统中改正该单元格后重新导入 (row %d, column %d holds bytes that are not GBK/GB18030, shown as U+FFFD: correct the cell, then ingest again)",
					line, i+1, line, i+1)
				break
			}
		}
	}
	return rw, nil
}

func (s *csvSource) Offset() int64 { return s.cr.n }
func (s *csvSource) Close() error  { return s.f.Close() }

// xlsxSource streams one sheet of a workbook row by row.
type xlsxSource struct {
	f       *excelize.File
	file    *os.File
	cr      *countingReader
	rows    *excelize.Rows
	n       int64
	maxCell int
	Sheet   string
}

// openXLSX opens one sheet of the workbook at path, after checkWorkbook; a large sheet is
// unpacked to a file under tmpDir.
func openXLSX(path, sheet string, unzipLimit int64, maxCell int, tmpDir string) (*xlsxSource, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	if err := checkWorkbook(file, st.Size(), unzipLimit); err != nil {
		file.Close()
		return nil, err
	}
	cr := &countingReader{r: file}
	xmlLimit := min(int64(16<<20), unzipLimit)
	f, err := excelize.OpenReader(cr, excelize.Options{RawCellValue: true, UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: xmlLimit, TmpDir: tmpDir})
	if err != nil {
		file.Close()
		if strings.Contains(err.Error(), "unzip size") {
			return nil, fmt.Errorf("%w: the workbook unpacks to more than %d bytes (a zip bomb, or far larger than any export): refused", ErrFileUnreadable, unzipLimit)
		}
		return nil, fmt.Errorf("%w: not a readable Excel workbook (%v): open it in Excel or WPS and save it again as .xlsx", ErrFileUnreadable, err)
	}
	sheets := f.GetSheetList()
	if sheet == "" {
		if len(sheets) == 0 {
			f.Close()
			file.Close()
			return nil, fmt.Errorf("%w: the workbook has no sheets", ErrFileUnreadable)
		}
		sheet = sheets[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		f.Close()
		file.Close()
		return nil, fmt.Errorf("%w: the workbook has no sheet %q; its sheets are %s", ErrFileUnreadable, sheet, strings.Join(sheets, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		file.Close()
		return nil, fmt.Errorf("%w: sheet %q: %v", ErrFileUnreadable, sheet, err)
	}
	return &xlsxSource{f: f, file: file, cr: cr, rows: rows, maxCell: maxCell, Sheet: sheet}, nil
}

func (s *xlsxSource) Next() (row, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return row{}, fmt.Errorf("%w: %v", ErrFileUnreadable, err)
		}
		return row{}, io.EOF
	}
	s.n++
	cells, err := s.rows.Columns()
	if err != nil {
		return row{}, fmt.Errorf("%w: row %d: %v", ErrFileUnreadable, s.n, err)
	}
	for i, c := range cells {
		if err := cellTooLong(c, s.maxCell, s.n, i); err != nil {
			return row{}, err
		}
	}
	return row{Cells: cells, Num: s.n}, nil
}

func (s *xlsxSource) Offset() int64 { return s.cr.n }

func (s *xlsxSource) Close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if cerr := s.file.Close(); err == nil {
		err = cerr
	}
	return err
}

// jsonlSource reads JSON Lines: one object per line. The keys of the first object are
// the header; keys met later that are not in it travel in row.More. A line that is not a
// JSON object becomes a row with row.Pre set, so it is rejected, not lost.
type jsonlSource struct {
	f       *os.File
	cr      *countingReader
	br      *bufio.Reader
	line    int64
	header  []string
	index   map[string]int
	pending []row
	maxLine int64
	maxCell int
}

func openJSONL(path string, maxLine int64, maxCell int) (*jsonlSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	cr := &countingReader{r: f}
	return &jsonlSource{f: f, cr: cr, br: bufio.NewReaderSize(transform.NewReader(cr, unicode.UTF8BOM.NewDecoder()), 1<<20), maxLine: maxLine, maxCell: maxCell}, nil
}

func (s *jsonlSource) readLine() ([]byte, error) {
	var buf []byte
	for {
		part, err := s.br.ReadSlice('\n')
		buf = append(buf, part...)
		if int64(len(buf)) > s.maxLine {
			return nil, fmt.Errorf("%w: line %d is longer than %d bytes: this is not a JSON Lines export", ErrFileUnreadable, s.line+1, s.maxLine)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(buf) > 0 {
			return buf, nil
		}
		return buf, err
	}
}

// jsonlHeaderLines is how many leading lines decide the header: the union of their keys.
const jsonlHeaderLines = 1000

// Next returns the header (the keys of the first lines, in first-seen order) as the
// first row, then the data.
func (s *jsonlSource) Next() (row, error) {
	if s.header == nil {
		return s.readHeader()
	}
	if len(s.pending) > 0 {
		r := s.pending[0]
		s.pending = s.pending[1:]
		return r, nil
	}
	for {
		b, err := s.readLine()
		if err != nil {
			return row{}, err
		}
		s.line++
		if b = bytes.TrimSpace(b); len(b) > 0 {
			return s.toRow(b)
		}
	}
}

type parsedLine struct {
	line       int64
	text       []byte
	keys, vals []string
	err        error
}

func (s *jsonlSource) readHeader() (row, error) {
	var lines []parsedLine
	s.index = map[string]int{}
	s.header = []string{}
	for len(lines) < jsonlHeaderLines {
		b, err := s.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return row{}, err
		}
		s.line++
		if b = bytes.TrimSpace(b); len(b) == 0 {
			continue
		}
		p := parsedLine{line: s.line, text: append([]byte(nil), b...)}
		p.keys, p.vals, p.err = parseObject(b)
		if len(lines) == 0 && p.err != nil {
			return row{}, fmt.Errorf("%w: line %d is not a JSON object (%v): export it again as JSON Lines", ErrFileUnreadable, s.line, p.err)
		}
		for _, k := range p.keys {
			if _, ok := s.index[k]; !ok {
				s.index[k] = len(s.header)
				s.header = append(s.header, k)
			}
		}
		lines = append(lines, p)
	}
	if len(lines) == 0 {
		return row{}, fmt.Errorf("%w: the file holds no JSON object", ErrFileUnreadable)
	}
	for _, p := range lines {
		r, err := s.fromParsed(p)
		if err != nil {
			return row{}, err
		}
		s.pending = append(s.pending, r)
	}
	return row{Cells: append([]string(nil), s.header...), Num: 0}, nil
}

func (s *jsonlSource) toRow(b []byte) (row, error) {
	p := parsedLine{line: s.line, text: b}
	p.keys, p.vals, p.err = parseObject(b)
	return s.fromParsed(p)
}

func (s *jsonlSource) fromParsed(p parsedLine) (row, error) {
	if p.err != nil {
		raw, _ := json.Marshal(map[string]string{"_line": string(p.text)})
		return row{Cells: make([]string, len(s.header)), Num: p.line, Pre: fmt.Sprintf("bad_line\t第%d行不是有效的 JSON 对象（%v）：请修正该行后重新导入 (the line is not a valid JSON object)", p.line, p.err), More: string(raw)}, nil
	}
	r := s.dataRow(p.keys, p.vals, p.line)
	for i, c := range r.Cells {
		if err := cellTooLong(c, s.maxCell, p.line, i); err != nil {
			return row{}, err
		}
	}
	return r, nil
}

func (s *jsonlSource) dataRow(keys, vals []string, line int64) row {
	cells := make([]string, len(s.header))
	var more map[string]string
	for i, k := range keys {
		if j, ok := s.index[k]; ok {
			cells[j] = vals[i]
		} else {
			if more == nil {
				more = map[string]string{}
			}
			more[k] = vals[i]
		}
	}
	r := row{Cells: cells, Num: line}
	if more != nil {
		b, _ := json.Marshal(more)
		r.More = string(b)
	}
	return r
}

// parseObject reads one JSON object, keeping its keys in order; values become text
// (strings as is, null as empty, numbers and booleans as written, others as JSON).
func parseObject(b []byte) (keys, vals []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, errors.New("not an object")
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, err
		}
		var v string
		switch {
		case len(raw) > 0 && raw[0] == '"':
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, nil, err
			}
		case string(raw) == "null":
		default:
			v = string(raw)
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if dec.More() {
		return nil, nil, errors.New("more than one value on the line")
	}
	return keys, vals, nil
}

func (s *jsonlSource) Offset() int64 { return s.cr.n }
func (s *jsonlSource) Close() error  { return s.f.Close() }
