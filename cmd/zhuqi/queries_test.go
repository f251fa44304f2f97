package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zhuqi/zhuqi/sample"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var (
	sampleOnce sync.Once
	sampleDB   string
	sampleErr  error
)

// sampleDatabase is a database of 3,000 generated tickets in two snapshots plus the
// facts, built once per test binary, the way `zhuqi demo` builds its own.
func sampleDatabase(t testing.TB) string {
	t.Helper()
	sampleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zhuqi-sample-")
		if err != nil {
			sampleErr = err
			return
		}
		sum, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: 3000, Variants: []string{}})
		if err != nil {
			sampleErr = err
			return
		}
		sampleDB = filepath.Join(dir, "zhuqi.duckdb")
		for _, f := range sum.Files {
			// Ticket exports take their snapshot time from the date in their names.
			args := []string{"ingest", "--db", sampleDB, "--kind", f.Kind}
			if f.Kind != "tickets" {
				args = append(args, "--as-of", "2026-11-01 08:00")
			}
			var m Main
			m.Stdout, m.Stderr, m.Getenv = new(strings.Builder), new(strings.Builder), func(string) string { return "" }
			if err := m.Run(context.Background(), append(args, f.Path)); err != nil {
				sampleErr = err
				return
			}
		}
	})
	if sampleErr != nil {
		t.Fatal(sampleErr)
	}
	return sampleDB
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test -tags duckdb_arrow ./cmd/zhuqi -run %s -update`)", err, t.Name())
	}
	if got != string(want) {
		os.WriteFile(path+".FAIL", []byte(got), 0o644)
		t.Errorf("output differs from %s; see %s.FAIL", path, path)
	}
}

func TestQueryCommands_Golden(t *testing.T) {
	db := sampleDatabase(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"metrics-2026-10.csv", []string{"metrics", "--period", "2026-10", "--format", "csv"}},
		{"metrics-2026-Q3-region.csv", []string{"metrics", "--period", "2026-Q3", "--by", "region", "--format", "csv"}},
		{"metrics-2026-10-department-category.json", []string{"metrics", "--period", "2026-10", "--by", "department,category", "--format", "json"}},
		{"rank-departments-2026-10.csv", []string{"rank", "departments", "--period", "2026-10", "--format", "csv"}},
		{"rank-regions-2026-10.txt", []string{"rank", "regions", "--period", "2026-10"}},
		{"rank-cadres-2026-W42.csv", []string{"rank", "cadres", "--period", "2026-W42", "--format", "csv"}},
		{"growth-2026-10.csv", []string{"growth", "--period", "2026-10", "--format", "csv"}},
		{"growth-2026-10-summary.txt", []string{"growth", "--period", "2026-10", "--summary"}},
		{"flags.csv", []string{"flags", "--format", "csv"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, append(tc.args, "--db", db)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, tc.name, out)
		})
	}
}

// TestQueryCommands_Formats: tables for people show percentages with one decimal; csv and
// json carry fractions, and the same figures.
func TestQueryCommands_Formats(t *testing.T) {
	db := sampleDatabase(t)
	_, c, _ := run(t, "metrics", "--db", db, "--period", "2026-09", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(c)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]string{}
	for i, h := range recs[0] {
		col[h] = recs[1][i]
	}
	rate, err := strconv.ParseFloat(col["resolution_rate"], 64)
	if err != nil || rate <= 0 || rate >= 1 {
		t.Fatalf("csv resolution_rate = %q, want a fraction", col["resolution_rate"])
	}
	_, j, _ := run(t, "metrics", "--db", db, "--period", "2026-09", "--format", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(j), &rows); err != nil {
		t.Fatal(err)
	}
	if got := rows[0]["resolution_rate"].(float64); got != rate {
		t.Errorf("json resolution_rate %v, csv %v", got, rate)
	}
	_, text, _ := run(t, "metrics", "--db", db, "--period", "2026-09")
	if pct := strconv.FormatFloat(rate*100, 'f', 1, 64) + "%"; !strings.Contains(text, pct) {
		t.Errorf("table lacks %s:\n%s", pct, text)
	}
	// Every §7 column, in order.
	want := "collected,finished,solved,completion_rate,resolution_rate,rated,satisfied,basic,dissatisfied,satisfaction_rate,satisfaction_score,on_site,on_site_rate,assigned_in_time,response_rate,replied_on_time,reply_due,on_time_reply_rate,red,black,reopened,reopen_rate"
	if got := strings.Join(recs[0], ","); !strings.HasPrefix(got, want) {
		t.Errorf("metrics columns = %s\nwant prefix %s", got, want)
	}
}

func TestQueryCommands_Misuse(t *testing.T) {
	db := sampleDatabase(t)
	for _, args := range [][]string{
		{"metrics", "--db", db},
		{"metrics", "--db", db, "--period", "2026-13"},
		{"metrics", "--db", db, "--period", "2026-10", "--by", "colour"},
		{"metrics", "--db", db, "--period", "2026-10", "--format", "xml"},
		{"rank", "--db", db, "--period", "2026-10"},
		{"rank", "towns", "--db", db, "--period", "2026-10"},
		{"growth", "--db", db, "--period", "2026-Q3"},
		{"publish", "--db", db},
	} {
		if code, _, errs := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errs)
		}
	}
	empty := filepath.Join(t.TempDir(), "empty.duckdb")
	run(t, "ingest", "--db", empty, "--kind", "deductions", "/nonexistent.csv")
	if code, _, errs := run(t, "metrics", "--db", empty, "--period", "2026-10"); code != 1 || !strings.Contains(errs, "zhuqi ingest") {
		t.Errorf("metrics on a database without tickets: exit %d, %q", code, errs)
	}
}

func TestPublishCommand(t *testing.T) {
	src := sampleDatabase(t)
	db := filepath.Join(t.TempDir(), "pub.duckdb")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out1, out2 := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if code, _, errs := run(t, "publish", "ranking", "--db", db, "--period", "2026-10", "--out", out1); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, out, errs := run(t, "publish", "ranking", "--db", db, "--period", "2026-10", "--out", out2); code != 0 || !strings.Contains(out, "inputs unchanged") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	for _, name := range []string{"ranking-2026-10-v1.json", "ranking-departments-2026-10-v1.csv", "ranking-regions-2026-10-v1.csv", "ranking-cadres-2026-10-v1.csv"} {
		a, err1 := os.ReadFile(filepath.Join(out1, name))
		b, err2 := os.ReadFile(filepath.Join(out2, name))
		if err1 != nil || err2 != nil || string(a) != string(b) {
			t.Errorf("%s differs between two publications of the same inputs (%v, %v)", name, err1, err2)
		}
	}
	// The published department CSV equals `zhuqi rank departments --format csv`.
	_, rank, _ := run(t, "rank", "departments", "--db", db, "--period", "2026-10", "--format", "csv")
	pub, _ := os.ReadFile(filepath.Join(out1, "ranking-departments-2026-10-v1.csv"))
	if rank != string(pub) {
		t.Errorf("published CSV differs from zhuqi rank:\n%s\n---\n%s", pub, rank)
	}
	_, list, _ := run(t, "publish", "list", "--db", db, "--format", "csv")
	if strings.Count(list, "ranking-2026-10-v") != 1 {
		t.Errorf("publish list:\n%s", list)
	}
}
