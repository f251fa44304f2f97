package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

// Options says how to ingest one file.
type Options struct {
	// Kind of the file; empty recognises it by its header (DOMAIN §1.4).
	Kind zhuqi.Kind
	// AsOf is the snapshot time. Zero: a date in the file name (end of that day), else
	// the file's modification time.
	AsOf time.Time
	// Encoding of a CSV file: utf-8, gbk, gb18030 or utf-16. Empty detects it.
	Encoding string
	// Sheet of an XLSX file. Empty reads the first sheet.
	Sheet string
	// Progress, if set, is called as the file is read.
	Progress func(Progress)

	current *currentAhead // set by Ingest: the current versions, read during the scan
	tmpDir  string        // set by Ingest: the folder for this ingest's temporary files
	fast    bool          // set by Ingest: the Go fast paths may read the file (fastPath)
	// sqlOnly keeps the line digest but sends every row it does not skip to SQL (tests
	// compare the fast path's rows with SQL's this way).
	sqlOnly bool
	// sizes bounds the work of one statement or read; zero fields take defaultSizes.
	sizes sizes
}

// sizes bound the work of one statement or read of an ingest (tests make them small, to
// run the loops over them several times).
type sizes struct {
	// insertRows: rows of a file one statement inserts as ticket versions at most
	// (tickets_versions.sql, and the fast path's statements).
	insertRows int64
	// currentRows: rows of ticket_versions one query of currentHashes reads.
	currentRows int64
	// lineWindow: bytes linesSource reads at a time when the lines asked for are near
	// each other.
	lineWindow int
}

var defaultSizes = sizes{insertRows: 1 << 20, currentRows: 1 << 20, lineWindow: 8 << 10}

// orDefault is z with its zero fields from defaultSizes.
func (z sizes) orDefault() sizes {
	if z.insertRows == 0 {
		z.insertRows = defaultSizes.insertRows
	}
	if z.currentRows == 0 {
		z.currentRows = defaultSizes.currentRows
	}
	if z.lineWindow == 0 {
		z.lineWindow = defaultSizes.lineWindow
	}
	return z
}

// Progress reports how far an ingest has come.
type Progress struct {
	File  string
	Step  string // "scan" (hashing and checking), "read" (loading rows), "write"
	Done  int64  // bytes
	Total int64  // bytes
}

var factTables = map[zhuqi.Kind]string{
	zhuqi.KindTargets:    "target_rows",
	zhuqi.KindActuals:    "actual_rows",
	zhuqi.KindBenchmarks: "benchmark_rows",
	zhuqi.KindDeductions: "deduction_rows",
	zhuqi.KindExclusions: "exclusions",
}

// Ingest loads one file into s (see the package's Ingest). The steps, in order: scan the file (hash, size limits, shape, encoding); skip it if
// ingested before; read its header; read its rows (with the fast path when enabled, the
// rest staged as text); normalise the staged rows in SQL; write everything in one
// transaction.
func (s *target) Ingest(ctx context.Context, cfg *zhuqi.Config, path string, opt Options) (*Report, error) {
	r, err := s.newRun(ctx, cfg, path, opt)
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", path, err)
	}
	defer r.close()
	if r.sc, err = scanFile(ctx, path, cfg.Ingest.MaxLineBytes, r.progress("scan"), r.lazy); err != nil {
		return nil, fmt.Errorf("ingest %s: %w", path, err)
	}
	r.lap("scan")
	r.rep.SHA256, r.rep.Format = r.sc.SHA256, r.sc.Format
	if dup, err := r.ingestedBefore(ctx); dup || err != nil {
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", path, err)
		}
		return r.rep, nil
	}
	if err := r.snapshotTime(); err != nil {
		return nil, err
	}
	if r.sc.Format == FormatXLSX {
		dir, remove, err := s.ingestTemp()
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", path, err)
		}
		defer remove()
		r.opt.tmpDir = dir
	}
	if cfg.Ingest.MemoryLimit != "" {
		if _, err := s.DB.ExecContext(ctx, "SET memory_limit = "+sqlString(cfg.Ingest.MemoryLimit)); err != nil {
			return nil, fmt.Errorf("ingest: memory_limit %q: %w (use a size such as 1GB)", cfg.Ingest.MemoryLimit, err)
		}
	}
	sizeBefore := s.FileSize()
	err = s.WithConn(ctx, func(conn *sql.Conn) error {
		r.conn = conn
		defer dropTemps(conn)
		defer conn.ExecContext(context.Background(), "RESET preserve_insertion_order")
		if err := r.read(ctx); err != nil {
			return err
		}
		// Rows stored by the fast path's plan are written, and the rest normalised, inside
		// the write's transaction (newTickets); otherwise every row is normalised now.
		var before func(tx *sql.Tx, id int64) (bool, error)
		if r.stats.Plan == nil {
			if err := r.normalise(ctx, 0); err != nil {
				return err
			}
		} else {
			before = func(tx *sql.Tx, id int64) (bool, error) { return r.newTickets(ctx, tx, id) }
		}
		if r.opt.Progress != nil {
			r.opt.Progress(Progress{File: r.base, Step: "write", Done: r.size, Total: r.size})
		}
		return r.write(ctx, before)
	})
	if err != nil {
		// A failed write may have grown the database file: give the space back.
		sizeAt := s.FileSize()
		if sizeAt > sizeBefore {
			s.GiveBack(context.Background())
		}
		if noSpace(err) {
			err = spaceError(err, s.Path, sizeBefore, sizeAt, s.FileSize())
		}
		return nil, fmt.Errorf("ingest %s: %w", path, err)
	}
	return r.rep, nil
}

// run is one file's ingest under way: what it reads, what it has found so far, and its
// report.
type run struct {
	s         *target
	cfg       *zhuqi.Config
	path      string
	base      string
	size      int64
	modTime   time.Time
	opt       Options
	rep       *Report
	started   time.Time
	mark      time.Time // when the last step ended
	lazy      bool      // the scan may leave the UTF-8 check to the digest (scan.UTF8Partial)
	cancelCur func()    // stops reading the current versions ahead
	sc        *scan
	conn      *sql.Conn
	m         *mapping
	stats     stageStats
}

// newRun starts the ingest of path: whether the fast path may read it, and, for a later
// ticket CSV, the current versions read ahead while the file is scanned (its lines are
// then checked for UTF-8 as the digest reads them: most were read before).
func (s *target) newRun(ctx context.Context, cfg *zhuqi.Config, path string, opt Options) (*run, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	r := &run{s: s, cfg: cfg, path: path, base: filepath.Base(path), size: st.Size(), modTime: st.ModTime(),
		opt: opt, rep: &Report{File: path, Kind: string(opt.Kind)}, started: s.Now(), cancelCur: func() {}}
	r.mark = r.started
	r.opt.sizes = opt.sizes.orDefault()
	if r.opt.fast, err = fastPath(cfg); err != nil {
		return nil, err
	}
	if r.opt.fast && (opt.Kind == zhuqi.KindTickets || opt.Kind == "") && opt.Encoding == "" {
		if err := s.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ticket_versions WHERE is_current)`).Scan(&r.lazy); err != nil {
			return nil, err
		}
	}
	if r.lazy && strings.EqualFold(filepath.Ext(path), ".csv") {
		actx, cancel := context.WithCancel(ctx)
		r.opt.current = s.readCurrentAhead(actx, r.opt.sizes.currentRows)
		r.cancelCur = cancel
	}
	return r, nil
}

// close stops what the run reads ahead.
func (r *run) close() {
	r.cancelCur()
	r.opt.current.release()
}

// lap records the time since the last step as step name.
func (r *run) lap(name string) { r.rep.step(name, r.s.Now(), &r.mark) }

// progress reports bytes done of step to Options.Progress, if set.
func (r *run) progress(step string) func(int64) {
	if r.opt.Progress == nil {
		return nil
	}
	return func(done int64) { r.opt.Progress(Progress{File: r.base, Step: step, Done: done, Total: r.size}) }
}

// ingestedBefore reports whether the file was ingested before (same SHA-256, and the
// same kind, or without a kind the kind its header said the first time).
func (r *run) ingestedBefore(ctx context.Context) (bool, error) {
	var prev int64
	var prevKind string
	kind := string(r.opt.Kind)
	err := r.s.DB.QueryRowContext(ctx, `SELECT ingest_id, kind FROM ingests WHERE sha256 = ? AND (kind = ? OR ? = '') ORDER BY ingest_id LIMIT 1`, r.sc.SHA256, kind, kind).Scan(&prev, &prevKind)
	switch {
	case err == nil:
		r.rep.Duplicate, r.rep.DuplicateOf, r.rep.Kind = true, prev, prevKind
		return true, nil
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	}
	return false, err
}

// snapshotTime sets the snapshot time: Options.AsOf, else a date in the file's name (end
// of that day), else its modification time.
func (r *run) snapshotTime() error {
	loc, err := r.cfg.Location()
	if err != nil {
		return err
	}
	r.rep.AsOf, r.rep.AsOfSource = r.opt.AsOf, "flag"
	if r.opt.AsOf.IsZero() {
		if t, ok := asOfFromName(r.base, loc); ok {
			r.rep.AsOf, r.rep.AsOfSource = t, "filename"
		} else {
			r.rep.AsOf, r.rep.AsOfSource = r.modTime.In(loc), "mtime"
		}
	}
	return nil
}

// read finds the header and reads the rows: staged as text, or planned for the fast
// path (stats.Plan). A file whose UTF-8 was checked only in part, and which the digest
// did not read after all, is scanned again in full first.
func (r *run) read(ctx context.Context) error {
	if err := createMacros(ctx, r.conn, r.cfg); err != nil {
		return err
	}
	err := r.stage(ctx)
	if errors.Is(err, errRescan) {
		r.opt.current.release() // a digest of the file scanned again reads them itself
		if r.sc, err = scanFile(ctx, r.path, r.cfg.Ingest.MaxLineBytes, r.progress("scan"), false); err != nil {
			return err
		}
		r.lap("scan")
		err = r.stage(ctx)
	}
	r.opt.current.release()
	if err != nil {
		return err
	}
	r.opt.Kind, r.rep.Kind = r.m.Kind, string(r.m.Kind)
	r.rep.Blank, r.rep.unchangedInGo = r.stats.Blank, r.stats.Matched
	r.lap("stage")
	// Every row carries its number from here on: DuckDB need not keep insertion order,
	// which lets it write without buffering whole row groups in memory (Ingest resets it).
	_, err = r.conn.ExecContext(ctx, "SET preserve_insertion_order = false")
	return err
}

// stage finds the header and stages the rows, or plans them for the fast path.
func (r *run) stage(ctx context.Context) error {
	var err error
	r.m, r.stats, err = r.stageFile(ctx)
	return err
}

// normalise fills normTable from the staged rows: for tickets, after leaving out the
// rows unchanged since their ticket's current version; rows the fast path read of a
// daily export's changed rows are in normTable already, and the rows normalised in SQL
// join them. directID is the ingest whose new tickets, stored already by the fast path,
// are in rawTable (0: none).
func (r *run) normalise(ctx context.Context, directID int64) error {
	conn, cfg, m, kind := r.conn, r.cfg, r.m, r.opt.Kind
	source := stageTable
	if kind == zhuqi.KindTickets && !r.stats.Partial {
		qs := []string{todoSQL()}
		if !r.stats.Compared {
			qs = []string{rawHashSQL(m, cfgPrint(cfg)), dupSQL(kind), skipSQL(), todoSQL()}
		}
		for _, q := range qs {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("compare with current versions: %w", err)
			}
		}
		source = todoView
		r.lap("unchanged")
	}
	var norm string
	switch {
	case r.stats.Parsed == 0:
		norm = "CREATE OR REPLACE TEMP TABLE " + normTable + " AS " + normalizeSQL(cfg, kind, m, source)
	case r.stats.Rows > 0:
		norm = "INSERT INTO " + normTable + " BY NAME " + normalizeSQL(cfg, kind, m, source)
	}
	if norm != "" {
		if _, err := conn.ExecContext(ctx, norm); err != nil {
			return fmt.Errorf("normalise: %w", err)
		}
	}
	r.lap("normalise")
	if r.stats.Compared {
		if err := checkLineIDs(ctx, conn, directID); err != nil {
			return err
		}
	}
	if kind != zhuqi.KindTickets {
		if err := checkKind(ctx, conn, kind); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, dupSQL(kind)); err != nil {
			return fmt.Errorf("find repeated keys: %w", err)
		}
		r.lap("duplicates")
	}
	return nil
}

// newTickets runs first in the write's transaction tx (ingest id) when the fast path
// planned the file: it stores the new tickets the fast path reads straight into
// ticket_versions, then stages and normalises the rows it leaves. It reports whether
// rows were left in normTable.
func (r *run) newTickets(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	lines := ticketLines(r.cfg, r.path, r.sc, r.m, r.rep.Encoding, r.opt.sizes)
	rest, err := loadNew(ctx, r.conn, tx, r.cfg, lines, r.m, r.stats.Plan, r.rep, id, r.progress("write"))
	if err != nil {
		return false, err
	}
	r.lap("new tickets")
	if len(rest) == 0 && r.stats.RawLater {
		// A first load read whole by the fast path: no row is left for SQL, nor for the
		// comparisons with current versions that the digest left to it.
		return false, nil
	}
	ls, err := openCSVLines(r.path, rest, r.sc.Delim, r.rep.Encoding, r.cfg.Ingest.MaxCellChars, r.opt.sizes.lineWindow)
	if err != nil {
		return false, err
	}
	defer ls.Close()
	if _, err := stageRows(ctx, r.conn, ls, len(r.m.Headers), r.cfg, nil); err != nil {
		return false, err
	}
	if !r.stats.RawLater {
		return true, r.normalise(ctx, id)
	}
	if err := compareFirstLoad(ctx, r.conn, lines, rest, r.cfg.Ingest.BatchRows); err != nil {
		return false, err
	}
	return true, r.normalise(ctx, 0)
}

// stageFile reads the header and loads the data rows into stageTable (or plans the direct
// path); lap records the time since the last step as a step.
func (r *run) stageFile(ctx context.Context) (*mapping, stageStats, error) {
	s, conn, cfg, path, sc, opt, rep := r.s, r.conn, r.cfg, r.path, r.sc, r.opt, r.rep
	lap, progress := r.lap, r.progress("read")
	base := filepath.Base(path)
	if sc.Format == FormatParquet {
		headers, err := parquetHeader(ctx, conn, path)
		if err != nil {
			return nil, stageStats{}, err
		}
		m, _, err := findHeader(cfg, opt.Kind, base, [][]string{headers})

		if err != nil {
			return nil, stageStats{}, err
		}
		m.HeaderRow = 0
		rep.setMapping(m)
		rep.Staging = "duckdb read_parquet"
		st, err := stageParquet(ctx, conn, path, headers)
		return m, st, err
	}

	var src rowSource
	var err error
	switch sc.Format {
	case FormatCSV:
		dec, enc, derr := csvDecoder(ctx, path, sc, opt.Encoding)
		if derr != nil {
			return nil, stageStats{}, derr
		}
		rep.Encoding = enc
		src, err = openCSV(path, sc, dec, cfg.Ingest.MaxCellChars)
	case FormatXLSX:
		var xs *xlsxSource
		xs, err = openXLSX(path, opt.Sheet, cfg.Ingest.XLSXUnzipLimit, cfg.Ingest.MaxCellChars, opt.tmpDir)
		if err == nil {
			rep.Sheet = xs.Sheet
			src = xs
		}
	case FormatJSONL:
		rep.Encoding = "utf-8"
		src, err = openJSONL(path, cfg.Ingest.MaxLineBytes, cfg.Ingest.MaxCellChars)
	default:
		err = fmt.Errorf("%w: unsupported format %s", ErrFileUnreadable, sc.Format)
	}
	if err != nil {
		return nil, stageStats{}, err
	}
	defer src.Close()

	var head []row
	var heads [][]string
	for len(head) < headerRowsSearched {
		r, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, stageStats{}, err
		}
		r.Cells = append([]string(nil), r.Cells...) // sources may reuse the slice
		head = append(head, r)
		heads = append(heads, r.Cells)
	}
	m, at, err := findHeader(cfg, opt.Kind, base, heads)
	if err != nil {
		if sc.Format == FormatXLSX {
			if verr := verifyWorkbook(path); verr != nil {
				return nil, stageStats{}, verr
			}
		}
		return nil, stageStats{}, err
	}
	m.HeaderRow = head[at].Num
	rep.setMapping(m)
	width := len(m.Headers)

	var compared bool
	// A file with bytes not of its encoding is read row by row, rejecting the rows that hold them.
	badBytes := sc.Format == FormatCSV && sc.Invalid
	digest := opt.fast && sc.Format == FormatCSV && sc.Lines && at == 0 && m.Kind == zhuqi.KindTickets && lineEncoding(rep.Encoding, sc.Delim) && !badBytes
	if sc.UTF8Partial && !(digest && rep.Encoding == "utf-8") {
		return nil, stageStats{}, errRescan
	}
	if digest {
		// Hash the lines and compare them with the current versions first; when most rows
		// are unchanged, stage only the others; when most are new tickets, read those with
		// the fast path (pipeline/fastpath) and stage the others.
		lf := ticketLines(cfg, path, sc, m, rep.Encoding, opt.sizes)
		lc, err := s.compareLines(ctx, conn, lf, cfg.Ingest.BatchRows, !opt.sqlOnly, opt.current, lap, progress)
		if err != nil {
			return nil, stageStats{}, err
		}
		if lc.plan != nil {
			rep.Staging = stagingDirect
			return m, stageStats{Blank: lc.blanks, Compared: true, Plan: lc.plan, Partial: true, RawLater: lc.rawLater, Matched: lc.matched}, nil
		}
		if lc.todo != nil {
			rep.Staging = "arrow, changed rows only"
			rest, parsed := lc.todo, int64(0)
			if !opt.sqlOnly {
				// The rows the fast path reads are parsed in Go, the others staged for SQL.
				if parsed, rest, err = parseChanged(ctx, conn, cfg, lf, m, lc.todo, lc.todoSQL, cfg.Ingest.BatchRows); err != nil {
					return nil, stageStats{}, err
				}
			}
			ls, err := openCSVLines(path, rest, sc.Delim, rep.Encoding, cfg.Ingest.MaxCellChars, opt.sizes.lineWindow)
			if err != nil {
				return nil, stageStats{}, err
			}
			defer ls.Close()
			st, err := stageRows(ctx, conn, ls, width, cfg, nil)
			st.Blank, st.Compared, st.Partial, st.Matched, st.Parsed = lc.blanks, true, true, lc.matched, parsed
			return m, st, err
		}
		compared = true
	}
	if sc.Format == FormatCSV && sc.Simple && at == 0 && rep.Encoding == "utf-8" {
		rep.Staging = "duckdb read_csv"
		st, err := stageCSVFast(ctx, conn, path, sc, width, cfg.Ingest.MaxLineBytes)
		if err == nil {
			st.Compared = compared
			return m, st, nil
		}
		// DuckDB disagreed with the scan about the file's shape: fall back to the exact reader.
		rep.Notes = append(rep.Notes, fmt.Sprintf("DuckDB's CSV reader refused the file (%v); read row by row instead", firstLine(err)))
	}
	rep.Staging = "arrow"
	src = &replaySource{rows: head[at+1:], rowSource: src}
	st, err := stageRows(ctx, conn, src, width, cfg, progress)
	st.Compared = compared
	return m, st, err
}

// replaySource yields rows already read, then the rest of its source.
type replaySource struct {
	rows []row
	rowSource
}

func (r *replaySource) Next() (row, error) {
	if len(r.rows) > 0 {
		x := r.rows[0]
		r.rows = r.rows[1:]
		return x, nil
	}
	return r.rowSource.Next()
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// stagingDirect is Report.Staging when new tickets are read in Go (pipeline/fastpath).
const stagingDirect = "arrow: new tickets parsed in Go, other rows in SQL"

// write commits the file's rejects, warnings, rows and ledger entry (of kind m.Kind) in
// one transaction.
// before, if not nil, runs first in the transaction and says whether it left rows in
// normTable (else none were staged: the fast path stored them all). When stats.RawLater,
// no ticket of the rows in normTable has a current version (a first load: see
// lineCompare.rawLater).
func (r *run) write(ctx context.Context, before func(*sql.Tx, int64) (bool, error)) error {
	s, conn, cfg, m, rep, started, mark, noCurrent := r.s, r.conn, r.cfg, r.m, r.rep, r.started, r.mark, r.stats.RawLater
	kind := m.Kind
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	exec := func(step, q string) error {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", step, err)
		}
		rep.step(step, s.Now(), &mark)
		if s.failpoint != nil {
			return s.failpoint(step)
		}
		return nil
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT nextval('ingest_seq')`).Scan(&id); err != nil {
		return err
	}
	rep.IngestID = id
	staged := true
	if before != nil {
		if staged, err = before(tx, id); err != nil {
			return err
		}
		if s.failpoint != nil {
			if err := s.failpoint("new tickets"); err != nil {
				return err
			}
		}
		mark = s.Now()
	}
	asOf := asOfSQL(rep.AsOf)
	if staged {
		if err := writeRejects(kind, m, id, sqlString(rep.File), exec); err != nil {
			return err
		}
	}
	cols := columnNames(kind)
	if kind == zhuqi.KindTickets {
		loaded := ""
		if staged {
			loaded = "zq_loaded"
		}
		cal, err := WorkCalendar(ctx, tx, cfg, loaded)
		if err != nil {
			return err
		}
		if err := cal.buildCalk(ctx, tx); err != nil {
			return err
		}
		rep.Versions = rep.Direct
		if staged {
			data := versionsData(cal, id, asOf)
			data["NoCurrent"] = noCurrent
			versions, err := writeVersions(ctx, tx, data, exec, r.opt.sizes.insertRows)
			if err != nil {
				return err
			}
			rep.Versions += versions
		}
		refresh, err := cal.timingSQL("timing_refresh", fmt.Sprint(id))
		if err != nil {
			return err
		}
		if err := exec("timing", refresh); err != nil {
			return err
		}
	} else {
		c := strings.Join(cols, ", ")
		if err := exec("rows", fmt.Sprintf(`INSERT INTO %s (ingest_id, row_number, %s, extra) SELECT %d, _row, %s, extra FROM zq_loaded`,
			factTables[kind], strings.Join(cols[:len(cols)-1], ", ")+", "+cols[len(cols)-1], id, c)); err != nil {
			return err
		}
	}
	if err := s.summarise(ctx, tx, rep, staged); err != nil {
		return err
	}
	rep.Duration = s.Now().Sub(started)
	js, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, rep.File, rep.SHA256, rep.Kind, rep.Format, nullString(rep.Encoding), nullString(rep.Sheet),
		rep.AsOf.Format("2006-01-02 15:04:05.999999"), rep.AsOfSource, rep.Read, rep.Loaded, rep.Rejected, rep.Versions,
		rep.WarningCount(), string(js), cfg.Version, started.Format("2006-01-02 15:04:05.999999"), s.Now().Format("2006-01-02 15:04:05.999999")); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if s.failpoint != nil {
		if err := s.failpoint("ledger"); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// writeRejects defines zq_loaded, the rows of normTable that load, and stores the
// rejects and warnings of ingest id of file (SQL) from normTable.
func writeRejects(kind zhuqi.Kind, m *mapping, id int64, file string, exec func(step, q string) error) error {
	// zq_loaded is a view, not another copy of the file's rows.
	if err := exec("loaded", fmt.Sprintf(`CREATE OR REPLACE TEMP VIEW zq_loaded AS
SELECT n.* FROM %s n %s
WHERE n.problem IS NULL AND (d.first_row IS NULL OR n._row = d.first_row)`, normTable, dupJoin(kind))); err != nil {
		return err
	}
	if err := exec("rejects", fmt.Sprintf(`INSERT INTO rejects
SELECT %d, %s, n._row,
  coalesce(n.problem, 'duplicate_id'),
  concat_ws('；', nullif(n.reject_reason, ''),
    CASE WHEN d.first_row IS NOT NULL AND n._row <> d.first_row
         THEN %s || '与本文件第' || d.first_row || '行重复，本行未导入：如为不同记录，请更正后重新导入；如为重复登记，请删除本行 (repeated inside the file; the first occurrence was kept)' END),
  %s
FROM %s n %s JOIN %s s ON s._row = n._row
WHERE n.problem IS NOT NULL OR (d.first_row IS NOT NULL AND n._row <> d.first_row)`,
		id, file, keyLabelSQL(kind), rawSQL(m, len(m.Headers)), normTable, dupJoin(kind), stageTable)); err != nil {
		return err
	}
	return exec("warnings", fmt.Sprintf(`INSERT INTO warnings
SELECT %d, %s, _row, w.col, w.value, w.code, w.msg FROM (SELECT _row, unnest(warns) AS w FROM zq_loaded WHERE len(warns) > 0)`, id, file))
}

// writeVersions stores the rows of zq_loaded as ticket versions (sql/tickets_versions.sql
// with data, and zq_calk) and returns how many it added.
func writeVersions(ctx context.Context, tx *sql.Tx, data map[string]any, exec func(step, q string) error, insertRows int64) (int64, error) {
	var b bytes.Buffer
	if err := sqlTemplates.ExecuteTemplate(&b, "tickets_versions.sql", data); err != nil {
		return 0, err
	}
	for _, stmt := range store.SplitSQL(b.String()) {
		if err := exec("versions", stmt); err != nil {
			return 0, err
		}
	}
	var last, versions int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(count_if(is_new), 0), coalesce(max(_row) FILTER (is_new), 0) FROM zq_changed`).Scan(&versions, &last); err != nil {
		return 0, err
	}
	step := insertRows
	if versions <= insertRows {
		step = last // few new versions among many rows: one statement
	}
	for lo := int64(0); lo < last; lo += step {
		data["Lo"], data["Hi"] = lo, lo+step
		b.Reset()
		if err := sqlTemplates.ExecuteTemplate(&b, "tickets_insert", data); err != nil {
			return 0, err
		}
		if err := exec("versions", b.String()); err != nil {
			return 0, err
		}
	}
	var late bool
	if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM zq_changed WHERE is_new AND NOT becomes_current`).Scan(&late); err != nil || !late {
		return versions, err
	}
	b.Reset()
	if err := sqlTemplates.ExecuteTemplate(&b, "tickets_late", data); err != nil {
		return 0, err
	}
	return versions, exec("versions", b.String())
}

// versionsData is the template data of sql/tickets_versions.sql for ingest id of a
// snapshot as of asOf (SQL), with calendar cal.
func versionsData(cal *Calendar, id int64, asOf string) map[string]any {
	cols := columnNames(zhuqi.KindTickets)
	data := cal.timingData(fmt.Sprint(id))
	data["Cols"], data["ColsNoID"] = strings.Join(cols, ", ")+", extra", strings.Join(cols[1:], ", ")+", extra"
	data["AsOf"], data["IngestID"] = asOf, id
	data["ColsN"] = "n." + strings.Join(cols, ", n.") + ", n.extra"
	data["ColsNoIDN"] = "n." + strings.Join(cols[1:], ", n.") + ", n.extra"
	return data
}

func asOfSQL(t time.Time) string {
	return fmt.Sprintf("TIMESTAMP '%s'", t.Format("2006-01-02 15:04:05.999999"))
}

// cfgPrint fingerprints, for raw row hashes, the settings that change how a row is read
// and normalised (a webhook added under [jobs] must not make every row new).
func cfgPrint(cfg *zhuqi.Config) string {
	b, err := cfg.ReadingTOML()
	if err != nil {
		return "unencodable"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func keyLabelSQL(kind zhuqi.Kind) string {
	if kind == zhuqi.KindTickets {
		return "'诉求编号「' || n.ticket_id || '」'"
	}
	var parts []string
	for _, k := range zhuqi.Key(kind) {
		parts = append(parts, fmt.Sprintf("coalesce(CAST(n.%s AS VARCHAR), '')", k))
	}
	return "'「' || concat_ws(' / ', " + strings.Join(parts, ", ") + ") || '」'"
}

func columnNames(kind zhuqi.Kind) []string {
	var out []string
	for _, c := range zhuqi.Columns(kind) {
		out = append(out, c.Name)
	}
	return out
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dropTemps removes the temporary tables of one ingest from a pooled connection.
func dropTemps(conn *sql.Conn) {
	for _, v := range []string{stageTable, todoView, "zq_loaded", "zq_arrow"} {
		conn.ExecContext(context.Background(), "DROP VIEW IF EXISTS "+v)
	}
	for _, t := range []string{stageTable, stageTable + "_raw", normTable, dupTable, rawTable, skipTable, "zq_changed", "zq_calk"} {
		conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+t)
	}
}
