package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

// CalendarTemplates is sql/calendar.sql: the text/template definitions of the working-day
// calendar query (zq_cal) and its lookup macros (zq_wj, zq_day, zq_assign_due,
// zq_reply_due), for packages that render the calendar in their own SQL.
//
//go:embed sql/calendar.sql
var CalendarTemplates string

//go:embed sql/timing.sql
var timingTemplates string

// Calendar is a configuration's working-day calendar over the span of the stored tickets:
// the template data of zq_cal (sql/calendar.sql). The timing columns of ticket versions
// (sql/timing.sql) are computed with it and carry its Key.
type Calendar struct {
	From, To              string   // first date and the date after the last, 2006-01-02
	Off, On               []string // official holidays on weekdays; make-up working days
	AssignDays, ReplyDays int
	// FirstYear and LastYear span the stored tickets' creation dates; 0 when there are none.
	FirstYear, LastYear int
}

// rowQueryer is a *sql.DB, *sql.Conn or *sql.Tx.
type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// WorkCalendar builds the calendar of cfg for the tickets of db: from the cell rules'
// FirstYear to the year after their LastYear (tickets created by its end are due in it),
// widened to the years of every stored ticket version (and of the rows of the relation
// extra, when given, that are about to be stored).
func WorkCalendar(ctx context.Context, db rowQueryer, cfg *zhuqi.Config, extra string) (*Calendar, error) {
	cal, err := cfg.Calendar.Build()
	if err != nil {
		return nil, err
	}
	q := `SELECT min(created_at), max(created_at) FROM ticket_versions`
	if extra != "" {
		q = `SELECT min(created_at), max(created_at) FROM (
			SELECT created_at FROM ticket_versions UNION ALL SELECT created_at FROM ` + extra + `)`
	}
	var lo, hi sql.NullTime
	if err := db.QueryRowContext(ctx, q).Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("calendar: ticket dates: %w", err)
	}
	first, last := cfg.Cells.FirstYear, cfg.Cells.LastYear
	from := time.Date(first, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(last+2, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &Calendar{AssignDays: cfg.Rules.AssignDays, ReplyDays: cfg.Rules.ReplyDays}
	if lo.Valid && hi.Valid {
		c.FirstYear, c.LastYear = lo.Time.Year(), hi.Time.Year()
		if lo.Time.Before(from) {
			from = time.Date(c.FirstYear, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if c.LastYear > last {
			to = time.Date(c.LastYear+2, 1, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	c.From, c.To = from.Format("2006-01-02"), to.Format("2006-01-02")
	for _, d := range cal.Days(from, to.AddDate(0, 0, -1)) {
		switch d.Kind {
		case "holiday":
			if d.Date.Weekday() != time.Saturday && d.Date.Weekday() != time.Sunday {
				c.Off = append(c.Off, d.Date.Format("2006-01-02"))
			}
		case "makeup":
			c.On = append(c.On, d.Date.Format("2006-01-02"))
		}
	}
	return c, nil
}

// Key names the calendar: the same span, days off, make-up days and deadline rules, and
// the same formulas (sql/calendar.sql and sql/timing.sql), give the same key.
func (c *Calendar) Key() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s %d %d %q %q\n%s\n%s", c.From, c.To, c.AssignDays, c.ReplyDays, c.Off, c.On, CalendarTemplates, timingTemplates)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// latestTicketIngest is the number of the latest ticket ingest, as SQL.
const latestTicketIngest = "(SELECT max(ingest_id) FROM ingests WHERE kind = 'tickets')"

// timingData is the template data of sql/timing.sql; ingest is the ticket ingest (a SQL
// expression) the refreshed timing is current as of.
func (c *Calendar) timingData(ingest string) map[string]any {
	return map[string]any{
		"From": c.From, "To": c.To, "Off": c.Off, "On": c.On,
		"AssignDays": c.AssignDays, "ReplyDays": c.ReplyDays, "Key": c.Key(), "Ingest": ingest,
	}
}

// timingSQL renders template name of sql/timing.sql for c and ticket ingest ingest.
func (c *Calendar) timingSQL(name, ingest string) (string, error) {
	var b bytes.Buffer
	if err := sqlTemplates.ExecuteTemplate(&b, name, c.timingData(ingest)); err != nil {
		return "", fmt.Errorf("timing: %w", err)
	}
	return b.String(), nil
}

// buildCalk creates zq_calk and its macros (sql/timing.sql) for c on tx's connection,
// unless it has them for c already (the direct path's, earlier in an ingest): the session
// variable zq_calk_key names the calendar of the zq_calk last built.
func (c *Calendar) buildCalk(ctx context.Context, tx *sql.Tx) error {
	var built sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT getvariable('zq_calk_key') FROM duckdb_tables() WHERE temporary AND table_name = 'zq_calk'`).Scan(&built)
	switch {
	case err == nil && built.String == c.Key():
		return nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("calendar: %w", err)
	}
	calk, err := c.timingSQL("zq_calk", "")
	if err != nil {
		return err
	}
	for _, stmt := range append(store.SplitSQL(calk), "SET VARIABLE zq_calk_key = '"+c.Key()+"'") {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("calendar: %w", err)
		}
	}
	return nil
}

// TimingCurrent reports whether every ticket version carries c's timing, so that
// queries with calendar c may read the stored timing columns: derived_state says so for
// the latest ticket ingest (one by a zhuqi without timing columns would leave them NULL).
func TimingCurrent(ctx context.Context, db rowQueryer, c *Calendar) (bool, error) {
	var has bool
	if err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'main' AND table_name = 'derived_state'`).Scan(&has); err != nil || !has {
		return false, err // a database opened read-only before its upgrade (0006_timing.sql)
	}
	var current bool
	if err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM derived_state
		WHERE name = 'timing' AND key = ? AND ingest_id IS NOT DISTINCT FROM `+latestTicketIngest, c.Key()).Scan(&current); err != nil {
		return false, fmt.Errorf("timing: %w", err)
	}
	return current, nil
}

// RefreshTiming computes the timing columns of every ticket version that does not
// carry the key of cfg's calendar, and returns how many it computed (none, without
// writing, when derived_state says they all do). Ingest does this itself; this is for a
// database whose configuration changed without a new export.
func RefreshTiming(ctx context.Context, s *store.Store, cfg *zhuqi.Config) (int64, error) {
	var n int64
	err := s.WithConn(ctx, func(conn *sql.Conn) error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		cal, err := WorkCalendar(ctx, tx, cfg, "")
		if err != nil {
			return err
		}
		if ok, err := TimingCurrent(ctx, tx, cal); err != nil || ok {
			return err
		}
		if err := cal.buildCalk(ctx, tx); err != nil {
			return err
		}
		refresh, err := cal.timingSQL("timing_refresh", latestTicketIngest)
		if err != nil {
			return err
		}
		for _, stmt := range store.SplitSQL(refresh) {
			res, err := tx.ExecContext(ctx, stmt)
			if err != nil {
				return err
			}
			if strings.HasPrefix(stmt, "UPDATE ticket_versions") {
				if n, err = res.RowsAffected(); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS zq_calk`); err != nil {
			return err
		}
		return tx.Commit()
	})
	if err != nil {
		return 0, fmt.Errorf("timing: %w", err)
	}
	return n, nil
}
