package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi/adhoc"
	"github.com/zhuqi/zhuqi/store"
)

// publishedCopy is a copy of the sample database with the 2026-10 rankings published.
func publishedCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	b, err := os.ReadFile(sampleDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "publish", "ranking", "--db", db, "--period", "2026-10", "--out", filepath.Join(dir, "pub")); code != 0 {
		t.Fatalf("publish: exit %d: %s", code, errs)
	}
	return db
}

// firstRow runs query on the database opened read-only by DuckDB itself (zhuqi sql reads
// no files) and returns its first row.
func firstRow(t *testing.T, db, query string) []any {
	t.Helper()
	st, err := store.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	return vals
}

func TestExport_ParquetReadsBackAsTheSource(t *testing.T) {
	db := publishedCopy(t)
	out := filepath.Join(t.TempDir(), "export")
	code, stdout, errs := run(t, "export", "--db", db, "--format", "parquet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(out, "tickets", "month=2026-10")); err != nil {
		t.Fatalf("no Hive partition folder: %v\n%s", err, stdout)
	}
	names, queries := adhoc.ExportQueries()
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			back := fmt.Sprintf("read_parquet('%s/*/*.parquet', hive_partitioning = true, hive_types = {'month': VARCHAR})", filepath.Join(out, name))
			row := firstRow(t, db, fmt.Sprintf(`WITH src AS (%s), back AS (SELECT * FROM %s)
SELECT (SELECT count(*) FROM src) AS src_rows, (SELECT count(*) FROM back) AS back_rows,
    (SELECT count(*) FROM (SELECT * FROM src EXCEPT ALL SELECT * FROM back)) AS only_src,
    (SELECT count(*) FROM (SELECT * FROM back EXCEPT ALL SELECT * FROM src)) AS only_back`, queries[i], back))
			if row[0].(int64) == 0 || row[0] != row[1] || row[2].(int64) != 0 || row[3].(int64) != 0 {
				t.Errorf("source %v rows, read back %v; only in source %v, only read back %v", row[0], row[1], row[2], row[3])
			}
		})
	}
	t.Run("ColumnsAndTypes", func(t *testing.T) {
		// Same names and types, so pandas, Spark and Trino see the columns of the database.
		row := firstRow(t, db, fmt.Sprintf(`SELECT count(*) FROM (
  (SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM tickets))
  EXCEPT
  (SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('%s/*/*.parquet'))))`, filepath.Join(out, "tickets")))
		if n := row[0].(int64); n != 0 {
			t.Errorf("%d columns of tickets differ in the Parquet files", n)
		}
	})
	t.Run("OK_AgainReplaces", func(t *testing.T) {
		if code, _, errs := run(t, "export", "--db", db, "--format", "parquet", "--out", out); code != 0 {
			t.Fatalf("second export: exit %d: %s", code, errs)
		}
		left, _ := filepath.Glob(filepath.Join(out, ".export-*"))
		if len(left) != 0 {
			t.Errorf("temporary folders left: %v", left)
		}
	})
}

func TestExport_CSV(t *testing.T) {
	db := sampleDatabase(t)
	out := filepath.Join(t.TempDir(), "export")
	if code, _, errs := run(t, "export", "--db", db, "--format", "csv", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	row := firstRow(t, db, fmt.Sprintf(`SELECT (SELECT count(*) FROM tickets),
    (SELECT count(*) FROM read_csv('%s/*/*.csv', hive_partitioning = true)),
    (SELECT count(DISTINCT month) FROM read_csv('%s/*/*.csv', hive_partitioning = true, hive_types = {'month': VARCHAR}))`,
		filepath.Join(out, "tickets"), filepath.Join(out, "tickets")))
	if row[0] != row[1] || row[2].(int64) < 2 {
		t.Errorf("tickets %v, read back %v in %v months", row[0], row[1], row[2])
	}
	if code, _, _ := run(t, "export", "--db", db, "--format", "xlsx", "--out", out); code != 2 {
		t.Errorf("--format xlsx: exit %d, want 2", code)
	}
}

// BenchmarkExportParquet times `zhuqi export --format parquet` of a generated database
// and reports the size written: ZHUQI_BENCH=1 on ZHUQI_BENCH_EXPORT_TICKETS tickets
// (default 10M, the database of BenchmarkQueriesMonth), else on 20,000.
func BenchmarkExportParquet(b *testing.B) {
	n := 20000
	if os.Getenv("ZHUQI_BENCH") != "" {
		n = envInt("ZHUQI_BENCH_EXPORT_TICKETS", 10000000)
	}
	db := benchDatabase(b, n)
	out := filepath.Join(b.TempDir(), "export")
	var m Main
	m.Stdout, m.Stderr, m.Getenv = new(strings.Builder), os.Stderr, func(string) string { return "" }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Run(context.Background(), []string{"export", "--db", db, "--format", "parquet", "--out", out}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var size int64
	filepath.WalkDir(out, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	fmt.Printf("\nexport of %d tickets to Parquet: %v per export, %.1f MB\n", n, b.Elapsed()/time.Duration(b.N), float64(size)/1e6)
	b.ReportMetric(float64(size), "bytes")
	b.ReportMetric(float64(n), "tickets")
}
