package store

import (
	"context"
	"embed"
	"fmt"
	"os"
)

//go:embed sql/give_back.sql
var sqlFS embed.FS

// FileSize is the size of the database file and its write-ahead log (0 in memory).
func (s *Store) FileSize() int64 {
	var n int64
	for _, p := range []string{s.Path, s.Path + ".wal"} {
		if st, err := os.Stat(p); err == nil && s.TempRoot() != "" {
			n += st.Size()
		}
	}
	return n
}

// GiveBack returns to the file system the space that a failed write left free in the
// database file (sql/give_back.sql).
func (s *Store) GiveBack(ctx context.Context) error {
	if s.TempRoot() == "" {
		return nil
	}
	q, err := sqlFS.ReadFile("sql/give_back.sql")
	if err != nil {
		return err
	}
	for _, stmt := range SplitSQL(string(q)) {
		if _, err := s.DB.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("give back free space: %w", err)
		}
	}
	return nil
}

// Free blocks beyond these bounds, found on opening, are what a write that failed (a full
// disk, a killed process) left behind; giveBackOnOpen returns them.
const (
	freeBlocksMin   = 16 // blocks (of 256 KiB by default)
	freeBlocksShare = 3  // more than 1/freeBlocksShare of the file's blocks
)

// duckdbHeaders is the size of the three headers that precede the blocks of a DuckDB
// file: a checkpointed file is duckdbHeaders + total_blocks × block_size bytes long.
const duckdbHeaders = 3 * 4096

// giveBackOnOpen gives back the space of a database left grown by a failed write: free
// blocks (a checkpoint truncates them), and blocks written past the last one the database
// knows when the write failed, which only the file system still counts (truncated here:
// DuckDB would write its next blocks over them).
func (s *Store) giveBackOnOpen(ctx context.Context) error {
	if s.TempRoot() == "" {
		return nil
	}
	size := func() (free, total, blockSize, file int64, err error) {
		if err = s.DB.QueryRowContext(ctx, `SELECT free_blocks, total_blocks, block_size FROM pragma_database_size()`).Scan(&free, &total, &blockSize); err != nil {
			return 0, 0, 0, 0, fmt.Errorf("database size: %w", err)
		}
		st, err := os.Stat(s.Path)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		return free, total, blockSize, st.Size(), nil
	}
	free, total, blockSize, file, err := size()
	if err != nil || blockSize <= 0 {
		return err
	}
	known := duckdbHeaders + total*blockSize
	if file-known < freeBlocksMin*blockSize && (free < freeBlocksMin || free*freeBlocksShare < total) {
		return nil
	}
	if err := s.GiveBack(ctx); err != nil {
		return err
	}
	if _, total, blockSize, file, err = size(); err != nil {
		return err
	}
	// Past the blocks the checkpoint left is only what the failed write wrote (whole
	// blocks, or part of one where the disk filled). TestDuckDBFileLayout checks the layout.
	if known = duckdbHeaders + total*blockSize; file > known {
		if err := os.Truncate(s.Path, known); err != nil {
			return fmt.Errorf("give back free space: %w", err)
		}
	}
	return nil
}
