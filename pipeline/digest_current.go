package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/zhuqi/zhuqi/store"
)

// currentHashes reads the raw hashes of the current ticket versions, with their ids'
// hashes (idHash, computed by DuckDB), in table order. It reads a million rows of the
// table a query: a result is held whole before it is handed over.
func currentHashes(ctx context.Context, conn *sql.Conn, currentRows int64) (*hashSet, error) {
	var last sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT max(rowid) FROM ticket_versions").Scan(&last); err != nil {
		return nil, fmt.Errorf("current versions: %w", err)
	}
	var hashes, ids []uint64
	err := store.RawConn(conn, func(dc driver.Conn) error {
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
	rows  int64 // sizes.currentRows
	done  chan struct{}
	set   *hashSet
	err   error
	taken bool
}

func (s *target) readCurrentAhead(ctx context.Context, rows int64) *currentAhead {
	a := &currentAhead{rows: rows, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.err = s.WithConn(ctx, func(conn *sql.Conn) error {
			var err error
			a.set, err = currentHashes(ctx, conn, rows)
			return err
		})
	}()
	return a
}

// take returns the set read ahead, the first time it is called on a non-nil a; else it
// reads it now on conn, rows at a time. The set is not kept: it is large at 10M tickets.
func (a *currentAhead) take(ctx context.Context, conn *sql.Conn, rows int64) (*hashSet, error) {
	if a == nil || a.taken {
		return currentHashes(ctx, conn, rows)
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
