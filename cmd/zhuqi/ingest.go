package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/progress"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
)

// runIngest loads files one by one; each commits or fails on its own. It exits 1 when any
// file could not be read, after trying the rest.
func (m *Main) runIngest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	kind := fs.String("kind", "tickets", "what the files hold: tickets, targets, actuals, benchmarks, deductions or exclusions")
	asOf := fs.String("as-of", "", "snapshot time of the export (default: a date in the file name, else its modification time)")
	enc := fs.String("encoding", "", "CSV encoding: utf-8, gbk, gb18030 or utf-16 (default: detected)")
	sheet := fs.String("sheet", "", "XLSX sheet to read (default: the first)")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("ingest: name at least one file")
	}
	k, err := zhuqi.ParseKind(*kind)
	if err != nil {
		return usagef("ingest: %v", err)
	}
	cfg, err := m.loadConfig(&c)
	if err != nil {
		return err
	}
	opt := pipeline.Options{Kind: k, Encoding: *enc, Sheet: *sheet}
	if *asOf != "" {
		loc, err := cfg.Location()
		if err != nil {
			return err
		}
		if opt.AsOf, err = pipeline.ParseAsOf(*asOf, loc); err != nil {
			return usagef("ingest: %v", err)
		}
	}
	st, err := m.openStore(ctx, &c, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	macros := macrosAhead(ctx, st, cfg)
	_, err = m.ingestFiles(ctx, st, cfg, opt, fs.Args())
	if merr := macros(); err == nil {
		err = merr
	}
	if cerr := queries.WriteCalendar(ctx, st, cfg); err == nil {
		err = cerr
	}
	return err
}

// macrosAhead creates a new database's ad-hoc macros (queries.WriteMacros) on a goroutine
// of its own while the first files load, and returns the function that waits for it.
// DuckDB binds them in about 0.2 s on one core, mostly while the load's scan leaves the
// other free; after the load, WriteCalendar finds them written. An existing database has
// them: WriteCalendar writes them again only when the configuration changed them.
func macrosAhead(ctx context.Context, st *pipeline.Store, cfg *zhuqi.Config) (wait func() error) {
	if !st.New {
		return func() error { return nil }
	}
	done := make(chan error, 1)
	go func() { done <- queries.WriteMacros(ctx, st, cfg) }()
	return func() error { return <-done }
}

// ingestFiles ingests each file and prints its report; it returns the reports of the
// files that loaded and an error naming the files that did not.
func (m *Main) ingestFiles(ctx context.Context, st *pipeline.Store, cfg *zhuqi.Config, opt pipeline.Options, files []string) ([]*pipeline.Report, error) {
	bar := progress.New(m.Terminal)
	steps := map[string]string{"scan": "校验 checking", "read": "读取 reading", "write": "写入 writing"}
	opt.Progress = func(p pipeline.Progress) {
		bar.Update(fmt.Sprintf("%s %s", steps[p.Step], p.File), p.Done, p.Total, "B")
	}
	var reps []*pipeline.Report
	var failed []string
	for _, f := range files {
		rep, err := st.Ingest(ctx, cfg, f, opt)
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
