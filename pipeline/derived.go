package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

// WriteCalendar replaces the calendar table of s (DOMAIN §7) with the configuration's
// working-day calendar, from the first year with data or tickets to the year after the
// last, and (re)creates the ad-hoc table macros with macros, the statements that create
// them with the configuration's rules (queries.MacroSQL renders them). The metric queries
// do not read either (they build theirs from the configuration in use); they are there
// for ad-hoc SQL. Nothing is written when both are as last written. It also brings the
// stored timing of the tickets up to date with cfg (RefreshTiming).
func WriteCalendar(ctx context.Context, s *store.Store, cfg *zhuqi.Config, macros []string) error {
	cal, err := cfg.Calendar.Build()
	if err != nil {
		return err
	}
	years := cal.Years()
	first, last := s.Now().Year(), s.Now().Year()
	if len(years) > 0 {
		first, last = years[0], years[len(years)-1]
	}
	var lo, hi *int
	if err := s.DB.QueryRowContext(ctx, `SELECT min(year(created_at)), max(year(created_at)) FROM ticket_versions`).Scan(&lo, &hi); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	if lo != nil && *lo < first {
		first = *lo
	}
	if hi != nil && *hi > last {
		last = *hi
	}
	days := cal.Days(time.Date(first, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(last+1, 12, 31, 0, 0, 0, 0, time.UTC))
	var b strings.Builder
	b.WriteString("INSERT INTO calendar VALUES ")
	for i, d := range days {
		if i > 0 {
			b.WriteString(", ")
		}
		name := "NULL"
		if d.Name != "" {
			name = sqlString(d.Name)
		}
		fmt.Fprintf(&b, "(DATE '%s', %t, '%s', %s)", d.Date.Format("2006-01-02"), d.Workday, d.Kind, name)
	}
	if _, err := RefreshTiming(ctx, s, cfg); err != nil {
		return err
	}
	if err := WriteMacros(ctx, s, macros); err != nil {
		return err
	}
	return writeOnce(ctx, s, "calendar", []string{`DELETE FROM calendar`, b.String()})
}

// WriteMacros (re)creates the ad-hoc table macros with macros, the statements that create
// them (queries.MacroSQL renders them), unless they are as last written. Creating them
// takes a noticeable fraction of a second (DuckDB binds a table macro when it is created).
func WriteMacros(ctx context.Context, s *store.Store, macros []string) error {
	return writeOnce(ctx, s, "macros", macros)
}

// writeOnce runs stmts in one transaction and records their hash in derived_state under
// name, unless that hash is recorded already.
func writeOnce(ctx context.Context, s *store.Store, name string, stmts []string) error {
	h := sha256.New()
	for _, stmt := range stmts {
		h.Write([]byte(stmt))
		h.Write([]byte{0})
	}
	key := hex.EncodeToString(h.Sum(nil))
	var written sql.NullString
	if err := s.DB.QueryRowContext(ctx, `SELECT max(key) FROM derived_state WHERE name = ?`, name).Scan(&written); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if written.String == key {
		return nil
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer tx.Rollback()
	for _, stmt := range append(stmts, `INSERT OR REPLACE INTO derived_state VALUES ('`+name+`', '`+key+`', NULL)`) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return tx.Commit()
}
