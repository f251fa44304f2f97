package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
	"github.com/zhuqi/zhuqi/store"
)

func TestReport_Command(t *testing.T) {
	db := sampleDatabase(t)
	t.Run("OK_EveryKind", func(t *testing.T) {
		dir := t.TempDir()
		for _, args := range [][]string{
			{"briefing", "--period", "2026-10"},
			{"briefing", "--period", "2026-Q3", "--lang", "en"},
			{"ranking", "--period", "2026-10"},
			{"cadres", "--period", "2026-W42"},
			{"overdue", "--period", "2026-10-31", "--lang", "en"},
		} {
			code, out, errs := run(t, append(append([]string{"report"}, args...), "--db", db, "--out", dir)...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, errs)
			}
			if !strings.Contains(out, ".pdf") {
				t.Errorf("%v: output names no PDF:\n%s", args, out)
			}
		}
		for _, name := range []string{"briefing-2026-10.pdf", "briefing-2026-Q3.en.pdf", "briefing-2026-Q3.en.html",
			"ranking-2026-10-v1.pdf", "ranking-2026-10-v1.xlsx", "ranking-departments-2026-10-v1.csv",
			"cadres-2026-W42.pdf", "overdue-2026-10-31.en.pdf", "charts/briefing-2026-10-trend.png", "charts/briefing-2026-10-trend.svg"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("missing %s", name)
			}
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			b, err := exec.Command("pdftotext", filepath.Join(dir, "briefing-2026-Q3.en.pdf"), "-").Output()
			if err != nil || !strings.Contains(string(b), "Quarterly Operations Briefing") || !strings.Contains(string(b), "2026 Q3") {
				t.Errorf("English quarterly briefing: %v\n%.300s", err, b)
			}
		}
	})
	t.Run("Err_Misuse", func(t *testing.T) {
		for _, args := range [][]string{
			{"report"}, {"report", "nosuch", "--period", "2026-10"}, {"report", "briefing"},
			{"report", "briefing", "--period", "2026-10", "--lang", "fr"},
			{"report", "briefing", "--period", "yesterday"},
		} {
			if code, _, errs := run(t, append(args, "--db", db)...); code != 2 {
				t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
			}
		}
	})
	t.Run("Err_NoFont", func(t *testing.T) {
		var out, errb strings.Builder
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
			if k == "ZHUQI_FONT" {
				return "/nonexistent/x.ttf"
			}
			return ""
		}}
		err := m.Run(context.Background(), []string{"report", "cadres", "--db", db, "--period", "2026-W42", "--out", t.TempDir()})
		if code := exitCode(errorsTo(&errb, err)); code != 1 || !strings.Contains(errb.String(), "fonts-droid-fallback") {
			t.Errorf("exit %d: %s", code, errb.String())
		}
	})
}

// BenchmarkMonthlySet times the whole monthly set: the briefing (with its six charts) and
// the ranking publication (PDF, HTML, XLSX, CSV, JSON), on the small test database, or
// with ZHUQI_BENCH=1 on the database of ZHUQI_BENCH_QUERY_TICKETS tickets (default 10M;
// target ≤ 5 s).
func BenchmarkMonthlySet(b *testing.B) {
	var db string
	if os.Getenv("ZHUQI_BENCH") != "" {
		db = benchDatabase(b, envInt("ZHUQI_BENCH_QUERY_TICKETS", 10000000))
	} else {
		db = sampleDatabase(b)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cfg := zhuqi.Default()
	dir := b.TempDir()
	var took []time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		q, err := queries.Open(ctx, st, cfg)
		if err != nil {
			b.Fatal(err)
		}
		p, _ := q.Period("2026-10")
		if _, err := monthlySet(ctx, q, p, reports.Options{Dir: dir, Now: st.Now, Store: st}); err != nil {
			b.Fatal(err)
		}
		q.Close()
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	var tickets int64
	st.DB.QueryRow(`SELECT count(*) FROM tickets`).Scan(&tickets)
	fmt.Printf("\nmonthly set (briefing + ranking publication + charts) on %d tickets: %v (target ≤ 5 s at 10M)\n", tickets, median(took))
	b.ReportMetric(median(took).Seconds(), "s/set")
}
