package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/store"
)

// plainSQL is the month's metrics and rankings written plainly in DuckDB SQL, without the
// working-day calendar: the yardstick for the official queries' cost.
var plainSQL = []struct{ name, sql string }{
	{"metrics by region", `SELECT region, count(*), count(*) FILTER (status IN ('resolved','closed')),
		count(*) FILTER (status IN ('resolved','closed') AND outcome IN ('resolved','unknown')) / count(*),
		count(*) FILTER (satisfaction IN ('satisfied','basic')) / nullif(count(*) FILTER (satisfaction <> 'unrated'), 0),
		count(*) FILTER (coalesce(responded_at, resolved_at) <= created_at + INTERVAL 3 DAY) / count(*)
		FROM tickets WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled' GROUP BY region`},
	{"metrics by department", `SELECT department, count(*), count(*) FILTER (status IN ('resolved','closed')),
		count(*) FILTER (status IN ('resolved','closed') AND outcome IN ('resolved','unknown')) / count(*),
		count(*) FILTER (satisfaction IN ('satisfied','basic')) / nullif(count(*) FILTER (satisfaction <> 'unrated'), 0),
		count(*) FILTER (coalesce(responded_at, resolved_at) <= created_at + INTERVAL 3 DAY) / count(*)
		FROM tickets WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled' GROUP BY department`},
	{"rank departments", `SELECT department, rank() OVER (ORDER BY s DESC) FROM (
		SELECT department, 25 * count(*) FILTER (coalesce(responded_at, resolved_at) <= created_at + INTERVAL 3 DAY) / count(*)
		  + 25 * count(*) FILTER (status IN ('resolved','closed')) / count(*)
		  + 30 * avg(CASE satisfaction WHEN 'satisfied' THEN 1 WHEN 'basic' THEN 0.8 WHEN 'dissatisfied' THEN 0 END) + 20 AS s
		FROM tickets WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled' AND department IS NOT NULL
		GROUP BY department HAVING count(*) >= 5)`},
	{"rank regions", `SELECT region, rank() OVER (ORDER BY s DESC) FROM (
		SELECT region, 100 * (0.1 * count(*) FILTER (coalesce(assigned_at, responded_at) <= created_at + INTERVAL 1 DAY) / count(*)
		  + 0.45 * count(*) FILTER (status IN ('resolved','closed') AND outcome IN ('resolved','unknown')) / count(*)
		  + 0.45 * count(*) FILTER (satisfaction IN ('satisfied','basic')) / nullif(count(*) FILTER (satisfaction <> 'unrated'), 0)) AS s
		FROM tickets WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled' GROUP BY region HAVING count(*) >= 5)`},
	{"rank cadres", `SELECT cadre, rank() OVER (ORDER BY s DESC) FROM (
		SELECT cadre, 60 * count(*) FILTER (outcome IN ('resolved','unknown') AND status IN ('resolved','closed'))
		  / max(count(*) FILTER (outcome IN ('resolved','unknown') AND status IN ('resolved','closed'))) OVER ()
		  + 40 * avg(CASE satisfaction WHEN 'satisfied' THEN 1 WHEN 'basic' THEN 0.8 WHEN 'dissatisfied' THEN 0 END) AS s
		FROM tickets WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled' AND cadre IS NOT NULL GROUP BY cadre)`},
}

// BenchmarkQueriesMonth times one month's metrics by region and by department and the
// three rankings (each with its previous period) through the queries package, next to
// the same questions written plainly in SQL, on a database of ZHUQI_BENCH_QUERY_TICKETS
// generated tickets (default 10M; built once under testdata/bench/).
func BenchmarkQueriesMonth(b *testing.B) {
	if os.Getenv("ZHUQI_BENCH") == "" {
		b.Skip("set ZHUQI_BENCH=1 (make bench) for the whole-run benchmark")
	}
	n := envInt("ZHUQI_BENCH_QUERY_TICKETS", 10000000)
	db := benchDatabase(b, n)
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var rows int64
	st.DB.QueryRow(`SELECT count(*) FROM tickets`).Scan(&rows)
	cfg := zhuqi.Default()
	runZhuqi := func(st *store.Store) time.Duration {
		start := time.Now()
		q, err := queries.Open(ctx, st, cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer q.Close()
		p, _ := q.Period("2026-10")
		steps := []func() error{
			func() error { _, err := q.Metrics(ctx, p, []string{"region"}); return err },
			func() error { _, err := q.Metrics(ctx, p, []string{"department"}); return err },
			func() error { _, err := q.Rank(ctx, queries.Departments, p); return err },
			func() error { _, err := q.Rank(ctx, queries.Regions, p); return err },
			func() error { _, err := q.Rank(ctx, queries.Cadres, p); return err },
		}
		for _, s := range steps {
			if err := s(); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	runPlain := func(st *store.Store) time.Duration {
		start := time.Now()
		for _, s := range plainSQL {
			for _, m := range [][2]string{{"2026-10-01", "2026-11-01"}, {"2026-09-01", "2026-10-01"}} {
				r, err := st.DB.QueryContext(ctx, s.sql, m[0], m[1])
				if err != nil {
					b.Fatalf("%s: %v", s.name, err)
				}
				for r.Next() {
				}
				r.Close()
			}
		}
		return time.Since(start)
	}
	// A first run on a freshly opened database reads the columns from the file into
	// DuckDB's buffers: each side's is reported apart, on its own fresh opening. The runs
	// compared are warm, zhuqi's and plain SQL's alike, three of each per iteration,
	// alternating.
	fresh := func(run func(*store.Store) time.Duration) time.Duration {
		st, err := store.OpenReadOnly(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		return run(st)
	}
	coldZ, coldP := fresh(runZhuqi), fresh(runPlain)
	runZhuqi(st)
	runPlain(st)
	b.ResetTimer()
	var zq, plain []time.Duration
	for i := 0; i < b.N; i++ {
		for j := 0; j < 3; j++ {
			zq = append(zq, runZhuqi(st))
			plain = append(plain, runPlain(st))
		}
	}
	b.StopTimer()
	fmt.Printf("\nmonth queries on %d tickets (2026-10 with 2026-09 for rank changes):\n", rows)
	fmt.Printf("  zhuqi metrics by region + department, 3 rankings: %v (target ≤ 1 s; median of %d warm runs)\n", median(zq), len(zq))
	fmt.Printf("  the same written plainly in DuckDB SQL:          %v\n", median(plain))
	fmt.Printf("  first run on a freshly opened database: zhuqi %v, plain SQL %v\n", coldZ, coldP)
	b.ReportMetric(median(zq).Seconds(), "zhuqi-s/month")
	b.ReportMetric(median(plain).Seconds(), "plain-s/month")
	b.ReportMetric(coldZ.Seconds(), "zhuqi-first-s/month")
	b.ReportMetric(coldP.Seconds(), "plain-first-s/month")
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}

// benchDatabase builds (once) a database of n generated tickets in testdata/bench.
func benchDatabase(tb testing.TB, n int) string {
	tb.Helper()
	data := benchData(tb, n, []string{}...)
	db := filepath.Join(filepath.Dir(pick(data, "csv", false).Path), "zhuqi.duckdb")
	if _, err := os.Stat(db + ".done"); err == nil {
		upgradeBenchDatabase(tb, db)
		return db
	}
	os.Remove(db)
	os.Remove(db + ".wal")
	var m Main
	m.Stdout, m.Stderr, m.Getenv = new(nopWriter), os.Stderr, func(string) string { return "" }
	for _, kind := range zhuqi.Kinds {
		files := demoFiles(data, kind)
		if len(files) == 0 {
			continue
		}
		if err := m.Run(context.Background(), append([]string{"ingest", "--db", db, "--kind", string(kind)}, files...)); err != nil {
			tb.Fatal(err)
		}
	}
	os.WriteFile(db+".done", nil, 0o644)
	return db
}

// upgradeBenchDatabase brings a database built by an earlier version up to the current
// schema and stored timing, so that it need not be built again.
func upgradeBenchDatabase(tb testing.TB, db string) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	if _, err := pipeline.RefreshTiming(ctx, st, zhuqi.Default()); err != nil {
		tb.Fatal(err)
	}
}

type nopWriter struct{}

func (*nopWriter) Write(p []byte) (int, error) { return len(p), nil }
