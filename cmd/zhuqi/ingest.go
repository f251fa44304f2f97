package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/progress"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/store"
)

type ingestOptions struct {
	common
	kind, asOf, encoding, sheet string
}

func (m *Main) ingestCommand() *cobra.Command {
	var o ingestOptions
	cmd := &cobra.Command{
		Use:   "ingest [--db F] [--kind tickets|targets|actuals|benchmarks|deductions|exclusions] [--as-of T] [--encoding E] [--sheet NAME] FILE...",
		Short: "load ticket exports (or targets, actuals, …) into the database",
		Example: `  zhuqi ingest tickets_2026-10-31.csv
  zhuqi ingest exports/*.xlsx --db data/zhuqi.duckdb
  zhuqi ingest targets.csv --as-of "2026-11-01 08:00"
  zhuqi ingest 审核剔除_2026-11.xlsx --kind exclusions`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("ingest: name at least one file (e.g. zhuqi ingest tickets_2026-10-31.csv)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return m.ingest(cmd.Context(), &o, args) },
	}
	o.register(cmd, true)
	cmd.Flags().StringVar(&o.kind, "kind", "", "what the files hold: tickets, targets, actuals, benchmarks, deductions or exclusions (default: recognised by the header)")
	cmd.Flags().StringVar(&o.asOf, "as-of", "", "snapshot time of the export (default: a date in the file name, else its modification time)")
	cmd.Flags().StringVar(&o.encoding, "encoding", "", "CSV encoding: utf-8, gbk, gb18030 or utf-16 (default: detected)")
	cmd.Flags().StringVar(&o.sheet, "sheet", "", "XLSX sheet to read (default: the first)")
	var kinds []string
	for _, k := range zhuqi.Kinds {
		kinds = append(kinds, string(k))
	}
	cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(kinds, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// ingest loads files one by one; each commits or fails on its own. It exits 1 when any
// file could not be read, after trying the rest.
func (m *Main) ingest(ctx context.Context, o *ingestOptions, files []string) error {
	var k zhuqi.Kind
	if o.kind != "" {
		var err error
		if k, err = zhuqi.ParseKind(o.kind); err != nil {
			return usagef("ingest: %v", err)
		}
	}
	cfg, err := m.loadConfig(&o.common)
	if err != nil {
		return err
	}
	opt := pipeline.Options{Kind: k, Encoding: o.encoding, Sheet: o.sheet}
	if o.asOf != "" {
		loc, err := cfg.Location()
		if err != nil {
			return err
		}
		if opt.AsOf, err = pipeline.ParseAsOf(o.asOf, loc); err != nil {
			return usagef("ingest: %v", err)
		}
	}
	path, err := m.writableDB(&o.common, cfg)
	if err != nil {
		return err
	}
	st, err := m.openWriter(ctx, path, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	macros := macrosAhead(ctx, st, cfg)
	_, err = m.ingestFiles(ctx, st, cfg, opt, files)
	if merr := macros(); err == nil {
		err = merr
	}
	if cerr := writeCalendar(ctx, st, cfg); err == nil {
		err = cerr
	}
	return err
}

// macrosAhead creates a new database's ad-hoc macros (writeMacros) on a goroutine
// of its own while the first files load, and returns the function that waits for it.
// DuckDB binds them in about 0.2 s on one core, mostly while the load's scan leaves the
// other free; after the load, WriteCalendar finds them written. An existing database has
// them: WriteCalendar writes them again only when the configuration changed them.
func macrosAhead(ctx context.Context, st *store.Store, cfg *zhuqi.Config) (wait func() error) {
	if !st.New {
		return func() error { return nil }
	}
	done := make(chan error, 1)
	go func() { done <- writeMacros(ctx, st, cfg) }()
	return func() error { return <-done }
}

// ingestFiles ingests each file and prints its report; it returns the reports of the
// files that loaded and an error naming the files that did not.
func (m *Main) ingestFiles(ctx context.Context, st *store.Store, cfg *zhuqi.Config, opt pipeline.Options, files []string) ([]*pipeline.Report, error) {
	bar := progress.New(m.Terminal)
	steps := map[string]string{"scan": "校验 checking", "read": "读取 reading", "write": "写入 writing"}
	opt.Progress = func(p pipeline.Progress) {
		bar.Update(fmt.Sprintf("%s %s", steps[p.Step], p.File), p.Done, p.Total, "B")
	}
	var reps []*pipeline.Report
	var failed []string
	for _, f := range files {
		rep, err := pipeline.Ingest(ctx, st, cfg, f, opt)
		bar.Clear()
		if err != nil {
			if ctx.Err() != nil {
				return reps, err
			}
			fmt.Fprintf(m.Stderr, "zhuqi: %v\n", err)
			failed = append(failed, f)
			continue
		}
		if err := rep.WriteText(m.Stdout); err != nil {
			return reps, err
		}
		reps = append(reps, rep)
	}
	if len(failed) > 0 {
		return reps, fmt.Errorf("%d of %d files not ingested (nothing of them was loaded): %v", len(failed), len(files), failed)
	}
	return reps, nil
}
