package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/zhuqi/zhuqi"
)

// A daily full export repeats most tickets unchanged. For a simple UTF-8 CSV (one record
// a line, scan.Simple) the raw hash of a row is a hash of its line as written (two CRC-32s,
// Castagnoli and IEEE, which the CPU computes), seeded with the configuration and the
// header line, and its ticket id is read straight from its
// cell: one quick pass in Go (digestCSV) tells which rows changed since their ticket's
// current version before any row is parsed, and only those are staged (linesSource).
// Other files hash their staged cells in SQL (rawHashSQL).

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// lineHash is the raw hash of a line for the seeds (the CRC-32s of the seed text).
func lineHash(seedC, seedI uint32, line []byte) uint64 {
	return uint64(crc32.Update(seedC, castagnoli, line))<<32 | uint64(crc32.Update(seedI, crc32.IEEETable, line))
}

// lineReader reads the data lines of a simple CSV after its header line, numbering them
// as a spreadsheet does (the header is row 1).
type lineReader struct {
	f    *os.File
	cr   *countingReader
	r    *bufio.Reader
	num  int64
	long []byte
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

// digestCSV fills rawTable (_row, ticket_id, raw_hash) from the lines of a simple CSV
// whose ticket id is in column idCol, seeding the hashes with seedText and the header
// line, and returns how many blank lines it passed over.
func digestCSV(ctx context.Context, conn *sql.Conn, path string, sc *scan, idCol int, seedText string, batch int, progress func(int64)) (int64, error) {
	lr, head, err := openLines(path, sc)
	if err != nil {
		return 0, err
	}
	defer lr.Close()
	seedText += "\n" + string(head)
	seedC, seedI := crc32.Checksum([]byte(seedText), castagnoli), crc32.ChecksumIEEE([]byte(seedText))
	var blanks int64
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "_row", Type: arrow.PrimitiveTypes.Int64},
		{Name: "ticket_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "raw_hash", Type: arrow.PrimitiveTypes.Uint64},
	}, nil)
	fill := func(b *array.RecordBuilder) (int, error) {
		rowB := b.Field(0).(*array.Int64Builder)
		idB := b.Field(1).(*array.StringBuilder)
		hashB := b.Field(2).(*array.Uint64Builder)
		n := 0
		for n < batch {
			line, num, err := lr.next()
			if err != nil {
				return n, err
			}
			if blankLine(line, sc.Delim) {
				blanks++
				continue
			}
			rowB.Append(num)
			id, _ := cell(line, sc.Delim, idCol)
			if id = bytes.Trim(id, cellSpace); len(id) > 0 {
				idB.BinaryBuilder.Append(id)
			} else {
				idB.AppendNull()
			}
			hashB.Append(lineHash(seedC, seedI, line))
			n++
		}
		if progress != nil {
			progress(lr.cr.n)
		}
		return n, nil
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+rawTable+" (_row BIGINT, ticket_id VARCHAR, raw_hash UBIGINT)"); err != nil {
		return 0, err
	}
	if err := insertArrow(ctx, conn, newBatchReader(ctx, schema, fill), rawTable); err != nil {
		return 0, fmt.Errorf("hash rows: %w", err)
	}
	return blanks, nil
}

// compareLines fills rawTable from the lines of a simple UTF-8 ticket CSV, then dupTable
// and skipTable. When at most a quarter of the rows are left to parse it returns their
// numbers, in order, for staging only those.
func (s *Store) compareLines(ctx context.Context, conn *sql.Conn, cfg *zhuqi.Config, path string, sc *scan, m *mapping, progress func(int64)) (int64, []int64, error) {
	blanks, err := digestCSV(ctx, conn, path, sc, m.Source["ticket_id"], cfgPrint(cfg), cfg.Ingest.BatchRows, progress)
	if err != nil {
		return 0, nil, err
	}
	for _, q := range []string{dupSQL(zhuqi.KindTickets), skipSQL()} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return 0, nil, fmt.Errorf("compare with current versions: %w", err)
		}
	}
	var all, skipped int64
	if err := conn.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM "+rawTable+"), (SELECT count(*) FROM "+skipTable+")").Scan(&all, &skipped); err != nil {
		return 0, nil, err
	}
	if 4*(all-skipped) > all {
		return blanks, nil, nil
	}
	rows, err := conn.QueryContext(ctx, "SELECT _row FROM "+rawTable+" ANTI JOIN "+skipTable+" USING (_row) ORDER BY _row")
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	todo := make([]int64, 0, all-skipped)
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			return 0, nil, err
		}
		todo = append(todo, r)
	}
	return blanks, todo, rows.Err()
}

// linesSource yields the rows of a simple CSV whose numbers are in want (ascending),
// passing over the others without parsing them.
type linesSource struct {
	*lineReader
	want    []int64
	delim   rune
	maxCell int
}

func openCSVLines(path string, sc *scan, want []int64, maxCell int) (*linesSource, error) {
	lr, _, err := openLines(path, sc)
	if err != nil {
		return nil, err
	}
	return &linesSource{lineReader: lr, want: want, delim: rune(sc.Delim), maxCell: maxCell}, nil
}

func (s *linesSource) Next() (row, error) {
	for len(s.want) > 0 {
		line, num, err := s.next()
		if err != nil {
			if err == io.EOF {
				return row{}, fmt.Errorf("%w: the file ended before row %d: was it changed while being read?", ErrFileUnreadable, s.want[0])
			}
			return row{}, err
		}
		if num < s.want[0] {
			continue
		}
		s.want = s.want[1:]
		r := csv.NewReader(bytes.NewReader(line))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = s.delim, -1, true
		rec, err := r.Read()
		if err == io.EOF {
			rec, err = []string{""}, nil
		}
		if err != nil {
			return row{}, fmt.Errorf("%w: row %d: %v: check the file is a CSV export", ErrFileUnreadable, num, err)
		}
		for i, c := range rec {
			if err := cellTooLong(c, s.maxCell, num, i); err != nil {
				return row{}, err
			}
		}
		return row{Cells: rec, Num: num}, nil
	}
	return row{}, io.EOF
}

func (s *linesSource) Offset() int64 { return s.cr.n }

// checkLineIDs makes sure that the ticket ids digestCSV read from the lines are the ids
// the parsed rows have, or repeated tickets could pass unnoticed: the rows parsed are those
// of rawTable not in skipTable, so the sums of hash(_row, ticket_id) must agree. Sums, not
// a join, because a join of two tables of every row costs seconds at 10M rows.
func checkLineIDs(ctx context.Context, conn *sql.Conn) error {
	sum := func(t string) string {
		return "(SELECT coalesce(sum(hash(_row, ticket_id)::HUGEINT), 0) FROM " + t + ")"
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT "+sum(rawTable)+" - "+sum(skipTable)+" = "+sum(normTable)).Scan(&ok); err != nil {
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
