package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/atomicfile"
	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
	"github.com/zhuqi/zhuqi/sample"
	"github.com/zhuqi/zhuqi/store"
)

type demoOptions struct {
	common
	out     string
	tickets int
	seed    int64
}

func (m *Main) demoCommand() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo [--out DIR] [--tickets N] [--seed S]",
		Short: "generate sample exports, ingest them, report (the main job)",
		Example: `  zhuqi demo
  zhuqi demo --out /tmp/zhuqi-demo --tickets 5000`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.demo(cmd.Context(), &o) },
	}
	o.register(cmd, false)
	cmd.Flags().StringVar(&o.out, "out", "out", "folder for the sample exports, the database and the reports")
	cmd.Flags().IntVar(&o.tickets, "tickets", 20000, "tickets in the sample")
	cmd.Flags().Int64Var(&o.seed, "seed", 1, "random seed")
	return cmd
}

// demo is the main job on sample data: generate exports, ingest them into a fresh
// database under --out, and leave the ingest report there.
func (m *Main) demo(ctx context.Context, o *demoOptions) error {
	cfg, err := m.loadConfig(&o.common)
	if err != nil {
		return err
	}
	sampleDir := filepath.Join(o.out, "sample")
	dbPath := filepath.Join(o.out, "zhuqi.duckdb")
	for _, p := range []string{sampleDir, dbPath, dbPath + ".wal"} {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stdout, "== 生成样例数据 generating sample exports in %s\n", sampleDir)
	// A snapshot at each month's end, so that the briefing compares every month at the
	// same age from the data as it stood then (DOMAIN §2.1).
	until := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	sum, err := m.generate(ctx, sample.Options{Out: sampleDir, Tickets: o.tickets, Seed: o.seed, Messy: true, Until: until, Snapshots: sample.MonthEnds(until, 12), Exclusions: true})
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	macros := macrosAhead(ctx, st, cfg)

	reportPath := filepath.Join(o.out, "ingest-report.txt")
	var report strings.Builder
	w := io.MultiWriter(m.Stdout, &report)
	fmt.Fprintf(w, "== 导入 ingesting into %s\n", dbPath)
	saved := m.Stdout
	m.Stdout = w
	defer func() { m.Stdout = saved }()
	for _, kind := range zhuqi.Kinds {
		files := demoFiles(sum, kind)
		if len(files) == 0 {
			continue
		}
		if _, err := m.ingestFiles(ctx, st, cfg, pipeline.Options{Kind: kind}, files); err != nil {
			macros()
			return err
		}
	}
	if err := macros(); err != nil {
		return err
	}
	if err := demoSummary(ctx, st, w); err != nil {
		return err
	}
	if err := writeFileAtomic(reportPath, []byte(report.String())); err != nil {
		return err
	}
	m.Stdout = saved
	if err := writeCalendar(ctx, st, cfg); err != nil {
		return err
	}
	if err := m.demoHeadlines(ctx, st, cfg); err != nil {
		return err
	}
	if err := m.demoReports(ctx, st, cfg, o.out); err != nil {
		return err
	}
	fmt.Fprintf(saved, "== 完成 done: database %s, report %s\n", dbPath, reportPath)
	return nil
}

// demoHeadlines prints the last month's headline metrics and department ranking.
func (m *Main) demoHeadlines(ctx context.Context, st *store.Store, cfg *zhuqi.Config) error {
	q, err := queries.Open(ctx, st, cfg)
	if err != nil {
		return err
	}
	defer q.Close()
	p, err := q.Period(q.AsOf.Add(-time.Second).Format("2006-01"))
	if err != nil {
		return err
	}
	rows, err := q.Metrics(ctx, p, nil)
	if err != nil {
		return err
	}
	h := rows[0]
	fmt.Fprintf(m.Stdout, "\n== %s 主要指标 headline metrics (数据截至 as of %s)\n", p.Label, q.AsOf.Format("2006-01-02 15:04"))
	fmt.Fprintf(m.Stdout, "  收集诉求 collected %d，办结 finished %d，解决 solved %d\n", h.Collected, h.Finished, h.Solved)
	fmt.Fprintf(m.Stdout, "  办结率 %s  解决率 %s  满意率 %s  响应率 %s  按时答复率 %s  当场办结率 %s\n",
		pct(h.CompletionRate), pct(h.ResolutionRate), pct(h.SatisfactionRate), pct(h.ResponseRate), pct(h.OnTimeReplyRate), pct(h.OnSiteRate))
	fmt.Fprintf(m.Stdout, "  红旗 red %d  黑旗 black %d\n\n", h.Red, h.Black)
	rk, err := q.Rank(ctx, queries.Departments, p)
	if err != nil {
		return err
	}
	return writeRankText(m.Stdout, rk)
}

// demoReports writes the monthly set for the last month of the data (the month before
// the snapshot time): the briefing, the ranking publication and their charts.
func (m *Main) demoReports(ctx context.Context, st *store.Store, cfg *zhuqi.Config, out string) error {
	q, err := queries.Open(ctx, st, cfg)
	if err != nil {
		return err
	}
	defer q.Close()
	p, err := q.Period(q.AsOf.Add(-time.Second).Format("2006-01"))
	if err != nil {
		return err
	}
	files, err := monthlySet(ctx, q, p, reports.Options{Dir: out, Font: cfg.Reports.Font, Now: st.Now, Getenv: m.Getenv, Store: st})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "\n== %s 月度报告 monthly reports\n", p.Label)
	for _, f := range files {
		if filepath.Ext(f) == ".pdf" || filepath.Ext(f) == ".html" || filepath.Ext(f) == ".xlsx" {
			fmt.Fprintf(m.Stdout, "  %s\n", f)
		}
	}
	fmt.Fprintf(m.Stdout, "  %s（图表 charts, PNG + SVG）\n", filepath.Join(out, "charts"))
	return nil
}

// monthlySet writes the briefing and the ranking publication of p with their charts.
func monthlySet(ctx context.Context, q *queries.Q, p queries.Period, opt reports.Options) ([]string, error) {
	var all []string
	for _, kind := range []string{"briefing", "ranking"} {
		files, err := reports.Generate(ctx, q, kind, p, opt)
		if err != nil {
			return all, err
		}
		all = append(all, files...)
	}
	return all, nil
}

// pct shows a rate as a percentage with one decimal, "—" when undefined.
func pct(f *float64) string {
	if f == nil {
		return "—"
	}
	return tabular.Human(tabular.Rate, *f)
}

// demoFiles lists the generated files of a kind in the main folder (the variants under
// variants/ hold the same tickets in other formats and are not ingested by the demo).
func demoFiles(sum sample.Summary, kind zhuqi.Kind) []string {
	var out []string
	for _, f := range sum.Files {
		if f.Kind == string(kind) && filepath.Base(filepath.Dir(f.Path)) != "variants" {
			out = append(out, f.Path)
		}
	}
	sort.Strings(out)
	return out
}

func demoSummary(ctx context.Context, st *store.Store, w io.Writer) error {
	var tickets, versions, rejects, warnings int64
	var asOf string
	err := st.DB.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ticket_versions),
  (SELECT count(*) FROM rejects), (SELECT count(*) FROM warnings), (SELECT strftime(max(as_of), '%Y-%m-%d %H:%M') FROM ingests WHERE kind = 'tickets')`).Scan(&tickets, &versions, &rejects, &warnings, &asOf)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "== 数据库 database: %d tickets (current), %d versions, %d rejects, %d warnings; latest snapshot %s\n", tickets, versions, rejects, warnings, asOf)
	return nil
}

// writeFileAtomic writes to a temporary file beside path and renames it into place, so
// that a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error { return atomicfile.WriteFile(path, data) }
