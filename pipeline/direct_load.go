package pipeline

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline/fastpath"
)

// What becomes of each data line of a file on the direct path (rowPlan, by row number).
const (
	planNone   byte = iota // a blank line, or unchanged since its ticket's current version
	planDirect             // a new ticket: the fast path reads it if it can
	planSQL                // staged as text and read by normalizeSQL
)

// directLines are the lines the direct path reads: those of lr, in encoding enc, with
// what becomes of each by row number (plan), the fast path's reader of those planned
// planDirect (with the file's delimiter and ticket id cell, for checking ids), and the
// seeds of their raw hashes (lineSeeds); progress, if not nil, is told the bytes read.
type directLines struct {
	lr           *lineReader
	enc          string
	plan         []byte
	r            *fastpath.Reader
	delim        byte
	idCol        int
	space        *fastpath.Set
	insertRows   int64 // rows one statement inserts at most
	seedC, seedI uint32
	progress     func(int64)
}

// layout is where the ticket columns of mapping m stand in lines split at delim, for the
// fast path, at most batch rows a record batch.
func layout(m *mapping, delim byte, batch int, badAmount bool) fastpath.Layout {
	l := fastpath.Layout{Delim: delim, Width: len(m.Headers), Source: m.Source, Unknown: m.Unknown, BatchRows: batch, BadAmount: badAmount}
	for _, i := range m.Unknown {
		l.Names = append(l.Names, m.headerName(i))
	}
	return l
}

// loadDirect streams the lines of dl planned planDirect that dl.p can read into
// ticket_versions with insertSQL (template tickets_direct), at most insertRows rows a
// statement. It returns how many it loaded and, in order, the numbers of the lines planned
// planDirect that dl.r could not read or planned planSQL: those are for SQL. A goroutine
// parses the lines ahead of DuckDB, so that parsing a batch overlaps writing the one
// before.
func loadDirect(ctx context.Context, conn *sql.Conn, dl directLines, insertSQL string) (loaded int64, rest []lineRef, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Each batch is fresh memory that DuckDB lets go of a few batches later; collect it
	// sooner than Go's default (at twice the live heap), which let the heap grow by some
	// 250 MB at 10M rows.
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	schema := dl.r.Schema()
	out := make(chan arrow.RecordBatch, 1)
	var perr error
	go func() {
		defer close(out)
		perr = produceDirect(ctx, dl, out, &rest)
	}()
	for more := true; more; {
		cr := &chanReader{ctx: ctx, in: out}
		cr.init(schema, nil)
		err := execView(ctx, conn, cr, insertSQL) // the producer reports its own errors
		cr.Release()
		if err != nil {
			cancel()
			for r := range out {
				if r != nil {
					r.Release()
				}
			}
			return 0, nil, fmt.Errorf("insert new tickets: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return 0, nil, err // the stream ended early: the transaction must not commit
		}
		loaded += cr.rows
		more = !cr.closed
	}
	if perr != nil {
		return 0, nil, perr
	}
	return loaded, rest, nil
}

// produceDirect parses the lines of dl into record batches sent on out, with a nil batch
// after every insertRows rows (the end of one statement's stream).
func produceDirect(ctx context.Context, dl directLines, out chan<- arrow.RecordBatch, rest *[]lineRef) error {
	decode, decodeID := lineDecoder(dl.enc), lineDecoder(dl.enc)
	send := func(r arrow.RecordBatch) error {
		select {
		case out <- r:
			return nil
		case <-ctx.Done():
			if r != nil {
				r.Release()
			}
			return ctx.Err()
		}
	}
	var stmt int64
	for {
		line, num, err := dl.lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if num >= int64(len(dl.plan)) || dl.plan[num] == planNone {
			continue
		}
		ok := dl.plan[num] == planDirect
		if ok {
			text := line
			if decode != nil {
				text = decode(line)
			}
			ok = dl.r.Parse(text, num, lineHash(dl.seedC, dl.seedI, line))
			if ok && !dl.r.SameID(lineID(line, dl.delim, dl.idCol, dl.space, decodeID)) {
				return errLineID(num)
			}
		}
		if !ok {
			*rest = append(*rest, lineRef{num, dl.lr.at})
			continue
		}
		stmt++
		if dl.r.Full() || stmt == dl.insertRows {
			if err := send(dl.r.Record()); err != nil {
				return err
			}
			if dl.progress != nil {
				dl.progress(dl.lr.cr.n)
			}
		}
		if stmt == dl.insertRows {
			if err := send(nil); err != nil {
				return err
			}
			stmt = 0
		}
	}
	if dl.r.Rows() > 0 {
		return send(dl.r.Record())
	}
	return nil
}

// chanReader is an array.RecordReader of the batches received on in, up to a nil batch
// (the end of this stream) or the channel's close (closed).
type chanReader struct {
	stream
	ctx    context.Context
	in     <-chan arrow.RecordBatch
	rows   int64
	closed bool
	done   bool
}

var _ array.RecordReader = (*chanReader)(nil)

func (r *chanReader) Next() bool {
	r.drop()
	if r.done {
		return false
	}
	select {
	case rec, ok := <-r.in:
		if !ok {
			r.closed, r.done = true, true
			return false
		}
		if rec == nil {
			r.done = true
			return false
		}
		r.cur = rec
		r.rows += rec.NumRows()
		return true
	case <-r.ctx.Done():
		r.done = true
		return false
	}
}

// loadNew stores, as versions of ingest id, the rows of f planned planDirect that
// the fast path reads, and returns the numbers of the rows left for SQL, in order.
func loadNew(ctx context.Context, conn *sql.Conn, tx *sql.Tx, cfg *zhuqi.Config, f lineFile, m *mapping, plan []byte, rep *Report, id int64, progress func(int64)) ([]lineRef, error) {
	// The calendar of the versions stored so far: the rows for SQL may widen it, and
	// then the timing of these versions is computed again (timing_refresh).
	cal, err := WorkCalendar(ctx, tx, cfg, "")
	if err != nil {
		return nil, err
	}
	if err := cal.buildCalk(ctx, tx); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := sqlTemplates.ExecuteTemplate(&b, "tickets_direct", versionsData(cal, id, asOfSQL(rep.AsOf))); err != nil {
		return nil, err
	}
	lr, head, err := openLines(f.path, f.sc)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	seedC, seedI := lineSeeds(f.seedText, head)
	// Half batches: DuckDB holds on to several batches of text while it writes them, and
	// whole ones added some 130 MiB to a 10M-ticket ingest's peak (0.5 s faster at 1M).
	r := fastpath.New(cfg, layout(m, f.sc.Delim, max(cfg.Ingest.BatchRows/2, 1), false))
	dl := directLines{lr: lr, enc: f.enc, plan: plan, r: r, delim: f.sc.Delim, idCol: m.Source["ticket_id"], space: f.space, insertRows: f.sizes.insertRows, seedC: seedC, seedI: seedI, progress: progress}
	n, rest, err := loadDirect(ctx, conn, dl, b.String())
	rep.Direct = n
	return rest, err
}

// badAmountWarning is normalizeSQL's warning for an amount that is no number.
var badAmountWarning = func() check {
	for _, c := range zhuqi.Columns(zhuqi.KindTickets) {
		if c.Name == "amount" {
			return optionalWarning(c, "t_amount IS NOT NULL", numberHint)
		}
	}
	panic("tickets have no amount column")
}()

// parseChanged reads with the fast path the rows of f at todo not marked forSQL into a
// new normTable, as rows without problems, with the warning of an amount that is no
// number (fastpath.Layout.BadAmount), and with their raw_hash (which the other
// rows lack): the rows of a daily export that changed since their ticket's current
// version, compared with it in SQL (write). The rows left for SQL join them there. It
// returns how many it read, and the rows left for SQL, in order.
func parseChanged(ctx context.Context, conn *sql.Conn, cfg *zhuqi.Config, f lineFile, m *mapping, todo []lineRef, forSQL []bool, batch int) (int64, []lineRef, error) {
	ls, err := openCSVLines(f.path, nil, f.sc.Delim, f.enc, 0, f.sizes.lineWindow)
	if err != nil {
		return 0, nil, err
	}
	defer ls.Close()
	// A batch's room is allocated up front: no more than the rows there are.
	r := fastpath.New(cfg, layout(m, f.sc.Delim, max(min(batch, len(todo)), 1), true))
	schema := r.Schema()
	idCol := m.Source["ticket_id"]
	decodeID := lineDecoder(f.enc)
	var rest []lineRef
	var n int64
	k := 0
	next := func() (arrow.RecordBatch, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for ; k < len(todo) && !r.Full(); k++ {
			ref := todo[k]
			if forSQL[k] {
				rest = append(rest, ref)
				continue
			}
			line, err := ls.line(ref.off)
			if err == io.EOF {
				return nil, fmt.Errorf("%w: the file ended before row %d: was it changed while being read?", ErrFileUnreadable, ref.row)
			}
			if err != nil {
				return nil, err
			}
			text := line
			if ls.decode != nil {
				text = ls.decode(line)
			}
			if !r.Parse(text, ref.row, 0) {
				rest = append(rest, ref)
				continue
			}
			if !r.SameID(lineID(line, f.sc.Delim, idCol, f.space, decodeID)) {
				return nil, errLineID(ref.row)
			}
			n++
		}
		if r.Rows() == 0 {
			return nil, nil
		}
		return r.Record(), nil
	}
	fr := newFuncReader(schema, next)
	// Every column, raw_hash too: selecting some columns of a registered Arrow stream
	// reads the wrong buffers (empty text, or a crash; duckdb/duckdb-go#28 and #24).
	q := fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS SELECT * EXCLUDE (t_amount) REPLACE (extra::JSON AS extra), NULL::VARCHAR AS problem, NULL::VARCHAR AS reject_reason, CASE WHEN t_amount IS NULL THEN %s ELSE [%s]::%s END AS warns FROM zq_arrow",
		normTable, noWarnings, badAmountWarning.structSQL(), warnsType)
	err = execView(ctx, conn, fr, q)
	fr.Release()
	if fr.err != nil {
		return 0, nil, fr.err
	}
	if err != nil {
		return 0, nil, fmt.Errorf("parse changed rows: %w", err)
	}
	return n, rest, nil
}
