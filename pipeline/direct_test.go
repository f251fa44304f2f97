package pipeline

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline/fastpath"
	"github.com/zhuqi/zhuqi/sample"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// edgeCells are cells in forms the direct path must read exactly as SQL does, or leave
// to SQL: by canonical column, values put into generated rows one at a time.
var edgeCells = map[string][]string{
	"created_at": {"2024-02-29 10:00", "2023-02-29 10:00", "2026-10-03", "2026-10-03 24:00", "2026-13-01", "2026-10-03 09:60",
		"2026-10-03 23:59:59", "2026-10-03T10:00:00", "2026/10/3 14:05", "2026年10月3日", "1999-12-31 10:00", "2040-01-01 00:00",
		"2039-12-31 23:59:59", "2000-01-01 00:00", " 2026-10-03 10:00", "2026-10-03 10:00\u3000", "46000", "2026-10-03 10:00:00.5",
		"2026/1/3 8:05", "2026-1-3", "2026/10/03 14:05:09", "2026-10-3 9:05:07", "2026/2/29 10:00", "2026/10/3 14:5"},
	"resolved_at": {"2026-10-03", "2020-01-01 00:00", "", "2026-10-03 10:00+08:00"},
	"amount": {"0.5", "-3", "12345678901234.1234", "123456789012345", "1.23456", "1,234.5", ".5", "5.", "+5", "007", "-0", "0.0000", "１２", "1e3",
		"593.1x", "约50", "12元", "1，234", "1,2x", "0x10", "1_000", "inf", "1 000", "--1", "1e"},
	"credit_code":  {"91370700ma3c8h1p2x", creditCode("91370700MA3C8H1P2"), "91370700MA3C8H1P2X", "913707OOMA3C8H1P2X", "x"},
	"status":       {"已办结", "resolved", "RESOLVED", "已 办结", "ＲＥＳＯＬＶＥＤ", "已销号", "未知状态", ""},
	"on_site":      {"是", "Y", "y", "YES", "1", "0", "", "否", "maybe"},
	"satisfaction": {"满意", "", "非常好"},
	"level":        {"", "重大", "major", "Major"},
	"category":     {"融资", "知识产权", "", "用地"},
	"enterprise":   {"", "\"引号\"企业", "企业,有逗号", "  企业  "},
	"ticket_id":    {"", "ID WITH SPACE", "\u00a0NB\u00a0"},
}

// TestDirect_SameAsSQL: rows the Go parser reads are stored exactly as SQL would store
// them (values, row hash, raw hash, timing); the rows it leaves to SQL get the same rejects
// and warnings. Three stores ingest the same snapshots (a first load, the next day with
// changed rows, repeated ids and bad rows): one with the fast paths on, one with the
// direct parser off (the line digest still on), one with [ingest] fast_path = false.
func TestDirect_SameAsSQL(t *testing.T) {
	t.Setenv(fastPathEnv, "") // the configuration decides, whatever the run's mode
	t.Run("default configuration", func(t *testing.T) { sameAsSQL(t, zhuqi.Default(), false, true) })
	t.Run("GB18030 files", func(t *testing.T) { sameAsSQL(t, zhuqi.Default(), true, true) })
	// A first load whose every row is read in Go leaves nothing to SQL, which then does not
	// run (write's staged).
	t.Run("every row read in Go", func(t *testing.T) { sameAsSQL(t, zhuqi.Default(), false, false) })
	t.Run("office configuration", func(t *testing.T) {
		// An office's own label and defaults for empty cells.
		cfg := zhuqi.Default()
		for i, v := range cfg.Enums["status"] {
			if v.Value == "resolved" {
				cfg.Enums["status"][i].Labels = append(v.Labels, "办毕")
			}
		}
		cfg.EnumEmpty["on_site"], cfg.EnumEmpty["satisfaction"] = "true", "basic"
		sameAsSQL(t, cfg, false, true)
	})
}

// sameAsSQL compares the two paths under cfg; gb18030 writes the files in GB18030 (what
// "GBK" exports are read as); edges puts the edge cells into the files.
func sameAsSQL(t *testing.T, cfg *zhuqi.Config, gb18030, edges bool) {
	dir := t.TempDir()
	sum, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: 5000, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range sum.Files {
		if f.Kind == "tickets" && f.Format == "csv" {
			files = append(files, f.Path)
		}
	}
	if len(files) < 2 {
		t.Fatalf("generated %d ticket CSVs, want 2 snapshots", len(files))
	}
	// Every snapshot gets a column Zhuqi does not know (kept in extra as JSON), and every
	// edge cell, each in its own row: in odd rows in the first, in even rows in the second
	// (where both are changed rows of tickets the first stored, read in Go by parseChanged
	// or in SQL).
	for i := range files {
		if edges {
			files[i] = withEdgeCells(t, files[i], i+1)
		}
		if gb18030 {
			data, err := os.ReadFile(files[i])
			if err != nil {
				t.Fatal(err)
			}
			if data, err = simplifiedchinese.GB18030.NewEncoder().Bytes(data); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(files[i], data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	off := *cfg
	off.Ingest.FastPath = new(bool)
	var repeated int64
	direct, viaSQL, slow := MustOpenStore(t), MustOpenStore(t), MustOpenStore(t)
	for i, f := range files {
		repD, err := direct.Ingest(context.Background(), cfg, f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		repS, err := viaSQL.Ingest(context.Background(), cfg, f, Options{sqlOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		repO, err := slow.Ingest(context.Background(), &off, f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		noFastPath(t, repO, fmt.Sprintf("fast_path = false, snapshot %d", i+1))
		if repD.Read != repO.Read || repD.Loaded != repO.Loaded || repD.Rejected != repO.Rejected || repD.Versions != repO.Versions || repD.Unchanged != repO.Unchanged || repD.Blank != repO.Blank {
			t.Errorf("snapshot %d: fast path read %d loaded %d rejected %d versions %d unchanged %d blank %d; off %d %d %d %d %d %d", i+1,
				repD.Read, repD.Loaded, repD.Rejected, repD.Versions, repD.Unchanged, repD.Blank,
				repO.Read, repO.Loaded, repO.Rejected, repO.Versions, repO.Unchanged, repO.Blank)
		}
		repeated += rejected(repO, "duplicate_id")
		if edges && rejected(repO, "bad_timestamp") == 0 {
			t.Errorf("snapshot %d: rejects %v; want the edge cells' bad timestamps", i+1, repO.Rejects)
		}
		if i > 0 && repO.Unchanged == 0 {
			t.Errorf("snapshot %d: no unchanged rows; want the next day's snapshot to repeat most tickets", i+1)
		}
		// raw_hash is how the row was read (schema/0007): a line's CRCs on the fast path, a
		// hash of its cells in SQL. Switching the fast path between snapshots mends it
		// (TestFastPath_Switched); every other column must be the same.
		sameTablesExcept(t, direct, slow, fmt.Sprintf("fast path on and off, snapshot %d", i+1), edges, "raw_hash")
		if i == 0 && edges && (repD.Direct < 1000 || repD.Direct == repD.Loaded) {
			t.Errorf("snapshot 1: %d rows read in Go of %d loaded; want most, not all (the edge rows go to SQL)", repD.Direct, repD.Loaded)
		}
		if i == 0 && !edges && (repD.Direct != repD.Read || repD.Staging != stagingDirect || steps(repD, "normalise") > 0) {
			t.Errorf("snapshot 1: %d rows read in Go of %d, staging %s, steps %v; want all, in Go, without normalising", repD.Direct, repD.Read, repD.Staging, repD.Steps)
		}
		if gb18030 && repD.Encoding != "gb18030" {
			t.Fatalf("encoding %s, want gb18030", repD.Encoding)
		}
		if i == 1 && repD.Staging != "arrow, changed rows only" {
			t.Errorf("snapshot 2: staging %s, want only the changed rows staged", repD.Staging)
		}
		if repS.Direct != 0 {
			t.Errorf("direct path off, yet %d rows read in Go", repS.Direct)
		}
		if repD.Read != repS.Read || repD.Loaded != repS.Loaded || repD.Rejected != repS.Rejected || repD.Versions != repS.Versions || repD.Unchanged != repS.Unchanged || repD.Blank != repS.Blank {
			t.Errorf("snapshot %d: direct read %d loaded %d rejected %d versions %d unchanged %d blank %d; SQL %d %d %d %d %d %d", i+1,
				repD.Read, repD.Loaded, repD.Rejected, repD.Versions, repD.Unchanged, repD.Blank,
				repS.Read, repS.Loaded, repS.Rejected, repS.Versions, repS.Unchanged, repS.Blank)
		}
		// After each snapshot: the second's ingest would mend what the first left out.
		sameTables(t, direct, viaSQL, fmt.Sprintf("snapshot %d", i+1), edges)
	}
	if edges && repeated == 0 {
		t.Errorf("no row rejected as a repeated id; want the edge rows' repeated ids rejected")
	}
}

// sameTables compares what the direct path (direct) and SQL (viaSQL) stored; edges says
// that there are rejects and warnings.
func sameTables(t *testing.T, direct, viaSQL *target, what string, edges bool) {
	t.Helper()
	sameTablesExcept(t, direct, viaSQL, what, edges)
}

// sameTablesExcept is sameTables without the columns except of ticket_versions (and
// without the ledger's rows_unchanged when except names it).
func sameTablesExcept(t *testing.T, direct, viaSQL *target, what string, edges bool, except ...string) {
	t.Helper()
	ledger := "SELECT ingest_id, rows_read, rows_loaded, rows_rejected, versions_added, warnings, report->'rejects', report->'warnings', report->'rows_unchanged' FROM ingests"
	if slices.Contains(except, "rows_unchanged") {
		ledger = strings.Replace(ledger, ", report->'rows_unchanged'", "", 1)
		except = slices.DeleteFunc(slices.Clone(except), func(c string) bool { return c == "rows_unchanged" })
	}
	for _, c := range []struct {
		q    string
		rows bool // rows expected
	}{
		{"SELECT * EXCLUDE (" + strings.Join(append([]string{"extra"}, except...), ", ") + "), extra::VARCHAR FROM ticket_versions", true},
		{"SELECT * EXCLUDE (raw), raw::VARCHAR FROM rejects", edges},
		{"SELECT * FROM warnings", edges},
		{ledger, true},
		{"SELECT * FROM derived_state", true},
	} {
		a, b := tableLines(t, direct, c.q), tableLines(t, viaSQL, c.q)
		if len(a) == 0 && c.rows {
			t.Errorf("%s: %s: no rows", what, c.q)
		}
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("%s: %s: the direct path and SQL differ:\n%s", what, c.q, diffLines(a, b))
		}
	}
}

// noFastPath fails t unless rep is of an ingest that used no Go fast path: no line
// digest, no row parsed in Go.
func noFastPath(t *testing.T, rep *Report, what string) {
	t.Helper()
	if rep.Direct != 0 || rep.unchangedInGo != 0 || strings.Contains(rep.Staging, "Go") || strings.Contains(rep.Staging, "changed rows only") ||
		steps(rep, "digest")+steps(rep, "compare")+steps(rep, "plan")+steps(rep, "new tickets") > 0 {
		t.Errorf("%s: %d rows read in Go, %d found unchanged in Go, staging %q, steps %v; want no fast path", what, rep.Direct, rep.unchangedInGo, rep.Staging, rep.Steps)
	}
}

// rejected is how many rows rep rejected with code.
func rejected(rep *Report, code string) int64 {
	for _, c := range rep.Rejects {
		if c.Code == code {
			return c.Count
		}
	}
	return 0
}

// steps counts the steps of rep named name.
func steps(rep *Report, name string) int {
	n := 0
	for _, s := range rep.Steps {
		if s.Name == name {
			n++
		}
	}
	return n
}

// notes are cells of a column Zhuqi does not know, written into extra as JSON.
var notes = []string{"", "重点企业", `含"引号"`, `反斜杠\`, "制表\t符", " 前后空格 ", "控制\x01\x08\x0c\x1f字符", "é/ü", "{\"json\": 1}", "\x7f\u2028\u2029<>&'"}

// withEdgeCells rewrites the CSV at path with a column 备注 of notes, and with the cells
// of edgeCells put into every other row from data row first, and with ids repeated.
func withEdgeCells(t *testing.T, path string, first int) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	cfg := zhuqi.Default()
	for i, h := range recs[0] { // the generator writes the first alias of each column
		for name, aliases := range cfg.Aliases[string(zhuqi.KindTickets)] {
			for _, a := range aliases {
				if a == h {
					col[name] = i
				}
			}
		}
	}
	names := make([]string, 0, len(edgeCells))
	for name := range edgeCells {
		names = append(names, name)
	}
	sort.Strings(names)
	recs[0] = append(recs[0], "备注")
	for i := 1; i < len(recs); i++ {
		recs[i] = append(recs[i], notes[i%len(notes)])
	}
	r := first
	for _, name := range names {
		cells := edgeCells[name]
		i, ok := col[name]
		if !ok {
			t.Fatalf("generated header has no column %s", name)
		}
		for _, c := range cells {
			recs[r][i] = c
			r += 2
		}
	}
	withRuleEdges(t, recs, col, r)
	// Ids repeated inside the file: the last rows repeat the ids of earlier ones.
	id := col["ticket_id"]
	for k := 1; k <= 3; k++ {
		recs[len(recs)-k][id] = recs[300+first+k][id]
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(recs)
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// tableLines is every row of q as text, sorted.
func tableLines(t *testing.T, s *target, q string) []string {
	t.Helper()
	return queryStrings(t, s, "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ("+q+") ORDER BY ALL")
}

func diffLines(a, b []string) string {
	in := func(xs []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, x := range a {
		if !mb[x] && len(out) < 10 {
			out = append(out, "direct only: "+x)
		}
	}
	for _, x := range b {
		if !ma[x] && len(out) < 20 {
			out = append(out, "SQL only:    "+x)
		}
	}
	return strings.Join(out, "\n")
}

// TestDirect_Cancelled: cancelling an ingest while new tickets stream into DuckDB ends it
// with the context's error and leaves the database as it was.
func TestDirect_Cancelled(t *testing.T) {
	var rows [][]string
	for i := 0; i < 200; i++ {
		rows = append(rows, []string{fmt.Sprintf("C%03d", i), "潍坊华星机械有限公司", "奎文区", "用地", "2026-10-03 14:05", "", "办理中", "", ""})
	}
	path := writeFile(t, t.TempDir(), "tickets_2026-10-31.csv", csvBytes(t, snapHeader, rows))
	t.Setenv(fastPathEnv, "on") // a test of the direct path
	s := MustOpenStore(t)
	before := fingerprint(t, s)
	cfg := zhuqi.Default()
	cfg.Ingest.BatchRows = 10
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	writes := 0
	_, err := s.Ingest(ctx, cfg, path, Options{Progress: func(p Progress) {
		// After the digest, "write" starts the transaction; then every batch of new tickets
		// written reports "write" again.
		if p.Step == "write" {
			if writes++; writes == 2 {
				cancel()
			}
		}
	}})
	if writes < 2 {
		t.Fatal("no batch of new tickets was written: the direct path did not run")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := fingerprint(t, s); got != before {
		t.Errorf("database changed:\n%s\n%s", before, got)
	}
}

// TestNotDecimal: a cell notDecimal calls no number is one zq_dec reads as NULL (asked of
// DuckDB), and the direct parser of changed rows loads it empty for SQL's warning; cells
// the cast may read in some form are not called so.
func TestNotDecimal(t *testing.T) {
	s := MustOpenStore(t)
	ctx := context.Background()
	cfg := zhuqi.Default()
	header := []string{"诉求编号", "企业名称", "县市区", "诉求类别", "提报时间", "办理状态", "涉及金额(万元)"}
	m, _, err := findHeader(cfg, zhuqi.KindTickets, "t.csv", [][]string{header})
	if err != nil {
		t.Fatal(err)
	}
	// noNumber reports whether the fast path loads amount c empty, for SQL's warning.
	noNumber := func(c string) bool {
		r := fastpath.New(cfg, layout(m, ',', 4, true))
		if !r.Parse([]byte("WF-1,华星机械,奎文区,用地,2026-10-03 14:05,办理中,\""+c+"\""), 2, 0) {
			return false
		}
		rec := r.Record()
		defer rec.Release()
		return !rec.Column(int(rec.NumCols()) - 1).IsNull(0)
	}
	cells := []string{"593.1x", "约50", "12元", "1，234x", "１２", "0x10", "0b1", "inf", "NaN", "$5", "5%", "(5)", "½", "1d", "一千",
		"1e3", "1 000", "1E-2", "+5", ".5", "5.", "1_000", "1,234.5", "1，234", "--1", "1e", "e1", "5-", "99999999999999999", "1.23456", "\t1"}
	var no int
	err = s.WithConn(ctx, func(conn *sql.Conn) error {
		if err := createMacros(ctx, conn, cfg); err != nil {
			return err
		}
		for _, c := range cells {
			var null bool
			if err := conn.QueryRowContext(ctx, "SELECT zq_dec(?) IS NULL", c).Scan(&null); err != nil {
				return err
			}
			if noNumber(c) {
				no++
				if !null {
					t.Errorf("the fast path calls %q no number, yet zq_dec reads one", c)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if no != 15 {
		t.Errorf("%d cells called no number, want the first 15", no)
	}

	for _, c := range []struct {
		amount      string
		plain, warn bool   // read by a parser without badAmount, and with
		bad         string // the cell for the warning
	}{{"12.5", true, true, ""}, {"593.1x", false, true, "593.1x"}, {"1e3", false, false, ""}, {"", true, true, ""}} {
		for _, warn := range []bool{false, true} {
			r := fastpath.New(cfg, layout(m, ',', 4, warn))
			line := "WF-1,华星机械,奎文区,用地,2026-10-03 14:05,办理中," + c.amount
			want := c.plain
			if warn {
				want = c.warn
			}
			if got := r.Parse([]byte(line), 2, 0); got != want {
				t.Errorf("amount %q, badAmount %v: parsed %v, want %v", c.amount, warn, got, want)
			}
			if !warn || !want {
				continue
			}
			rec := r.Record()
			col := rec.Column(int(rec.NumCols()) - 1).(*array.String)
			if got := col.Value(0); col.IsNull(0) && c.bad != "" || got != c.bad {
				t.Errorf("amount %q: bad cell %q, want %q", c.amount, got, c.bad)
			}
			rec.Release()
		}
	}
}
