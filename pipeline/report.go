package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
)

// Report is what one ingest did: the ingest report of DOMAIN §1.3.
type Report struct {
	IngestID    int64         `json:"ingest_id"`
	File        string        `json:"file"`
	Kind        string        `json:"kind"`
	Format      string        `json:"format"`
	Encoding    string        `json:"encoding,omitempty"`
	Sheet       string        `json:"sheet,omitempty"`
	SHA256      string        `json:"sha256"`
	AsOf        time.Time     `json:"as_of"`
	AsOfSource  string        `json:"as_of_source"`
	Staging     string        `json:"staging"`
	HeaderRow   int64         `json:"header_row"`
	Columns     []ColumnMatch `json:"columns"`
	Unknown     []string      `json:"unknown_columns,omitempty"`
	Duplicate   bool          `json:"duplicate,omitempty"`
	DuplicateOf int64         `json:"duplicate_of,omitempty"`
	Read        int64         `json:"rows_read"`
	Loaded      int64         `json:"rows_loaded"`
	Rejected    int64         `json:"rows_rejected"`
	Blank       int64         `json:"blank_rows_skipped"`
	// Unchanged counts ticket rows identical, as read, to their ticket's current version:
	// loaded without being parsed again.
	Unchanged int64 `json:"rows_unchanged"`
	Versions  int64 `json:"versions_added"`
	// Direct counts rows of new tickets read in Go and stored without SQL parsing
	// (pipeline/fastpath); they count in Read, Loaded and Versions too.
	Direct   int64         `json:"rows_direct,omitempty"`
	Rejects  []Count       `json:"rejects"`
	Warnings []Count       `json:"warnings"`
	Notes    []string      `json:"notes,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// Steps times each step of the ingest (scan, stage, normalise, duplicates, and the
	// writes), for tuning; kept in the ledger's report JSON.
	Steps []Step `json:"steps,omitempty"`

	unchangedInGo int64 // unchanged rows found in Go, not in skipTable (lineCompare.matched)
}

// Step is the duration of one step of an ingest.
type Step struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration_ns"`
}

// step records the time since *mark as step name and moves the mark.
func (r *Report) step(name string, now time.Time, mark *time.Time) {
	r.Steps = append(r.Steps, Step{Name: name, Duration: now.Sub(*mark)})
	*mark = now
}

// ColumnMatch records which header of the file became which canonical column.
type ColumnMatch struct {
	Header string `json:"header"`
	Column string `json:"column"`
}

// Count is how many rejects or warnings of one kind an ingest had, with the first example.
type Count struct {
	Code     string `json:"code"`
	Column   string `json:"column,omitempty"`
	Count    int64  `json:"count"`
	FirstRow int64  `json:"first_row"`
	Example  string `json:"example"`
}

// WarningCount is the number of warnings of all kinds.
func (r *Report) WarningCount() int64 {
	var n int64
	for _, w := range r.Warnings {
		n += w.Count
	}
	return n
}

func (r *Report) setMapping(m *mapping) {
	r.HeaderRow = m.HeaderRow
	r.Columns = r.Columns[:0]
	for name, i := range m.Source {
		r.Columns = append(r.Columns, ColumnMatch{Header: m.Headers[i], Column: name})
	}
	sortMatches(r.Columns, m)
	r.Unknown = r.Unknown[:0]
	for _, i := range m.Unknown {
		r.Unknown = append(r.Unknown, m.headerName(i))
	}
}

func sortMatches(cs []ColumnMatch, m *mapping) {
	idx := func(c ColumnMatch) int { return m.Source[c.Column] }
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && idx(cs[j]) < idx(cs[j-1]); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// summarise fills the counts of rep from what the transaction wrote; staged says that
// rows went through normTable (else the direct path stored every row, and nothing was
// rejected).
func (s *target) summarise(ctx context.Context, tx *sql.Tx, rep *Report, staged bool) error {
	rep.Read, rep.Loaded, rep.Unchanged = 0, 0, 0
	rep.Rejects, rep.Warnings = []Count{}, []Count{}
	if staged {
		if err := tx.QueryRowContext(ctx, `SELECT count(*), (SELECT count(*) FROM zq_loaded) FROM `+normTable).Scan(&rep.Read, &rep.Loaded); err != nil {
			return err
		}
	}
	if rep.Kind == string(zhuqi.KindTickets) {
		if staged {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+skipTable).Scan(&rep.Unchanged); err != nil {
				return err
			}
		}
		rep.Unchanged += rep.unchangedInGo
		rep.Read += rep.Unchanged + rep.Direct
		rep.Loaded += rep.Unchanged + rep.Direct
	}
	rep.Rejected = rep.Read - rep.Loaded
	if !staged {
		return nil
	}
	var err error
	rep.Rejects, err = counts(ctx, tx, `SELECT code, '', count(*), min(row_number), arg_min(reason, row_number)
FROM rejects WHERE ingest_id = ? GROUP BY code ORDER BY count(*) DESC, code`, rep.IngestID)
	if err != nil {
		return err
	}
	rep.Warnings, err = counts(ctx, tx, `SELECT code, column_name, count(*), min(row_number), arg_min(message, row_number)
FROM warnings WHERE ingest_id = ? GROUP BY code, column_name ORDER BY count(*) DESC, code, column_name`, rep.IngestID)
	return err
}

func counts(ctx context.Context, tx *sql.Tx, q string, id int64) ([]Count, error) {
	rows, err := tx.QueryContext(ctx, q, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Count{}
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Code, &c.Column, &c.Count, &c.FirstRow, &c.Example); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

var nameDate = regexp.MustCompile(`(20[0-9]{2})[-_.年]?(0[1-9]|1[0-2])[-_.月]?(0[1-9]|[12][0-9]|3[01])`)

// asOfFromName finds a date in a file name; the snapshot is taken as the end of that day.
func asOfFromName(name string, loc *time.Location) (time.Time, bool) {
	m := nameDate.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("2006-01-02", m[1]+"-"+m[2]+"-"+m[3], loc)
	if err != nil {
		return time.Time{}, false
	}
	return t.AddDate(0, 0, 1), true
}

// ParseAsOf reads a snapshot time given on the command line: a date (meaning the end of
// that day), a date and time, or RFC 3339.
func ParseAsOf(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t.AddDate(0, 0, 1), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	return time.Time{}, fmt.Errorf("--as-of %q: use a date such as 2026-10-31 (the end of that day) or 2026-10-31 18:00", s)
}

// WriteText prints the report for people.
func (r *Report) WriteText(w io.Writer) error {
	name := filepath.Base(r.File)
	if r.Duplicate {
		_, err := fmt.Fprintf(w, "%s: 已导入过，未作改动 (already ingested as #%d, same SHA-256; nothing changed)\n", name, r.DuplicateOf)
		return err
	}
	var b strings.Builder
	enc := r.Encoding
	if r.Sheet != "" {
		enc = "sheet " + r.Sheet
	}
	fmt.Fprintf(&b, "%s  #%d  %s, %s %s, 截至 as of %s (%s)\n", name, r.IngestID, r.Kind, r.Format, enc, formatAsOf(r.AsOf), r.AsOfSource)
	fmt.Fprintf(&b, "  读取 read       %10d\n", r.Read)
	fmt.Fprintf(&b, "  导入 loaded     %10d", r.Loaded)
	if r.Kind == "tickets" {
		fmt.Fprintf(&b, "   新版本 new versions %d, 未变化 unchanged %d", r.Versions, r.Loaded-r.Versions)
	}
	fmt.Fprintf(&b, "\n  拒收 rejected   %10d%s\n", r.Rejected, ifStr(r.Rejected > 0, "   → SELECT * FROM rejects WHERE ingest_id = "+fmt.Sprint(r.IngestID)))
	for _, c := range r.Rejects {
		fmt.Fprintf(&b, "    %-18s %6d   e.g. row %d: %s\n", c.Code, c.Count, c.FirstRow, c.Example)
	}
	fmt.Fprintf(&b, "  警告 warnings   %10d%s\n", r.WarningCount(), ifStr(r.WarningCount() > 0, "   → SELECT * FROM warnings WHERE ingest_id = "+fmt.Sprint(r.IngestID)))
	for _, c := range r.Warnings {
		fmt.Fprintf(&b, "    %-18s %6d   e.g. row %d: %s\n", c.Code, c.Count, c.FirstRow, c.Example)
	}
	if r.Blank > 0 {
		fmt.Fprintf(&b, "  跳过空行 blank rows skipped: %d\n", r.Blank)
	}
	if r.HeaderRow > 1 {
		fmt.Fprintf(&b, "  表头在第%d行 header found on row %d (rows above it were titles)\n", r.HeaderRow, r.HeaderRow)
	}
	if len(r.Unknown) > 0 {
		fmt.Fprintf(&b, "  未识别的列（已保留在 extra 中）unknown columns kept in extra: %s\n", strings.Join(r.Unknown, ", "))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatAsOf(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.AddDate(0, 0, -1).Format("2006-01-02") + " 24:00"
	}
	return t.Format("2006-01-02 15:04")
}

func ifStr(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}
