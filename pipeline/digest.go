package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/zhuqi/zhuqi"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// A daily full export repeats most tickets unchanged. For a CSV whose records are lines
// (scan.Lines), in UTF-8 or GB18030 (GBK), the raw hash of a row is a hash of its line as
// written (two CRC-32s, Castagnoli and IEEE, which the CPU computes), seeded with the
// configuration and the header line, and its ticket id is read straight from its cell: one
// quick pass in Go (digestCSV) tells which rows changed since their ticket's current
// version before any row is parsed, and only those are staged (linesSource), or read in Go
// when they are new tickets (direct.go). Other files hash their staged cells in SQL
// (rawHashSQL).

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
func blankLineIn(line []byte, delim byte, decode func([]byte) []byte) bool {
	if decode == nil {
		return blankLine(line, delim)
	}
	for _, c := range line {
		switch {
		case c == delim || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"':
		case c < utf8.RuneSelf:
			return false
		default:
			return blankLine(decode(line), delim)
		}
	}
	return blankLine(line, delim)
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

// blankLine reports whether every cell of a simple CSV line is empty or cellSpace.
func blankLine(line []byte, delim byte) bool {
	if bytes.IndexByte(line, '"') >= 0 {
		for i := 0; ; i++ {
			c, ok := cell(line, delim, i)
			if !ok {
				return true
			}
			if len(bytes.Trim(c, cellSpace)) > 0 {
				return false
			}
		}
	}
	for k := 0; k < len(line); k++ {
		switch c := line[k]; {
		case c == delim, c == ' ', c == '\t', c == '\r', c == '\n':
		case c == 0xC2 && k+1 < len(line) && line[k+1] == 0xA0:
			k++
		case c == 0xE3 && k+2 < len(line) && line[k+1] == 0x80 && line[k+2] == 0x80:
			k += 2
		default:
			return false
		}
	}
	return true
}

// digestCSV fills rawTable (_row, ticket_id, raw_hash, and _off: where the line starts)
// from the lines of a CSV in encoding enc whose records are lines (scan.Lines) and whose
// ticket id is in column idCol, seeding the hashes with seedText and the header line as
// written, and returns how many blank lines it passed over.
func digestCSV(ctx context.Context, conn *sql.Conn, path string, sc *scan, enc string, idCol int, seedText string, batch int, progress func(int64)) (int64, error) {
	lr, head, err := openLines(path, sc)
	if err != nil {
		return 0, err
	}
	defer lr.Close()
	decode := lineDecoder(enc)
	seedC, seedI := lineSeeds(seedText, head)
	var blanks int64
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "_row", Type: arrow.PrimitiveTypes.Int64},
		{Name: "ticket_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "raw_hash", Type: arrow.PrimitiveTypes.Uint64},
		{Name: "_off", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	fill := func(b *array.RecordBuilder) (int, error) {
		rowB := b.Field(0).(*array.Int64Builder)
		idB := b.Field(1).(*array.StringBuilder)
		hashB := b.Field(2).(*array.Uint64Builder)
		offB := b.Field(3).(*array.Int64Builder)
		n := 0
		for n < batch {
			line, num, err := lr.next()
			if err != nil {
				return n, err
			}
			if blankLineIn(line, sc.Delim, decode) {
				blanks++
				continue
			}
			rowB.Append(num)
			id, _ := cell(line, sc.Delim, idCol)
			if decode != nil {
				id = decode(id)
			}
			if id = bytes.Trim(id, cellSpace); len(id) > 0 {
				idB.BinaryBuilder.Append(id)
			} else {
				idB.AppendNull()
			}
			hashB.Append(lineHash(seedC, seedI, line))
			offB.Append(lr.at)
			n++
		}
		if progress != nil {
			progress(lr.cr.n)
		}
		return n, nil
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+rawTable+" (_row BIGINT, ticket_id VARCHAR, raw_hash UBIGINT, _off BIGINT)"); err != nil {
		return 0, err
	}
	if err := insertArrow(ctx, conn, newBatchReader(ctx, schema, fill), rawTable); err != nil {
		return 0, fmt.Errorf("hash rows: %w", err)
	}
	return blanks, nil
}

// lineCompare is what compareLines found.
type lineCompare struct {
	blanks int64
	// todo lists the rows left to parse, in order, when they are at most a quarter of all.
	todo []lineRef
	// plan says what becomes of each row (planNone, planDirect, planSQL), by row number,
	// when the direct path reads the new tickets (direct.go).
	plan []byte
}

// compareLines fills rawTable from the lines of a simple UTF-8 ticket CSV, then dupTable
// and skipTable, and says how to read the rows left to parse. When at most a quarter are
// left it lists them, for staging only those. Else, when direct is true and most of them
// are new tickets, it plans the direct path.
func (s *Store) compareLines(ctx context.Context, conn *sql.Conn, cfg *zhuqi.Config, path string, sc *scan, m *mapping, enc string, direct bool, lap func(string), progress func(int64)) (lineCompare, error) {
	var lc lineCompare
	var err error
	lc.blanks, err = digestCSV(ctx, conn, path, sc, enc, m.Source["ticket_id"], cfgPrint(cfg), cfg.Ingest.BatchRows, progress)
	if err != nil {
		return lc, err
	}
	lap("digest")
	for _, q := range []string{dupSQL(zhuqi.KindTickets), skipSQL()} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return lc, fmt.Errorf("compare with current versions: %w", err)
		}
	}
	var all, skipped int64
	if err := conn.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM "+rawTable+"), (SELECT count(*) FROM "+skipTable+")").Scan(&all, &skipped); err != nil {
		return lc, err
	}
	lap("compare")
	if 4*(all-skipped) > all {
		if direct {
			lc.plan, err = planRows(ctx, conn, sc.Records+2)
			lap("plan")
		}
		return lc, err
	}
	rows, err := conn.QueryContext(ctx, "SELECT _row, _off FROM "+rawTable+" ANTI JOIN "+skipTable+" USING (_row) ORDER BY _row")
	if err != nil {
		return lc, err
	}
	defer rows.Close()
	lc.todo = make([]lineRef, 0, all-skipped)
	for rows.Next() {
		var r lineRef
		if err := rows.Scan(&r.row, &r.off); err != nil {
			return lc, err
		}
		lc.todo = append(lc.todo, r)
	}
	return lc, rows.Err()
}

// planRows plans the rows of rawTable not in skipTable: planDirect for a new ticket (an id
// without a current version, not repeated in the file), planSQL for the others. It
// returns nil when more than a quarter of all rows are for SQL: then DuckDB's CSV reader
// stages the file faster than reading line by line. size is the number of lines + 1.
func planRows(ctx context.Context, conn *sql.Conn, size int64) ([]byte, error) {
	q := fmt.Sprintf(`SELECT r._row, r.ticket_id IS NULL OR d.ticket_id IS NOT NULL OR c.ticket_id IS NOT NULL AS for_sql
FROM (SELECT _row, ticket_id FROM %s ANTI JOIN %s USING (_row)) r
LEFT JOIN %s d ON d.ticket_id = r.ticket_id
LEFT JOIN (SELECT ticket_id FROM ticket_versions WHERE is_current) c ON c.ticket_id = r.ticket_id`, rawTable, skipTable, dupTable)
	plan := make([]byte, size)
	var forSQL int64
	err := rawConn(conn, func(dc driver.Conn) error {
		ar, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			rec := rr.RecordBatch()
			rows := rec.Column(0).(*array.Int64)
			flags := rec.Column(1).(*array.Boolean)
			for i := 0; i < rows.Len(); i++ {
				r := rows.Value(i)
				if r < 0 || r >= size {
					return fmt.Errorf("plan: row %d beyond the file's %d lines", r, size-1)
				}
				if flags.Value(i) {
					plan[r] = planSQL
					forSQL++
				} else {
					plan[r] = planDirect
				}
			}
		}
		return rr.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("plan rows: %w", err)
	}
	if 4*forSQL > size {
		return nil, nil
	}
	return plan, nil
}

// linesSource yields the rows of a simple CSV listed in want (ascending), reading each
// line where it starts: the others are not read at all.
type linesSource struct {
	f       *os.File
	want    []lineRef
	delim   rune
	decode  func([]byte) []byte // nil for UTF-8
	maxCell int
	buf     []byte // the file from off
	off     int64
	read    int64 // bytes read, for progress
}

func openCSVLines(path string, want []lineRef, delim byte, enc string, maxCell int) (*linesSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &linesSource{f: f, want: want, delim: rune(delim), decode: lineDecoder(enc), maxCell: maxCell}, nil
}

// lineWindow is how much of the file linesSource reads at a time; a variable for tests.
var lineWindow = 8 << 10

// line returns the line starting at off, without its line end.
func (s *linesSource) line(off int64) ([]byte, error) {
	if k := off - s.off; k >= 0 && k < int64(len(s.buf)) {
		if i := bytes.IndexByte(s.buf[k:], '\n'); i >= 0 {
			return bytes.TrimSuffix(s.buf[k:k+int64(i)], []byte{'\r'}), nil
		}
	}
	for size := lineWindow; ; size *= 2 {
		if cap(s.buf) < size {
			s.buf = make([]byte, size)
		}
		n, err := s.f.ReadAt(s.buf[:size], off)
		s.buf, s.off = s.buf[:n], off
		s.read += int64(n)
		if i := bytes.IndexByte(s.buf, '\n'); i >= 0 {
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

// checkLineIDs makes sure that the ticket ids digestCSV read from the lines are the ids
// the parsed rows have, or repeated tickets could pass unnoticed: the rows parsed are those
// of rawTable not in skipTable (in normTable, or stored by the direct path as versions of
// ingest directID), so the sums of hash(_row, ticket_id) must agree. Sums, not
// a join, because a join of two tables of every row costs seconds at 10M rows.
func checkLineIDs(ctx context.Context, conn *sql.Conn, directID int64) error {
	sum := func(t string) string {
		return "(SELECT coalesce(sum(hash(_row, ticket_id)::HUGEINT), 0) FROM " + t + ")"
	}
	parsed := sum(normTable)
	if directID != 0 {
		// The rows the direct path stored carry their ticket ids as parsed, too.
		parsed += fmt.Sprintf(" + (SELECT coalesce(sum(hash(row_number, ticket_id)::HUGEINT), 0) FROM ticket_versions WHERE ingest_id = %d)", directID)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT "+sum(rawTable)+" - "+sum(skipTable)+" = "+parsed).Scan(&ok); err != nil {
		return err
	}
	if ok {
		return nil
	}
	var bad sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT min(_row) FROM "+normTable+" n JOIN "+rawTable+" r USING (_row) WHERE n.ticket_id IS DISTINCT FROM r.ticket_id").Scan(&bad); err != nil {
		return err
	}
	return fmt.Errorf("row %d: the ticket id read from the line differs from the parsed one; nothing was loaded (a bug: please report it with the file)", bad.Int64)
}
