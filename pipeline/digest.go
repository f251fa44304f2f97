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
	"math/bits"
	"os"
	"runtime/debug"
	"sync"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"
	simdutf8 "github.com/segmentio/asm/utf8"
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

// lineID is the ticket id of a line as the digest reads it: cell idCol, decoded (decode
// nil: UTF-8), trimmed of cellSpace, as zq_text trims it.
func lineID(line []byte, delim byte, idCol int, decode func([]byte) []byte) []byte {
	id, _ := cell(line, delim, idCol)
	if decode != nil {
		id = decode(id)
	}
	if n := len(id); n > 0 && id[0] > ' ' && id[0] < utf8.RuneSelf && id[n-1] > ' ' && id[n-1] < utf8.RuneSelf {
		return id // nothing to trim: cellSpace is ASCII space and control, and two non-ASCII runes
	}
	return bytes.Trim(id, cellSpace)
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

// lineDigest is what digestCSV found.
type lineDigest struct {
	blanks  int64 // blank lines passed over
	rows    int64 // data rows
	matched int64 // rows whose raw hash is a current version's
	forSQL  int64 // rows planned planSQL
	again   int   // rows matched but put in rawTable for their repeated id
	// For repeated ids (repeated): the idHash of every row with a ticket id not matched
	// in the current versions (of every row, when the lines were not matched), in sorted
	// runs; and, by reader, a bitmap of the current versions matched, and those a reader
	// matched twice.
	ids   [][]uint64
	seen  [][]uint64
	twice []int
}

// repeated returns the id hashes that more than one row of the file has, with cur the
// current versions the rows were matched in. A row matched in cur has its version's id
// (hashSet.has compares the ids' hashes), and a ticket has one current version: two
// matched rows share an id when they matched the same version, and a row not matched
// shares one with a matched row when its id is a matched version's. (Sorting the hashes
// of every row's id instead took a tenth of a daily export's digest CPU, and 8 bytes a
// row.)
func (d lineDigest) repeated(cur *hashSet) map[uint64]bool {
	rep := repeatedHashes(d.ids...)
	add := func(h uint64) {
		if rep == nil {
			rep = map[uint64]bool{}
		}
		rep[h] = true
	}
	for _, j := range d.twice {
		add(cur.ids[j])
	}
	if len(d.seen) == 0 {
		return rep
	}
	others := newIDSet(d.ids)
	for w := range d.seen[0] {
		var once, both uint64
		for _, s := range d.seen {
			both |= once & s[w]
			once |= s[w]
		}
		for b := both; b != 0; b &= b - 1 {
			add(cur.ids[w*64+bits.TrailingZeros64(b)])
		}
		if others.len() == 0 {
			continue
		}
		for b := once; b != 0; b &= b - 1 {
			if id := cur.ids[w*64+bits.TrailingZeros64(b)]; others.has(id) {
				add(id)
			}
		}
	}
	return rep
}

// lineDigester digests the lines of one file (digestCSV), counting into lineDigest.
type lineDigester struct {
	lineDigest
	delim        byte
	idCol        int
	decode       func([]byte) []byte
	seedC, seedI uint32
	cur          *hashSet // nil: the lines are not hashed
	at           int      // cursor in cur
	run          []uint64 // idHash of every row with a ticket id not matched in cur
	seen         []uint64 // the entries of cur matched, a bit each (nil: cur is empty)
	// validate checks the lines row keeps for UTF-8 (scan.UTF8Partial); invalid says one
	// was not.
	validate, invalid bool
}

// result is what g found, its ids sorted.
func (g *lineDigester) result() lineDigest {
	radixSort(g.run)
	d := g.lineDigest
	d.ids = [][]uint64{g.run}
	if g.seen != nil {
		d.seen = [][]uint64{g.seen}
	}
	return d
}

// mark notes that entry j of cur was matched.
func (g *lineDigester) mark(j int) {
	w, b := j/64, uint64(1)<<(j%64)
	if g.seen[w]&b != 0 {
		g.twice = append(g.twice, j)
	}
	g.seen[w] |= b
}

func newLineDigester(head []byte, sc *scan, enc string, idCol int, seedText string, cur *hashSet) *lineDigester {
	g := &lineDigester{delim: sc.Delim, idCol: idCol, decode: lineDecoder(enc), cur: cur, validate: sc.UTF8Partial && enc == "utf-8"}
	if cur.len() > 0 {
		g.seen = make([]uint64, (cur.len()+63)/64)
	}
	g.seedC, g.seedI = lineSeeds(seedText, head)
	return g
}

// row digests a line. It returns its ticket id (nil: none) and raw hash, and false for
// a blank line or a row matched in cur.
func (g *lineDigester) row(line []byte) ([]byte, uint64, bool) {
	if blankLineIn(line, g.delim, g.decode) {
		g.blanks++
		return nil, 0, false
	}
	g.rows++
	id := lineID(line, g.delim, g.idCol, g.decode)
	var ih uint64
	if len(id) > 0 {
		ih = idHash(id)
	}
	var h uint64
	if g.cur != nil {
		h = lineHash(g.seedC, g.seedI, line)
		if len(id) > 0 && g.cur.has(h, ih, &g.at) {
			g.matched++ // as it was when read before: no need to check it again
			g.mark(g.at - 1)
			return nil, 0, false
		}
	}
	if len(id) > 0 {
		g.run = append(g.run, ih)
	}
	if g.validate && !simdutf8.Valid(line) {
		g.invalid = true
	}
	return id, h, true
}

// digestCSV passes over the lines of a CSV in encoding enc whose records are lines
// (scan.Lines) and whose ticket id is in column idCol, hashing each line (seeded with
// seedText and the header line as written) and its ticket id. When plan is nil, a row
// whose raw hash is in cur (the current versions') counts as matched and goes no further,
// and the _row, ticket_id, raw_hash and _off (where the line starts) of the others go
// into rawTable. Else (an empty database) plan gets planDirect for a row with a ticket id
// and planSQL for one without, and the lines are not hashed.
func digestCSV(ctx context.Context, conn *sql.Conn, path string, sc *scan, enc string, idCol int, seedText string, cur *hashSet, plan []byte, batch int, progress func(int64)) (lineDigest, error) {
	lr, head, err := openLines(path, sc)
	if err != nil {
		return lineDigest{}, err
	}
	defer lr.Close()
	if plan != nil || cur.len() > 0 {
		// A first load, or most rows will match: two goroutines digest a half each.
		d, rows, ok, err := digestHalves(ctx, path, lr.pos, sc, enc, idCol, seedText, cur, plan, head, batch, progress)
		if err != nil {
			return d, err
		}
		if ok {
			if progress != nil {
				progress(sc.Size)
			}
			if plan != nil {
				return d, nil
			}
			return d, insertRaw(ctx, conn, rows, batch)
		}
	}
	if plan != nil {
		cur = nil
	}
	g := newLineDigester(head, sc, enc, idCol, seedText, cur)
	if cur.len() == 0 {
		g.run = make([]uint64, 0, sc.Records)
	}
	// next returns the next row that is neither blank nor matched, with its number, ticket
	// id and raw hash.
	next := func() (int64, []byte, uint64, error) {
		for {
			line, num, err := lr.next()
			if err != nil {
				return 0, nil, 0, err
			}
			if id, h, ok := g.row(line); ok {
				return num, id, h, nil
			}
		}
	}
	if plan != nil {
		for k := 1; ; k++ {
			if k%batch == 0 {
				if progress != nil {
					progress(lr.cr.n)
				}
				if err := ctx.Err(); err != nil {
					return g.lineDigest, err
				}
			}
			num, id, _, err := next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return g.lineDigest, err
			}
			if num >= int64(len(plan)) {
				return g.lineDigest, fmt.Errorf("digest: row %d beyond the file's %d lines", num, len(plan)-1)
			}
			if len(id) == 0 {
				plan[num] = planSQL
				g.forSQL++
			} else {
				plan[num] = planDirect
			}
		}
		if g.invalid {
			return g.lineDigest, errRescan
		}
		return g.result(), nil
	}
	fill := func(b *array.RecordBuilder) (int, error) {
		n := 0
		for n < batch {
			num, id, h, err := next()
			if err != nil {
				return n, err
			}
			appendRaw(b, rawRow{row: num, off: lr.at, hash: h, id: id})
			n++
		}
		if progress != nil {
			progress(lr.cr.n)
		}
		return n, nil
	}
	if err := createRaw(ctx, conn); err != nil {
		return g.lineDigest, err
	}
	if err := insertArrow(ctx, conn, newBatchReader(ctx, rawSchema, fill), rawTable); err != nil {
		return g.lineDigest, fmt.Errorf("hash rows: %w", err)
	}
	if g.invalid {
		return g.lineDigest, errRescan
	}
	return g.result(), nil
}

// rawRow is a row for rawTable.
type rawRow struct {
	row, off int64
	hash     uint64
	id       []byte // nil: none
}

// digestHalves digests the data lines of a file (from offset start) as digestCSV does, in
// two halves at once, and returns the rows not matched in cur, or fills plan. ok is false,
// and the work is lost, when more than a quarter of the rows were not matched: then they
// are streamed into DuckDB rather than held in memory.
func digestHalves(ctx context.Context, path string, start int64, sc *scan, enc string, idCol int, seedText string, cur *hashSet, plan []byte, head []byte, batch int, progress func(int64)) (d lineDigest, rows []rawRow, ok bool, err error) {
	split, err := lineStart(path, start+(sc.Size-start)/2)
	if err != nil || split <= start || split >= sc.Size {
		return d, nil, false, err
	}
	limit := sc.Records/8 + 1024 // per half
	if plan != nil {
		cur = nil
	}
	type half struct {
		g     *lineDigester
		rows  []rawRow
		flags []byte // by line, when planning: what plan gets
		lines int64
		over  bool // more rows than limit not matched
		err   error
	}
	var halves [2]half
	var wg sync.WaitGroup
	var mu sync.Mutex // progress, read: bytes read by each half
	var read [2]int64
	for i, r := range [2][2]int64{{start, split}, {split, sc.Size}} {
		wg.Add(1)
		go func(i int, h *half, from, to int64) {
			defer wg.Done()
			h.g = newLineDigester(head, sc, enc, idCol, seedText, cur)
			if cur.len() == 0 {
				h.g.run = make([]uint64, 0, sc.Records/2+1024)
			}
			lr, err := openLineRange(path, from, to)
			if err != nil {
				h.err = err
				return
			}
			defer lr.Close()
			for {
				line, num, err := lr.next()
				if err == io.EOF {
					h.lines = lr.num
					radixSort(h.g.run)
					return
				}
				if err != nil {
					h.err = err
					return
				}
				if num%int64(batch) == 0 {
					if h.err = ctx.Err(); h.err != nil {
						return
					}
					if progress != nil {
						mu.Lock()
						read[i] = lr.cr.n
						progress(start + read[0] + read[1])
						mu.Unlock()
					}
				}
				id, hash, keep := h.g.row(line)
				if plan != nil {
					switch {
					case !keep:
						h.flags = append(h.flags, planNone)
					case len(id) == 0:
						h.flags = append(h.flags, planSQL)
						h.g.forSQL++
					default:
						h.flags = append(h.flags, planDirect)
					}
					continue
				}
				if !keep {
					continue
				}
				if int64(len(h.rows)) >= limit {
					h.over = true
					return
				}
				h.rows = append(h.rows, rawRow{row: num, off: lr.at, hash: hash, id: bytes.Clone(id)})
			}
		}(i, &halves[i], r[0], r[1])
	}
	wg.Wait()
	for _, h := range halves {
		if h.err != nil || h.over {
			return d, nil, false, h.err
		}
		if h.g.invalid {
			return d, nil, false, errRescan
		}
	}
	// Row numbers: the header is row 1; the second half's count on from the first's.
	if plan != nil {
		if int64(len(plan)) < 2+halves[0].lines+halves[1].lines {
			return d, nil, false, fmt.Errorf("digest: more lines than the scan counted (%d)", len(plan)-2)
		}
		copy(plan[2:], halves[0].flags)
		copy(plan[2+halves[0].lines:], halves[1].flags)
	}
	for k := range halves[0].rows {
		halves[0].rows[k].row++
	}
	for k := range halves[1].rows {
		halves[1].rows[k].row += 1 + halves[0].lines
	}
	a, b := halves[0].g, halves[1].g
	d = lineDigest{blanks: a.blanks + b.blanks, rows: a.rows + b.rows, matched: a.matched + b.matched, forSQL: a.forSQL + b.forSQL,
		ids: [][]uint64{a.run, b.run}, twice: append(a.twice, b.twice...)}
	if a.seen != nil {
		d.seen = [][]uint64{a.seen, b.seen}
	}
	return d, append(halves[0].rows, halves[1].rows...), true, nil
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

// insertRaw creates rawTable with rows.
func insertRaw(ctx context.Context, conn *sql.Conn, rows []rawRow, batch int) error {
	if err := createRaw(ctx, conn); err != nil {
		return err
	}
	return streamRaw(ctx, conn, batch, func() (rawRow, error) {
		if len(rows) == 0 {
			return rawRow{}, io.EOF
		}
		r := rows[0]
		rows = rows[1:]
		return r, nil
	})
}

// streamRaw adds to rawTable the rows next returns, up to io.EOF.
func streamRaw(ctx context.Context, conn *sql.Conn, batch int, next func() (rawRow, error)) error {
	fill := func(b *array.RecordBuilder) (int, error) {
		n := 0
		for ; n < batch; n++ {
			r, err := next()
			if err != nil {
				return n, err
			}
			appendRaw(b, r)
		}
		return n, nil
	}
	if err := insertArrow(ctx, conn, newBatchReader(ctx, rawSchema, fill), rawTable); err != nil {
		return fmt.Errorf("hash rows: %w", err)
	}
	return nil
}

// appendRaw appends r to a batch of rawSchema.
func appendRaw(b *array.RecordBuilder, r rawRow) {
	b.Field(0).(*array.Int64Builder).Append(r.row)
	if len(r.id) > 0 {
		b.Field(1).(*array.StringBuilder).BinaryBuilder.Append(r.id)
	} else {
		b.Field(1).(*array.StringBuilder).AppendNull()
	}
	b.Field(2).(*array.Uint64Builder).Append(r.hash)
	b.Field(3).(*array.Int64Builder).Append(r.off)
}

var rawSchema = arrow.NewSchema([]arrow.Field{
	{Name: "_row", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ticket_id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "raw_hash", Type: arrow.PrimitiveTypes.Uint64},
	{Name: "_off", Type: arrow.PrimitiveTypes.Int64},
}, nil)

func createRaw(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+rawTable+" (_row BIGINT, ticket_id VARCHAR, raw_hash UBIGINT, _off BIGINT)")
	return err
}

// rawFromLines adds to rawTable the rows of a CSV (as digestCSV reads it) at refs.
func rawFromLines(ctx context.Context, conn *sql.Conn, path string, refs []lineRef, sc *scan, enc string, idCol int, seedText string, batch int) error {
	if len(refs) == 0 {
		return nil
	}
	lr, head, err := openLines(path, sc)
	if err != nil {
		return err
	}
	lr.Close()
	seedC, seedI := lineSeeds(seedText, head)
	ls, err := openCSVLines(path, nil, sc.Delim, enc, 0)
	if err != nil {
		return err
	}
	defer ls.Close()
	return streamRaw(ctx, conn, batch, func() (rawRow, error) {
		if len(refs) == 0 {
			return rawRow{}, io.EOF
		}
		ref := refs[0]
		refs = refs[1:]
		line, err := ls.line(ref.off)
		if err == io.EOF {
			return rawRow{}, fmt.Errorf("%w: the file ended before row %d: was it changed while being read?", ErrFileUnreadable, ref.row)
		}
		if err != nil {
			return rawRow{}, err
		}
		return rawRow{row: ref.row, off: ref.off, hash: lineHash(seedC, seedI, line), id: lineID(line, sc.Delim, idCol, ls.decode)}, nil
	})
}

// repeatedRows returns, in order, the rows of a CSV (as digestCSV reads it) whose ticket
// id hashes to one of ids, with their raw hashes and id hashes.
func repeatedRows(ctx context.Context, path string, sc *scan, enc string, idCol int, seedText string, ids map[uint64]bool) ([]lineRef, []uint64, []uint64, error) {
	lr, head, err := openLines(path, sc)
	if err != nil {
		return nil, nil, nil, err
	}
	defer lr.Close()
	decode := lineDecoder(enc)
	seedC, seedI := lineSeeds(seedText, head)
	var refs []lineRef
	var hashes, idHashes []uint64
	for k := 0; ; k++ {
		if k%(1<<16) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, nil, err
			}
		}
		line, num, err := lr.next()
		if err == io.EOF {
			return refs, hashes, idHashes, nil
		}
		if err != nil {
			return nil, nil, nil, err
		}
		id := lineID(line, sc.Delim, idCol, decode)
		if len(id) == 0 {
			continue
		}
		ih := idHash(id)
		if !ids[ih] {
			continue
		}
		refs = append(refs, lineRef{num, lr.at})
		hashes = append(hashes, lineHash(seedC, seedI, line))
		idHashes = append(idHashes, ih)
	}
}

// lineCompare is what compareLines found.
type lineCompare struct {
	blanks int64
	// matched counts the unchanged rows found in Go, which are in neither rawTable nor
	// skipTable.
	matched int64
	// todo lists the rows left to parse, in order, when they are at most a quarter of all;
	// todoSQL marks those that must be parsed in SQL (a repeated id, or none).
	todo    []lineRef
	todoSQL []bool
	// plan says what becomes of each row (planNone, planDirect, planSQL), by row number,
	// when the direct path reads the new tickets (direct.go).
	plan []byte
	// rawLater is true when rawTable, dupTable and skipTable are still to be filled, from
	// the rows the direct path leaves for SQL (a first load: every row is a new ticket).
	rawLater bool
}

// compareLines compares the lines of a ticket CSV (as digestCSV reads them) with the
// current versions and says how to read the rows left to parse. Unchanged rows are found
// in Go, from the current versions' raw hashes; the others go into rawTable, and dupTable
// and skipTable are filled (but see rawLater). When at most a quarter of the rows are left
// it lists them, for staging only those. Else, when direct is true and most of them are
// new tickets, it plans the direct path. Else every row goes into rawTable, for staging
// the whole file.
func (s *Store) compareLines(ctx context.Context, conn *sql.Conn, cfg *zhuqi.Config, path string, sc *scan, m *mapping, enc string, direct bool, ahead *currentAhead, lap func(string), progress func(int64)) (lineCompare, error) {
	var lc lineCompare
	idCol, seed, batch := m.Source["ticket_id"], cfgPrint(cfg), cfg.Ingest.BatchRows
	cur, err := ahead.take(ctx, conn)
	if err != nil {
		return lc, err
	}
	var plan []byte
	if direct && cur.len() == 0 {
		plan = make([]byte, sc.Records+2) // a first load: every row is a new ticket
	}
	d, err := digestCSV(ctx, conn, path, sc, enc, idCol, seed, cur, plan, batch, progress)
	if err != nil {
		return lc, err
	}
	lc.blanks, lc.matched = d.blanks, d.matched
	// Every row of a ticket id the file repeats is compared in SQL, which keeps the first
	// (unless unchanged) and rejects the others.
	if rep := d.repeated(cur); len(rep) > 0 {
		refs, hashes, ids, err := repeatedRows(ctx, path, sc, enc, idCol, seed, rep)
		if err != nil {
			return lc, err
		}
		var again []lineRef
		var at int
		for i, r := range refs {
			switch {
			case plan != nil:
				if plan[r.row] == planDirect {
					plan[r.row] = planSQL
					d.forSQL++
				}
			case cur.has(hashes[i], ids[i], &at): // matched, so not in rawTable yet
				again = append(again, r)
				lc.matched--
			}
		}
		if err := rawFromLines(ctx, conn, path, again, sc, enc, idCol, seed, batch); err != nil {
			return lc, err
		}
		d.again = len(again)
	}
	matchedNone := cur.len() == 0
	if cur.len() > 2*int(currentRows) {
		// Ten million current versions' hashes are some 250 MB of Go heap: hand it back
		// before DuckDB compares and writes the changed rows (100 MB less at the peak).
		cur = nil
		debug.FreeOSMemory()
	}
	lap("digest")
	if plan != nil && d.rows > 0 && 4*d.forSQL <= d.rows+lc.blanks {
		lc.plan, lc.rawLater = plan, true
		return lc, nil
	}
	if plan != nil {
		// Not a first load for the direct path after all: hash every row into rawTable.
		if d, err = digestCSV(ctx, conn, path, sc, enc, idCol, seed, cur, nil, batch, nil); err != nil {
			return lc, err
		}
	}
	// A row in rawTable can equal its ticket's current version only if it was put there
	// for its repeated id (again), or when nothing was matched in Go.
	if err := compareRaw(ctx, conn, d.again > 0 || matchedNone); err != nil {
		return lc, err
	}
	var skipped int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+skipTable).Scan(&skipped); err != nil {
		return lc, err
	}
	lap("compare")
	if left := d.rows - lc.matched - skipped; 4*left <= d.rows {
		lc.todo, lc.todoSQL, err = todoRows(ctx, conn, left)
		return lc, err
	}
	if direct {
		lc.plan, err = planRows(ctx, conn, sc.Records+2)
		lap("plan")
		if err != nil || lc.plan != nil {
			return lc, err
		}
	}
	if lc.matched > 0 {
		// The whole file is staged: the rows matched in Go go into rawTable and skipTable too.
		if _, err := digestCSV(ctx, conn, path, sc, enc, idCol, seed, newHashSet(nil, nil), nil, batch, nil); err != nil {
			return lc, err
		}
		lc.matched = 0
		return lc, compareRaw(ctx, conn, true)
	}
	return lc, nil
}

// compareFirstLoad fills rawTable, dupTable and skipTable when compareLines left them to
// do (lineCompare.rawLater): rawTable holds the rows left for SQL, at refs.
func compareFirstLoad(ctx context.Context, conn *sql.Conn, path string, refs []lineRef, sc *scan, enc string, idCol int, seedText string, batch int) error {
	if err := createRaw(ctx, conn); err != nil {
		return err
	}
	if err := rawFromLines(ctx, conn, path, refs, sc, enc, idCol, seedText, batch); err != nil {
		return err
	}
	// The database had no current versions, and no row for SQL shares its id with a row
	// the direct path stored (the rows of a repeated id all went to SQL): none is skipped.
	return compareRaw(ctx, conn, false)
}

// compareRaw fills dupTable and skipTable from rawTable; skipTable stays empty unless
// skip.
func compareRaw(ctx context.Context, conn *sql.Conn, skip bool) error {
	qs := []string{dupSQL(zhuqi.KindTickets), emptySkipSQL}
	if skip {
		qs[1] = skipSQL()
	}
	for _, q := range qs {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("compare with current versions: %w", err)
		}
	}
	return nil
}

// emptySkipSQL creates skipTable with no rows.
var emptySkipSQL = "CREATE OR REPLACE TEMP TABLE " + skipTable + " AS SELECT _row, ticket_id, raw_hash FROM " + rawTable + " LIMIT 0"

// todoRows lists the n rows of rawTable not in skipTable, in order, and marks those
// whose ticket id is repeated in the file, or missing.
func todoRows(ctx context.Context, conn *sql.Conn, n int64) ([]lineRef, []bool, error) {
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT r._row, r._off, r.ticket_id IS NULL OR d.ticket_id IS NOT NULL
FROM (SELECT * FROM %s ANTI JOIN %s USING (_row)) r LEFT JOIN %s d ON d.ticket_id = r.ticket_id
ORDER BY r._row`, rawTable, skipTable, dupTable))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	todo, forSQL := make([]lineRef, 0, n), make([]bool, 0, n)
	for rows.Next() {
		var r lineRef
		var f bool
		if err := rows.Scan(&r.row, &r.off, &f); err != nil {
			return nil, nil, err
		}
		todo, forSQL = append(todo, r), append(forSQL, f)
	}
	return todo, forSQL, rows.Err()
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
	last    int64 // the offset of the line asked for before
	lastLen int   // and its length
}

func openCSVLines(path string, want []lineRef, delim byte, enc string, maxCell int) (*linesSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &linesSource{f: f, want: want, delim: rune(delim), decode: lineDecoder(enc), maxCell: maxCell}, nil
}

// lineWindow is how much of the file linesSource reads at a time when the lines asked for
// are near each other; a variable for tests.
var lineWindow = 8 << 10

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
	size := lineWindow
	if gap < 0 || gap > int64(lineWindow) {
		// Lines far apart (the changed rows of a daily export): read about a line's worth;
		// 8 KiB for each line took twice as long.
		size = min(max(2*s.lastLen+2, 512), lineWindow)
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

// checkLineIDs makes sure that the ticket ids digestCSV read from the lines (into
// rawTable) are the ids the parsed rows have, or repeated tickets could pass unnoticed:
// the rows parsed are those of rawTable not in skipTable (in normTable, or stored by the
// direct path as versions of ingest directID when those are in rawTable), so the sums of
// hash(_row, ticket_id) must agree. Sums, not a join, because a join of two tables of
// every row costs seconds at 10M rows. (The direct path checks the rows it parses itself,
// directParser.sameID.)
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
	return errLineID(bad.Int64)
}

// errLineID says that the ticket id of row, as the digest read it from the line, is not
// the id the row was parsed with.
func errLineID(row int64) error {
	return fmt.Errorf("row %d: the ticket id read from the line differs from the parsed one; nothing was loaded (a bug: please report it with the file)", row)
}

// currentHashes reads the raw hashes of the current ticket versions, with their ids'
// hashes (idHash, computed by DuckDB), in table order. It reads a million rows of the
// table a query: a result is held whole before it is handed over.
func currentHashes(ctx context.Context, conn *sql.Conn) (*hashSet, error) {
	var last sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT max(rowid) FROM ticket_versions").Scan(&last); err != nil {
		return nil, fmt.Errorf("current versions: %w", err)
	}
	var hashes, ids []uint64
	err := rawConn(conn, func(dc driver.Conn) error {
		ar, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return err
		}
		for lo := int64(0); last.Valid && lo <= last.Int64; lo += currentRows {
			rr, err := ar.QueryContext(ctx, fmt.Sprintf("SELECT raw_hash, hash(ticket_id) FROM ticket_versions WHERE is_current AND raw_hash IS NOT NULL AND rowid >= %d AND rowid < %d", lo, lo+currentRows))
			if err != nil {
				return err
			}
			for rr.Next() {
				rec := rr.RecordBatch()
				hashes = append(hashes, rec.Column(0).(*array.Uint64).Uint64Values()...)
				ids = append(ids, rec.Column(1).(*array.Uint64).Uint64Values()...)
			}
			err = rr.Err()
			rr.Release()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("current versions: %w", err)
	}
	if len(hashes) > 2*int(currentRows) {
		// The batches read were Go memory: hand it back before DuckDB needs its own.
		debug.FreeOSMemory()
	}
	return newHashSet(hashes, ids), nil
}

// currentAhead is currentHashes read on a connection of its own while the file is
// scanned: a daily export's scan is bound by SHA-256 on one core, which leaves the other
// free.
type currentAhead struct {
	done  chan struct{}
	set   *hashSet
	err   error
	taken bool
}

func (s *Store) readCurrentAhead(ctx context.Context) *currentAhead {
	a := &currentAhead{done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.err = s.withConn(ctx, func(conn *sql.Conn) error {
			var err error
			a.set, err = currentHashes(ctx, conn)
			return err
		})
	}()
	return a
}

// take returns the set read ahead, the first time it is called on a non-nil a; else it
// reads it now on conn. The set is not kept: it is large at 10M tickets.
func (a *currentAhead) take(ctx context.Context, conn *sql.Conn) (*hashSet, error) {
	if a == nil || a.taken {
		return currentHashes(ctx, conn)
	}
	<-a.done
	set, err := a.set, a.err
	a.set, a.taken = nil, true
	return set, err
}

// release waits for the read ahead to end and lets go of its set, if not taken: a file
// the digest does not read must not hold it while it is staged.
func (a *currentAhead) release() {
	if a != nil {
		<-a.done
		a.set, a.taken = nil, true
	}
}

// currentRows is how many rows of ticket_versions one query of currentHashes reads; a
// variable for tests.
var currentRows int64 = 1 << 20
