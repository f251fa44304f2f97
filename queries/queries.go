package queries

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/store"
)

//go:embed sql/*.sql
var sqlFS embed.FS

var tmpl = template.Must(template.Must(template.New("").Option("missingkey=error").
	Parse(pipeline.CalendarTemplates)).ParseFS(sqlFS, "sql/*.sql"))

// ErrNoTickets is returned by the ticket figures when no ticket export has been ingested
// yet (growth works without one).
var ErrNoTickets = errors.New("no ticket export has been ingested yet: run `zhuqi ingest FILE` first")

// ErrNothing is returned by Open when nothing at all has been ingested yet.
var ErrNothing = errors.New("nothing has been ingested yet: run `zhuqi ingest FILE` with a ticket export (or targets and actuals for growth) first")

// Q answers metric questions on one connection of a store. It is not safe for concurrent use.
type Q struct {
	conn  *sql.Conn
	cfg   *zhuqi.Config
	rules zhuqi.Rules
	cal   *zhuqi.Calendar
	loc   *time.Location
	// AsOf is the snapshot time T: the as-of time of the latest ticket export.
	AsOf time.Time
	// AllowUnfinished lets Prepare freeze a period not yet over (DOMAIN §2.2).
	AllowUnfinished bool
	// Warnings collects notes for the reader, such as dates outside the shipped calendar.
	Warnings []string

	facts  map[string]string // factsKey / "cube\x00"+label / names table → its temp table
	stored bool              // the tickets' stored timing columns match the calendar
	// noExclusions: the store holds no exclusion (facts.sql then joins none)
	noExclusions bool

	latest    time.Time // the latest ticket snapshot in the store
	noTickets bool      // no ticket export ingested: AsOf is the latest actuals' snapshot
	judge     judge     // which tickets are judged: current, an earlier snapshot, rewound
	judged    bool      // a comparison session (Compared): Check passes
}

// Open prepares a query session on s with the rules and calendar of cfg.
func Open(ctx context.Context, s *store.Store, cfg *zhuqi.Config) (*Q, error) {
	loc, err := cfg.Location()
	if err != nil {
		return nil, err
	}
	cal, err := cfg.Calendar.Build()
	if err != nil {
		return nil, err
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	q := &Q{conn: conn, cfg: cfg, rules: cfg.Rules, cal: cal, loc: loc, facts: map[string]string{}, judge: current}
	if err := q.setup(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return q, nil
}

// Close releases the connection and its temporary tables.
func (q *Q) Close() error { return q.conn.Close() }

// Rules are the rules in force.
func (q *Q) Rules() zhuqi.Rules { return q.rules }

// RulesVersion is the rules' name and hash, recorded in every ranking.
func (q *Q) RulesVersion() string { return q.rules.Version() }

// Location is the local timezone.
func (q *Q) Location() *time.Location { return q.loc }

// Period parses a period of DOMAIN §7 against the data's snapshot time.
func (q *Q) Period(s string) (Period, error) { return ParsePeriod(s, q.loc, q.AsOf) }

func (q *Q) setup(ctx context.Context) error {
	var asOf, facts sql.NullTime
	if err := q.conn.QueryRowContext(ctx, `SELECT max(as_of) FILTER (kind = 'tickets'),
		coalesce(max(as_of) FILTER (kind = 'actuals'), max(as_of)) FROM ingests`).Scan(&asOf, &facts); err != nil {
		return fmt.Errorf("queries: snapshot time: %w", err)
	}
	switch {
	case asOf.Valid:
		q.AsOf = wall(asOf.Time, q.loc)
		q.latest = q.AsOf
	case facts.Valid:
		// Growth needs no tickets (DOMAIN §3): the snapshot is that of the latest actuals.
		q.AsOf, q.noTickets = wall(facts.Time, q.loc), true
	default:
		return ErrNothing
	}

	data, missing, err := calendarData(ctx, q.conn, q.cfg, q.cal, q.AsOf.Year())
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		q.Warnings = append(q.Warnings, fmt.Sprintf(
			"日历缺少 %s 年的法定节假日数据，按周一至周五计算工作日 / no holiday calendar for %s: working days counted Monday to Friday; add the year's [calendar] entries to zhuqi.toml",
			strings.Join(missing, "、"), strings.Join(missing, ", ")))
	}
	if q.stored, err = pipeline.TimingCurrent(ctx, q.conn, data); err != nil {
		return err
	}
	if err := q.conn.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM exclusions)`).Scan(&q.noExclusions); err != nil {
		return fmt.Errorf("queries: exclusions: %w", err)
	}
	return q.execTemplate(ctx, "setup.sql", data)
}

// rowQueryer is a *sql.DB, *sql.Conn or *sql.Tx.
type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// calendarData is the working-day calendar of cfg for the tickets of db (the template
// data of zq_cal); missing lists the years with tickets (or lastYear) that cal has no
// official data for.
func calendarData(ctx context.Context, db rowQueryer, cfg *zhuqi.Config, cal *zhuqi.Calendar, lastYear int) (*pipeline.Calendar, []string, error) {
	c, err := pipeline.WorkCalendar(ctx, db, cfg, "")
	if err != nil {
		return nil, nil, fmt.Errorf("queries: %w", err)
	}
	var missing []string
	if c.FirstYear > 0 {
		for y := c.FirstYear; y <= max(c.LastYear, lastYear); y++ {
			if !cal.Covers(y) {
				missing = append(missing, fmt.Sprint(y))
			}
		}
	}
	return c, missing, nil
}

// wall reads t's wall clock as a time in loc: DuckDB TIMESTAMP values are local wall
// times and come back from the driver as UTC.
func wall(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

func sqlTime(t time.Time) string { return t.Format("2006-01-02 15:04:05") }

// tsLit and dateLit write t as a SQL TIMESTAMP or DATE literal.
func tsLit(t time.Time) string   { return "TIMESTAMP '" + sqlTime(t) + "'" }
func dateLit(t time.Time) string { return "DATE '" + t.Format("2006-01-02") + "'" }

func render(name string, data any) (string, error) {
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("queries: template %s: %w", name, err)
	}
	return b.String(), nil
}

func (q *Q) execTemplate(ctx context.Context, name string, data any) error {
	text, err := render(name, data)
	if err != nil {
		return err
	}
	for _, stmt := range store.SplitSQL(text) {
		if _, err := q.conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("queries: %s: %w", name, err)
		}
	}
	return nil
}

// ruleParams are the rules as template values for the SQL files.
func (q *Q) ruleParams() map[string]any { return ruleParams(q.rules) }

func ruleParams(r zhuqi.Rules) map[string]any {
	return map[string]any{
		"AssignDays": r.AssignDays, "ReplyDays": r.ReplyDays,
		"RedMaxLate":    num(r.RedMaxLateDays),
		"WSatisfied":    num(r.WeightSatisfied),
		"WBasic":        num(r.WeightBasic),
		"WDissatisfied": num(r.WeightDissatisfied),
	}
}

// num writes a float as a SQL DOUBLE literal.
func num(f float64) string { return fmt.Sprintf("%g::DOUBLE", f) }

// Forms of the facts table, each a superset of the one before.
const (
	lean    = iota // what the rankings read
	wide           // every dimension and fact: metrics
	listing        // and each ticket's identity and times: flags
)

// factsTable materialises the per-ticket facts of period p, in form, once per session; a
// table of a wider form serves a narrower one.
func (q *Q) factsTable(ctx context.Context, p Period, form int) (string, error) {
	return q.factsWhere(ctx, p, "", form)
}

// factsWhere is factsTable narrowed by an extra condition on the tickets (alias tk).
func (q *Q) factsWhere(ctx context.Context, p Period, where string, form int) (string, error) {
	if t, ok := q.cachedFacts(p, where, form); ok {
		return t, nil
	}
	table := fmt.Sprintf("zq_facts_%d", len(q.facts)+1)
	data := q.factsData(p, where, form)
	data["Table"] = table
	if err := q.execTemplate(ctx, "facts.sql", data); err != nil {
		return "", fmt.Errorf("facts of %s: %w", p.Label, err)
	}
	q.facts[q.factsKey(p, where, form)] = table
	return table, nil
}

// factsSource is what one aggregate over the facts of p in form reads: the session's
// table when one is made already, else the facts query itself, so that a single
// aggregate (the previous month's totals of a briefing) does not store the facts first.
func (q *Q) factsSource(p Period, form int) (string, error) {
	if t, ok := q.cachedFacts(p, "", form); ok {
		return t, nil
	}
	data := q.factsData(p, "", form)
	data["Table"] = ""
	text, err := render("facts.sql", data)
	if err != nil {
		return "", fmt.Errorf("facts of %s: %w", p.Label, err)
	}
	return "(" + text + ")", nil
}

func (q *Q) factsKey(p Period, where string, form int) string {
	return q.judge.key + p.Label + "\x00" + where + "\x00" + fmt.Sprint(form)
}

// cachedFacts returns the session's facts table of p in form, or in a wider one.
func (q *Q) cachedFacts(p Period, where string, form int) (string, bool) {
	for f := listing; f >= form; f-- {
		if t, ok := q.facts[q.factsKey(p, where, f)]; ok {
			return t, true
		}
	}
	return "", false
}

// factsData is the template data of facts.sql for p, where and form, without Table.
func (q *Q) factsData(p Period, where string, form int) map[string]any {
	data := q.ruleParams()
	data["Start"] = tsLit(p.Start)
	data["End"] = tsLit(p.End)
	data["AsOf"] = tsLit(q.AsOf)
	data["WAsOf"] = fmt.Sprintf("zq_w(%s)", tsLit(q.AsOf))
	data["Source"], data["Reopened"] = q.judge.sourceFor(p), q.judge.reopened
	data["NoExclusions"] = q.noExclusions
	data["Stored"] = q.stored && (q.judge.key == "" || !q.judge.snapshot.IsZero())
	data["StoredSource"] = ""
	if q.judge.key != "" {
		data["StoredSource"] = data["Source"]
	}
	data["Wide"] = form >= wide
	data["Listing"] = form >= listing
	data["Evidence"] = false
	data["Where"] = ""
	if where != "" {
		data["Where"] = "\n      AND (" + where + ")"
	}
	return data
}
