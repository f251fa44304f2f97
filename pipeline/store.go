package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

// Store is a database (store.Store) as ingest writes to it. Other packages open the
// database with store.Open and call Ingest.
type Store struct {
	*store.Store
	// failpoint, when set (by tests), runs after each write step of an ingest; an error
	// from it aborts the ingest inside its transaction.
	failpoint func(step string) error
}

// Ingest loads one file into st: see Store.Ingest.
func Ingest(ctx context.Context, st *store.Store, cfg *zhuqi.Config, path string, opt Options) (*Report, error) {
	return (&Store{Store: st}).Ingest(ctx, cfg, path, opt)
}

// SplitSQL splits script into statements (store.SplitSQL).
func SplitSQL(script string) []string { return store.SplitSQL(script) }

func (s *Store) withConn(ctx context.Context, f func(*sql.Conn) error) error {
	return s.WithConn(ctx, f)
}

func rawConn(conn *sql.Conn, f func(driver.Conn) error) error { return store.RawConn(conn, f) }
