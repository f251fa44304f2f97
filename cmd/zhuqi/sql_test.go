package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/adhoc"
	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

// readCSV parses CSV output.
func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%v:\n%s", err, s)
	}
	return recs
}

// sameAsCommand checks that the CSV of a macro (full precision) equals the CSV of a
// command: the same header and rows, each macro value written with the command column's
// kind (so a rate is compared to the 6 decimals the command prints).
func sameAsCommand(t *testing.T, macro, command [][]string, cols []tabular.Column) {
	t.Helper()
	if len(macro) < 2 || len(macro) != len(command) {
		t.Fatalf("macro has %d lines, command %d", len(macro), len(command))
	}
	if got, want := strings.Join(macro[0], ","), strings.Join(command[0], ","); got != want {
		t.Fatalf("header\n got %s\nwant %s", got, want)
	}
	for r := 1; r < len(macro); r++ {
		for i, c := range cols {
			got := macro[r][i]
			if f, err := strconv.ParseFloat(got, 64); err == nil && c.Kind != tabular.Text {
				got = tabular.Machine(c.Kind, f)
			}
			if want := command[r][i]; got != want {
				t.Errorf("row %d %s: macro %q (%s), command %q", r, c.Name, got, macro[r][i], want)
			}
		}
	}
}

func TestSQL_MacrosEqualCommands(t *testing.T) {
	db := sampleDatabase(t)
	cases := []struct {
		name, macro string
		command     []string
		cols        []tabular.Column
		dropFirst   bool // metrics_by: the macro's dimension column
	}{
		{"metrics 2026-10", `SELECT * FROM metrics('2026-10')`, []string{"metrics", "--period", "2026-10"}, queries.MetricsTable(nil, nil).Columns, false},
		{"metrics 2026-Q3", `SELECT * FROM metrics('2026-Q3')`, []string{"metrics", "--period", "2026-Q3"}, queries.MetricsTable(nil, nil).Columns, false},
		{"metrics_by region", `SELECT * EXCLUDE (dimension) RENAME (value AS region) FROM metrics_by('2026-10', 'region')`,
			[]string{"metrics", "--period", "2026-10", "--by", "region"}, queries.MetricsTable([]string{"region"}, nil).Columns, false},
		{"metrics_by department", `SELECT * EXCLUDE (dimension) RENAME (value AS department) FROM metrics_by('2026-Q3', 'department')`,
			[]string{"metrics", "--period", "2026-Q3", "--by", "department"}, queries.MetricsTable([]string{"department"}, nil).Columns, false},
		{"metrics_by month", `SELECT * EXCLUDE (dimension) RENAME (value AS month) FROM metrics_by('2026-H2', 'month')`,
			[]string{"metrics", "--period", "2026-H2", "--by", "month"}, queries.MetricsTable([]string{"month"}, nil).Columns, false},
		{"department_ranking", `SELECT * FROM department_ranking('2026-10')`, []string{"rank", "departments", "--period", "2026-10"},
			queries.RankTable(&queries.Ranking{Kind: queries.Departments}).Columns, false},
		{"department_ranking quarter", `SELECT * FROM department_ranking('2026-Q3')`, []string{"rank", "departments", "--period", "2026-Q3"},
			queries.RankTable(&queries.Ranking{Kind: queries.Departments}).Columns, false},
		{"region_ranking", `SELECT * FROM region_ranking('2026-10')`, []string{"rank", "regions", "--period", "2026-10"},
			queries.RankTable(&queries.Ranking{Kind: queries.Regions}).Columns, false},
		{"cadre_ranking month", `SELECT * FROM cadre_ranking('2026-10')`, []string{"rank", "cadres", "--period", "2026-10"},
			queries.RankTable(&queries.Ranking{Kind: queries.Cadres}).Columns, false},
		{"cadre_ranking week", `SELECT * FROM cadre_ranking('2026-W42')`, []string{"rank", "cadres", "--period", "2026-W42"},
			queries.RankTable(&queries.Ranking{Kind: queries.Cadres}).Columns, false},
		{"region_ranking range", `SELECT * FROM region_ranking('2026-09-15..2026-10-14')`, []string{"rank", "regions", "--period", "2026-09-15..2026-10-14"},
			queries.RankTable(&queries.Ranking{Kind: queries.Regions}).Columns, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, macroOut, errs := run(t, "sql", "--db", db, "--format", "csv", "-c", tc.macro)
			if code != 0 {
				t.Fatalf("sql exit %d: %s", code, errs)
			}
			code, cmdOut, errs := run(t, append(tc.command, "--db", db, "--format", "csv")...)
			if code != 0 {
				t.Fatalf("%v exit %d: %s", tc.command, code, errs)
			}
			sameAsCommand(t, readCSV(t, macroOut), readCSV(t, cmdOut), tc.cols)
		})
	}
	t.Run("PersistentMacrosInTheFile", func(t *testing.T) {
		// Written by ingest for the DuckDB CLI: the same numbers without zhuqi's TEMP macros.
		s := &adhoc.Session{Path: db}
		res, err := s.Run(context.Background(), `SELECT collected, solved, resolution_rate FROM main.metrics('2026-10')`)
		if err != nil {
			t.Fatal(err)
		}
		_, cmdOut, _ := run(t, "metrics", "--db", db, "--period", "2026-10", "--format", "csv")
		want := readCSV(t, cmdOut)[1]
		row := res[0].Table.Rows[0]
		got := []string{fmt.Sprint(row[0]), fmt.Sprint(row[1]), tabular.Machine(tabular.Rate, row[2])}
		if strings.Join(got, ",") != strings.Join([]string{want[0], want[2], want[4]}, ",") {
			t.Errorf("persistent metrics %v, command %v", got, want)
		}
	})
	t.Run("Err_BadPeriod", func(t *testing.T) {
		code, _, errs := run(t, "sql", "--db", db, "-c", `SELECT * FROM metrics('2026-13x')`)
		if code != 1 || !strings.Contains(errs, "2026-W42") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

func TestSQL_ReadOnly(t *testing.T) {
	// A copy, so that the shared sample database is not at risk.
	db := filepath.Join(t.TempDir(), "z.duckdb")
	b, err := os.ReadFile(sampleDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, b, 0o644); err != nil {
		t.Fatal(err)
	}
	counts := `SELECT (SELECT count(*) FROM ticket_versions) || '/' || (SELECT count(*) FROM ingests) || '/' || (SELECT count(*) FROM calendar) AS n`
	_, before, _ := run(t, "sql", "--db", db, "--format", "csv", "-c", counts)
	hash := fileHash(t, db)
	for _, stmt := range []string{
		`INSERT INTO ingests SELECT * FROM ingests`,
		`DELETE FROM ticket_versions`,
		`UPDATE ticket_versions SET status = 'closed'`,
		`CREATE TABLE x (a INTEGER)`,
		`DROP VIEW tickets`,
		`CREATE OR REPLACE MACRO metrics(p) AS TABLE SELECT 1`,
		`SELECT 1; DELETE FROM calendar`,
		`CREATE TEMP TABLE t AS SELECT 1 AS a`,
		`VACUUM`,
	} {
		code, _, errs := run(t, "sql", "--db", db, "-c", stmt)
		if code != 1 || !strings.Contains(errs, "zhuqi sql is read-only: use zhuqi ingest to change data") {
			t.Errorf("%s: exit %d, stderr %q", stmt, code, errs)
		}
	}
	_, after, _ := run(t, "sql", "--db", db, "--format", "csv", "-c", counts)
	if before != after || !strings.Contains(before, "/") {
		t.Errorf("counts before %q, after %q", before, after)
	}
	if got := fileHash(t, db); got != hash {
		t.Error("the database file changed")
	}
}

// TestSQL_LockedDown: every escape of issue 20 is refused in one line saying why and
// what to use instead, with the database's SHA-256 unchanged and no file created.
func TestSQL_LockedDown(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	copyFile(t, sampleDatabase(t), db)
	counts := `SELECT (SELECT count(*) FROM ticket_versions) || '/' || (SELECT count(*) FROM ingests) AS n`
	_, before, _ := run(t, "sql", "--db", db, "--format", "csv", "-c", counts)
	hash := fileHash(t, db)
	other := filepath.Join(dir, "other.duckdb")
	for _, tc := range []struct{ stmt, want string }{
		{"COPY (SELECT * FROM tickets) TO '" + filepath.Join(dir, "x.csv") + "'", "`zhuqi export`"},
		{"COPY tickets TO '" + db + "' (FORMAT csv)", "`zhuqi export`"},
		{"COPY ingests FROM '" + filepath.Join(dir, "x.csv") + "'", "`zhuqi ingest`"},
		{"SELECT * FROM read_csv('/etc/passwd')", "`zhuqi ingest`"},
		{"SELECT * FROM read_text('/etc/passwd')", "`zhuqi ingest`"},
		{"SELECT * FROM glob('/etc/*')", "`zhuqi ingest`"},
		{"ATTACH '" + db + "' AS w (READ_WRITE)", "nothing can be attached"},
		{"ATTACH '" + db + "' AS w (READ_WRITE); DETACH w; DELETE FROM w.ingests", "nothing can be attached"},
		{"ATTACH '" + other + "' AS o", "nothing can be attached"},
		{"DETACH z", "nothing can be attached"},
		{"SET enable_external_access = true", "cannot change its settings"},
		{"SET lock_configuration = false", "cannot change its settings"},
		{"RESET threads", "cannot change its settings"},
		{"PRAGMA threads = 1", "cannot change its settings"},
		{"PRAGMA enable_profiling", "PRAGMA is refused"},
		{"CALL checkpoint()", "CALL is refused"},
		{"CHECKPOINT", "CHECKPOINT is refused"},
		{"EXPORT DATABASE '" + filepath.Join(dir, "exp") + "'", "`zhuqi export`"},
		{"INSTALL httpfs", "installs and loads no extensions"},
		{"LOAD httpfs", "installs and loads no extensions"},
		{"DELETE FROM ingests", "zhuqi sql is read-only: use zhuqi ingest to change data"},
		{"SELECT 1; DELETE FROM ticket_versions", "zhuqi sql is read-only: use zhuqi ingest to change data"},
	} {
		code, _, errs := run(t, "sql", "--db", db, "-c", tc.stmt)
		if code != 1 || !strings.Contains(errs, tc.want) || strings.Contains(errs, "\n") {
			t.Errorf("%s: exit %d, stderr %q, want one line with %q", tc.stmt, code, errs, tc.want)
		}
		// The prompt refuses them too.
		var out, errb bytes.Buffer
		sh := &adhoc.Shell{Session: &adhoc.Session{Path: db, Config: zhuqi.Default()}, In: strings.NewReader(tc.stmt + ";\n"), Stdout: &out, Stderr: &errb, Format: "csv"}
		if err := sh.Run(context.Background()); !errors.Is(err, adhoc.ErrStatementsFailed) || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("prompt: %s: %v, stderr %q", tc.stmt, err, errb.String())
		}
	}
	_, after, _ := run(t, "sql", "--db", db, "--format", "csv", "-c", counts)
	if before != after || !strings.Contains(before, "/") {
		t.Errorf("counts before %q, after %q", before, after)
	}
	if got := fileHash(t, db); got != hash {
		t.Error("the database file changed")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files created beside the database: %v", entries)
	}
	// Queries still run, and so do the table macros and DESCRIBE.
	for _, q := range []string{"SELECT count(*) FROM tickets", "FROM metrics('2026-10')", "DESCRIBE tickets", "SHOW TABLES", "EXPLAIN SELECT 1"} {
		if code, out, errs := run(t, "sql", "--db", db, "--format", "csv", "-c", q); code != 0 || strings.Count(out, "\n") < 2 {
			t.Errorf("%s: exit %d, %q %q", q, code, out, errs)
		}
	}
}

func TestSQL_Formats(t *testing.T) {
	db := sampleDatabase(t)
	t.Run("OK_TableAlignsChinese", func(t *testing.T) {
		code, out, errs := run(t, "sql", "--db", db, "-c", `SELECT '奎文区' AS region, 1 AS n UNION ALL SELECT 'ab', 22 ORDER BY n`)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if len(lines) != 4 || tabular.DisplayWidth(lines[2]) != tabular.DisplayWidth(lines[3]) {
			t.Errorf("not aligned:\n%s", out)
		}
	})
	t.Run("OK_JSON", func(t *testing.T) {
		code, out, _ := run(t, "sql", "--db", db, "--format", "json", "-c", `SELECT 1 AS n, 'x' AS s`)
		if code != 0 || strings.TrimSpace(out) != "[\n  {\"n\": 1, \"s\": \"x\"}\n]" {
			t.Errorf("exit %d: %q", code, out)
		}
	})
	t.Run("OK_FileAndParquet", func(t *testing.T) {
		dir := t.TempDir()
		script := filepath.Join(dir, "q.sql")
		os.WriteFile(script, []byte("-- regions\nSELECT region, count(*) AS n\nFROM tickets\nGROUP BY region\nORDER BY region -- by name"), 0o644)
		pq := filepath.Join(dir, "out", "regions.parquet")
		if code, _, errs := run(t, "sql", "--db", db, "-f", script, "--format", "parquet", "--out", pq); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		_, direct, _ := run(t, "sql", "--db", db, "--format", "csv", "-f", script)
		// zhuqi sql reads no file: a DuckDB of the test's own reads the Parquet back.
		back := readParquetCSV(t, pq, "ORDER BY region")
		if direct != back || strings.Count(direct, "\n") < 3 {
			t.Errorf("parquet read back differs:\n%s\nvs\n%s", back, direct)
		}
	})
	t.Run("Err_Misuse", func(t *testing.T) {
		for _, args := range [][]string{
			{"sql", "--db", db, "--format", "parquet", "-c", "SELECT 1"},
			{"sql", "--db", db, "--format", "xml", "-c", "SELECT 1"},
			{"sql", "--db", db, "-c", "SELECT 1", "-f", "x.sql"},
		} {
			if code, _, _ := run(t, args...); code != 2 {
				t.Errorf("%v: exit %d, want 2", args, code)
			}
		}
	})
	t.Run("Err_NoDatabase", func(t *testing.T) {
		code, _, errs := run(t, "sql", "--db", filepath.Join(t.TempDir(), "none.duckdb"), "-c", "SELECT 1")
		if code != 1 || !strings.Contains(errs, "zhuqi ingest") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
}

// readParquetCSV reads a Parquet file with an in-memory DuckDB and writes it as CSV.
func readParquetCSV(t *testing.T, path, order string) string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT * FROM read_parquet('" + path + "') " + order)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(cols)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rec := make([]string, len(vals))
		for i, v := range vals {
			rec[i] = fmt.Sprint(v)
		}
		w.Write(rec)
	}
	w.Flush()
	return b.String()
}

func TestShell_PipedStatements(t *testing.T) {
	db := sampleDatabase(t)
	in := `SELECT 1 AS one; SELECT 2 AS two;
SELECT region,
       count(*) AS n
  FROM tickets
 WHERE region = '奎文区' -- a comment; not the end
 GROUP BY region;
SELECT * FROM no_such_table;
.format csv
SELECT 'a;b' AS "semi;colon"
;
SELECT 42 AS answer`
	var out, errs bytes.Buffer
	sh := &adhoc.Shell{Session: &adhoc.Session{Path: db, Config: zhuqi.Default()}, In: strings.NewReader(in), Stdout: &out, Stderr: &errs, Format: "table"}
	if err := sh.Run(context.Background()); !errors.Is(err, adhoc.ErrStatementsFailed) {
		t.Errorf("Run = %v, want ErrStatementsFailed for the failed statement", err)
	}
	for _, want := range []string{"one\n---\n  1\n", "two\n---\n  2\n", "奎文区", "semi;colon\na;b\n", "answer\n42\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errs.String(), "no_such_table") {
		t.Errorf("stderr lacks the error: %q", errs.String())
	}
}

func TestShell_InterruptCancelsStatementNotSession(t *testing.T) {
	db := sampleDatabase(t)
	sig := make(chan os.Signal, 1)
	s := &adhoc.Session{Path: db, Config: zhuqi.Default(), Started: func(stmt string) {
		if strings.Contains(stmt, "range(") {
			// Ctrl-C once the long query is under way (it would run for minutes).
			go func() { time.Sleep(100 * time.Millisecond); sig <- os.Interrupt }()
		}
	}}
	var out, errs bytes.Buffer
	sh := &adhoc.Shell{Session: s, In: strings.NewReader("SELECT count(*) FROM range(10000000000);\nSELECT 42 AS answer;\n"),
		Stdout: &out, Stderr: &errs, Format: "csv", Interrupts: sig}
	if err := sh.Run(context.Background()); !errors.Is(err, adhoc.ErrStatementsFailed) {
		t.Errorf("Run = %v, want ErrStatementsFailed for the interrupted statement", err)
	}
	if !strings.Contains(errs.String(), "query interrupted") {
		t.Errorf("stderr %q lacks the interruption", errs.String())
	}
	if out.String() != "answer\n42\n" {
		t.Errorf("the session did not go on: %q", out.String())
	}

	t.Run("SessionError", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		s := &adhoc.Session{Path: db, Started: func(string) { cancel() }}
		_, err := s.Run(ctx, "SELECT count(*) FROM range(10000000000)")
		if !errors.Is(err, adhoc.ErrInterrupted) {
			t.Errorf("err = %v, want ErrInterrupted", err)
		}
	})
}
