package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

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
	// when the direct path reads the new tickets (pipeline/fastpath).
	plan []byte
	// rawLater is true when rawTable, dupTable and skipTable are still to be filled, from
	// the rows the direct path leaves for SQL (a first load: every row is a new ticket).
	rawLater bool
}

// compareLines compares the lines of a ticket CSV f (as digestCSV reads them) with the
// current versions and says how to read the rows left to parse. Unchanged rows are found
// in Go, from the current versions' raw hashes; the others go into rawTable, and dupTable
// and skipTable are filled (but see rawLater). When at most a quarter of the rows are left
// it lists them, for staging only those. Else, when direct is true and most of them are
// new tickets, it plans the direct path. Else every row goes into rawTable, for staging
// the whole file.
func (s *target) compareLines(ctx context.Context, conn *sql.Conn, f lineFile, batch int, direct bool, ahead *currentAhead, lap func(string), progress func(int64)) (lineCompare, error) {
	var lc lineCompare
	sc := f.sc
	cur, err := ahead.take(ctx, conn, f.sizes.currentRows)
	if err != nil {
		return lc, err
	}
	var plan []byte
	if direct && cur.len() == 0 {
		plan = make([]byte, sc.Records+2) // a first load: every row is a new ticket
	}
	d, err := digestCSV(ctx, conn, f, cur, plan, batch, progress)
	if err != nil {
		return lc, err
	}
	lc.blanks, lc.matched = d.blanks, d.matched
	// Every row of a ticket id the file repeats is compared in SQL, which keeps the first
	// (unless unchanged) and rejects the others.
	if rep := d.repeated(cur); len(rep) > 0 {
		refs, hashes, ids, err := repeatedRows(ctx, f, rep)
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
		if err := rawFromLines(ctx, conn, f, again, batch); err != nil {
			return lc, err
		}
		d.again = len(again)
	}
	matchedNone := cur.len() == 0
	if cur.len() > 2*int(f.sizes.currentRows) {
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
		if d, err = digestCSV(ctx, conn, f, cur, nil, batch, nil); err != nil {
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
		if _, err := digestCSV(ctx, conn, f, newHashSet(nil, nil), nil, batch, nil); err != nil {
			return lc, err
		}
		lc.matched = 0
		return lc, compareRaw(ctx, conn, true)
	}
	return lc, nil
}

// compareFirstLoad fills rawTable, dupTable and skipTable when compareLines left them to
// do (lineCompare.rawLater): rawTable holds the rows left for SQL, at refs.
func compareFirstLoad(ctx context.Context, conn *sql.Conn, f lineFile, refs []lineRef, batch int) error {
	if err := createRaw(ctx, conn); err != nil {
		return err
	}
	if err := rawFromLines(ctx, conn, f, refs, batch); err != nil {
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
	err := store.RawConn(conn, func(dc driver.Conn) error {
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

// checkLineIDs makes sure that the ticket ids digestCSV read from the lines (into
// rawTable) are the ids the parsed rows have, or repeated tickets could pass unnoticed:
// the rows parsed are those of rawTable not in skipTable (in normTable, or stored by the
// direct path as versions of ingest directID when those are in rawTable), so the sums of
// hash(_row, ticket_id) must agree. Sums, not a join, because a join of two tables of
// every row costs seconds at 10M rows. (The direct path checks the rows it parses itself,
// fastpath.Reader.SameID.)
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
