package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/progress"
	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/store"
)

// existingDB returns the database path of a command that reads it, or a one-line error
// saying what to run first when there is none (and creating nothing).
func (m *Main) existingDB(c *common, cfg *zhuqi.Config) (string, error) {
	path := m.dbPath(c, cfg)
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("no database at %s: load data first with `zhuqi ingest --db %s FILE...` (or try `zhuqi demo`), or pass --db with an existing database", path, path)
	case err != nil:
		return "", fmt.Errorf("database %s: %w", path, err)
	case info.IsDir():
		return "", fmt.Errorf("--db %s is a folder, not a database file: name the file, e.g. --db %s", path, filepath.Join(path, "zhuqi.duckdb"))
	}
	return path, nil
}

// writableDB returns the database path of a command that writes it (and creates it if
// needed), or a one-line error when that cannot be: a folder, or a missing parent folder.
func (m *Main) writableDB(c *common, cfg *zhuqi.Config) (string, error) {
	path := m.dbPath(c, cfg)
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return "", fmt.Errorf("--db %s is a folder, not a database file: name the file, e.g. --db %s", path, filepath.Join(path, "zhuqi.duckdb"))
	}
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", fmt.Errorf("cannot create database %s: folder %s does not exist; create it first (mkdir -p %s) or choose another --db", path, dir, dir)
	}
	return path, nil
}

// openWriter opens the database for writing. While another program holds it, it waits up
// to the configuration's jobs.lock_wait, as the scheduler does, showing a line on a
// terminal; when it gives up it says whether a reader or a writer holds the file.
func (m *Main) openWriter(ctx context.Context, path string, cfg *zhuqi.Config) (*store.Store, error) {
	limit, err := cfg.Jobs.Duration("lock_wait")
	if err != nil {
		return nil, err
	}
	start := m.now()
	bar := progress.New(m.Terminal)
	defer bar.Clear()
	wait := 100 * time.Millisecond
	who := ""
	for {
		st, err := store.Open(ctx, path)
		if err == nil || !isBusy(err) {
			return st, err
		}
		waited := m.now().Sub(start)
		if waited >= limit {
			return nil, fmt.Errorf("database %s is busy: %s has held it for %s%s; close it and run again (jobs.lock_wait sets how long to wait)",
				path, holder(ctx, path), limit, lockHolder(err))
		}
		if who == "" {
			who = holder(ctx, path)
		}
		bar.Update(fmt.Sprintf("等待数据库 waiting for %s (held by %s)", filepath.Base(path), who), int64(waited/time.Second), int64(limit/time.Second), " s")
		if err := m.sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// isBusy reports whether err is DuckDB refusing a database another process holds.
func isBusy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Could not set lock on file") || strings.Contains(s, "Conflicting lock")
}

// holder says who holds the database: a reader lets another reader in, a writer does not.
func holder(ctx context.Context, path string) string {
	st, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		return "a program writing to it (another zhuqi ingest or serve, or a DuckDB client)"
	}
	st.Close()
	return "a program reading it (a `zhuqi sql` session, a report, or a DuckDB client)"
}

// lockHolder is DuckDB's note of the process holding the lock, " (… PID n)", or "".
func lockHolder(err error) string {
	const mark = "Conflicting lock is held in "
	s := err.Error()
	i := strings.Index(s, mark)
	if i < 0 {
		return ""
	}
	s = s[i+len(mark):]
	if j := strings.Index(s, ")"); j >= 0 {
		return " (" + s[:j+1] + ")"
	}
	return ""
}

// openQueries opens the database read-only and starts a query session on it.
func (m *Main) openQueries(ctx context.Context, c *common) (*queries.Q, func(), error) {
	cfg, err := m.loadConfig(c)
	if err != nil {
		return nil, nil, err
	}
	path, err := m.existingDB(c, cfg)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	q, err := c.session(ctx, st, cfg)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	for _, w := range q.Warnings {
		fmt.Fprintln(m.Stderr, "注意 warning:", w)
	}
	return q, func() { q.Close(); st.Close() }, nil
}

// openPeriod is openQueries for a command that judges one period: --period is required,
// --format checked, and the period parsed (misuse of any: exit 2).
func (m *Main) openPeriod(ctx context.Context, name string, c *common, period, format string) (*queries.Q, queries.Period, func(), error) {
	if period == "" {
		return nil, queries.Period{}, nil, usagef("%s: --period is required (e.g. --period 2026-10)", name)
	}
	if err := tabular.CheckFormat(format); err != nil {
		return nil, queries.Period{}, nil, usagef("%s: %v", name, err)
	}
	q, done, err := m.openQueries(ctx, c)
	if err != nil {
		return nil, queries.Period{}, nil, err
	}
	p, err := q.Period(period)
	if err != nil {
		done()
		return nil, queries.Period{}, nil, usagef("%s: %v", name, err)
	}
	return q, p, done, nil
}

// openPublishing opens an existing database for writing (publications are stored in it)
// with the calendar of the configuration written, and a query session on it.
func (m *Main) openPublishing(ctx context.Context, c *common) (*zhuqi.Config, *store.Store, *queries.Q, func(), error) {
	cfg, err := m.loadConfig(c)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	path, err := m.existingDB(c, cfg)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	st, err := m.openWriter(ctx, path, cfg)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if err := writeCalendar(ctx, st, cfg); err != nil {
		st.Close()
		return nil, nil, nil, nil, err
	}
	q, err := c.session(ctx, st, cfg)
	if err != nil {
		st.Close()
		return nil, nil, nil, nil, err
	}
	return cfg, st, q, func() { q.Close(); st.Close() }, nil
}

// session starts a query session on st, judged at --as-of when it is given.
func (c *common) session(ctx context.Context, st *store.Store, cfg *zhuqi.Config) (*queries.Q, error) {
	q, err := queries.Open(ctx, st, cfg)
	if err != nil {
		return nil, err
	}
	if err := c.travel(ctx, q); err != nil {
		q.Close()
		return nil, err
	}
	return q, nil
}

// writeCalendar writes the calendar table and the ad-hoc macros of cfg into st, each
// only when changed, and brings the stored timing up to date (pipeline.WriteCalendar).
func writeCalendar(ctx context.Context, st *store.Store, cfg *zhuqi.Config) error {
	macros, err := queries.MacroSQL(ctx, st.DB, cfg, false)
	if err != nil {
		return err
	}
	return pipeline.WriteCalendar(ctx, st, cfg, macros)
}

// writeMacros writes the ad-hoc macros of cfg into st, unless they are as last written.
func writeMacros(ctx context.Context, st *store.Store, cfg *zhuqi.Config) error {
	macros, err := queries.MacroSQL(ctx, st.DB, cfg, false)
	if err != nil {
		return err
	}
	return pipeline.WriteMacros(ctx, st, macros)
}
