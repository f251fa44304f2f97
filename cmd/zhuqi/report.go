package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/reports"
)

type reportOptions struct {
	common
	kind, period, out, lang string
	allowUnfinished         bool
}

func (m *Main) reportCommand() *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report " + strings.Join(reports.Kinds, "|") + " [--db F] --period P [--as-of T] [--out DIR] [--lang zh|en]",
		Short: "write a document: briefing, ranking, cadres or overdue (PDF, HTML, XLSX)",
		Example: `  zhuqi report briefing --period 2026-10
  zhuqi report --period 2026-Q3 briefing --lang en --out docs
  zhuqi report cadres --period 2026-W42
  zhuqi report overdue --period 2026-10-31`,
		ValidArgs: reports.Kinds,
		Args:      oneOf("report", reports.Kinds, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.kind = args[0]
			return m.report(cmd.Context(), &o)
		},
	}
	o.register(cmd, true)
	o.registerAsOf(cmd)
	periodFlag(cmd, &o.period, "period, e.g. 2026-10 (briefing, ranking), 2026-Q3 (briefing), 2026-W42 (cadres), 2026-10-31 (overdue)")
	cmd.Flags().StringVar(&o.out, "out", "out", "folder for the documents")
	cmd.Flags().BoolVar(&o.allowUnfinished, "allow-unfinished", false, "ranking: publish a period not yet over at the snapshot time")
	cmd.Flags().StringVar(&o.lang, "lang", "zh", "language of the documents: zh or en")
	return cmd
}

// report writes a document: zhuqi report briefing|ranking|cadres|overdue --period P.
func (m *Main) report(ctx context.Context, o *reportOptions) error {
	if o.period == "" {
		return usagef("report %s: --period is required (e.g. --period 2026-10)", o.kind)
	}
	if o.lang != "zh" && o.lang != "en" {
		return usagef("report %s: unknown --lang %q: use zh or en", o.kind, o.lang)
	}
	cfg, st, q, done, err := m.openPublishing(ctx, &o.common)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(o.period)
	if err != nil {
		return usagef("report %s: %v", o.kind, err)
	}
	q.AllowUnfinished = o.allowUnfinished
	files, err := reports.Generate(ctx, q, o.kind, p, reports.Options{Dir: o.out, Lang: o.lang, Font: cfg.Reports.Font, Now: st.Now, Getenv: m.Getenv, Store: st})
	if err != nil {
		return err
	}
	if o.lang == "en" {
		// English documents, English words: no half-Chinese line.
		fmt.Fprintf(m.Stdout, "%s %s (data as of %s)\n", o.kind, p.Label, q.AsOf.Format("2006-01-02 15:04"))
	} else {
		fmt.Fprintf(m.Stdout, "%s %s（数据截至 as of %s）\n", o.kind, p.Label, q.AsOf.Format("2006-01-02 15:04"))
	}
	for _, f := range files {
		fmt.Fprintf(m.Stdout, "  %s\n", f)
	}
	return nil
}
