package pipeline

import (
	"context"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

// target is the database (store.Store) an ingest writes to.
type target struct {
	*store.Store
	// failpoint, when set (by tests), runs after each write step of an ingest; an error
	// from it aborts the ingest inside its transaction.
	failpoint func(step string) error
}

// Ingest loads one file into st. A file that cannot be read at all (wrong format, a
// missing required column, a hostile file) returns an error wrapping ErrFileUnreadable
// and loads nothing; bad rows go to rejects and the rest loads. The rows, rejects,
// warnings and the ledger entry commit in one transaction. A file already ingested (same
// SHA-256 and kind) changes nothing and reports Duplicate.
func Ingest(ctx context.Context, st *store.Store, cfg *zhuqi.Config, path string, opt Options) (*Report, error) {
	return (&target{Store: st}).Ingest(ctx, cfg, path, opt)
}
