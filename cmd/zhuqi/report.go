package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/zhuqi/zhuqi/reports"
)

// runReport writes a document: zhuqi report briefing|ranking|cadres|overdue --period P.
func (m *Main) runReport(ctx context.Context, args []string) error {
	kinds := strings.Join(reports.Kinds, "|")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("report: say which: `zhuqi report %s --period P [--out DIR] [--lang zh|en]`", kinds)
	}
	kind := args[0]
	known := false
	for _, k := range reports.Kinds {
		known = known || k == kind
	}
	if !known {
		return usagef("report: unknown report %q: use one of %s", kind, kinds)
	}
	fs := flag.NewFlagSet("report "+kind, flag.ContinueOnError)
	var c common
	c.register(fs, true)
	period := fs.String("period", "", "period, e.g. 2026-10 (briefing, ranking), 2026-Q3 (briefing), 2026-W42 (cadres), 2026-10-31 (overdue)")
	out := fs.String("out", "out", "folder for the documents")
	lang := fs.String("lang", "zh", "language of the documents: zh or en")
	if err := m.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *period == "" {
		return usagef("report %s: --period is required (e.g. --period 2026-10)", kind)
	}
	if *lang != "zh" && *lang != "en" {
		return usagef("report %s: unknown --lang %q: use zh or en", kind, *lang)
	}
	cfg, st, q, done, err := m.openPublishing(ctx, &c)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(*period)
	if err != nil {
		return usagef("report %s: %v", kind, err)
	}
	files, err := reports.Generate(ctx, q, kind, p, reports.Options{Dir: *out, Lang: *lang, Font: cfg.Reports.Font, Now: st.Now, Getenv: m.Getenv})
	if err != nil {
		return err
	}
	if *lang == "en" {
		// English documents, English words: no half-Chinese line.
		fmt.Fprintf(m.Stdout, "%s %s (data as of %s)\n", kind, p.Label, q.AsOf.Format("2006-01-02 15:04"))
	} else {
		fmt.Fprintf(m.Stdout, "%s %s（数据截至 as of %s）\n", kind, p.Label, q.AsOf.Format("2006-01-02 15:04"))
	}
	for _, f := range files {
		fmt.Fprintf(m.Stdout, "  %s\n", f)
	}
	return nil
}
