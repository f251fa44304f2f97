package pipeline

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/array"
	simdutf8 "github.com/segmentio/asm/utf8"
	"github.com/zhuqi/zhuqi/pipeline/fastpath"
)

// A daily full export repeats most tickets unchanged. For a CSV whose records are lines
// (scan.Lines), in UTF-8 or GB18030 (GBK), the raw hash of a row is a hash of its line as
// written (two CRC-32s, Castagnoli and IEEE, which the CPU computes), seeded with the
// configuration and the header line, and its ticket id is read straight from its cell: one
// quick pass in Go (digestCSV) tells which rows changed since their ticket's current
// version before any row is parsed, and only those are staged (linesSource), or read in Go
// when they are new tickets (pipeline/fastpath). Other files hash their staged cells in SQL
// (rawHashSQL).

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
	space        *fastpath.Set
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

func newLineDigester(f lineFile, head []byte, cur *hashSet) *lineDigester {
	g := &lineDigester{delim: f.sc.Delim, idCol: f.idCol, space: f.space, decode: lineDecoder(f.enc), cur: cur, validate: f.sc.UTF8Partial && f.enc == "utf-8"}
	if cur.len() > 0 {
		g.seen = make([]uint64, (cur.len()+63)/64)
	}
	g.seedC, g.seedI = lineSeeds(f.seedText, head)
	return g
}

// row digests a line. It returns its ticket id (nil: none) and raw hash, and false for
// a blank line or a row matched in cur.
func (g *lineDigester) row(line []byte) ([]byte, uint64, bool) {
	if blankLineIn(line, g.delim, g.space, g.decode) {
		g.blanks++
		return nil, 0, false
	}
	g.rows++
	id := lineID(line, g.delim, g.idCol, g.space, g.decode)
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

// digestCSV passes over the lines of f, hashing each line (seeded with f.seedText and
// the header line as written) and its ticket id. When plan is nil, a row
// whose raw hash is in cur (the current versions') counts as matched and goes no further,
// and the _row, ticket_id, raw_hash and _off (where the line starts) of the others go
// into rawTable. Else (an empty database) plan gets planDirect for a row with a ticket id
// and planSQL for one without, and the lines are not hashed.
func digestCSV(ctx context.Context, conn *sql.Conn, f lineFile, cur *hashSet, plan []byte, batch int, progress func(int64)) (lineDigest, error) {
	sc := f.sc
	lr, head, err := openLines(f.path, sc)
	if err != nil {
		return lineDigest{}, err
	}
	defer lr.Close()
	if plan != nil || cur.len() > 0 {
		// A first load, or most rows will match: two goroutines digest a half each.
		d, rows, ok, err := digestHalves(ctx, f, lr.pos, head, cur, plan, batch, progress)
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
	g := newLineDigester(f, head, cur)
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
func digestHalves(ctx context.Context, f lineFile, start int64, head []byte, cur *hashSet, plan []byte, batch int, progress func(int64)) (d lineDigest, rows []rawRow, ok bool, err error) {
	sc := f.sc
	split, err := lineStart(f.path, start+(sc.Size-start)/2)
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
			h.g = newLineDigester(f, head, cur)
			if cur.len() == 0 {
				h.g.run = make([]uint64, 0, sc.Records/2+1024)
			}
			lr, err := openLineRange(f.path, from, to)
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
