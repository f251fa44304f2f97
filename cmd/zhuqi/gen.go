package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/zhuqi/zhuqi/internal/progress"
	"github.com/zhuqi/zhuqi/sample"
)

func (m *Main) runGen(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fs.String("out", "", "folder to write the sample exports to (required)")
	tickets := fs.Int("tickets", 20000, "tickets across the whole history")
	months := fs.Int("months", 12, "months of history")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same files")
	messy := fs.Bool("messy", false, "add every bad-input case of DOMAIN §1.3")
	until := fs.String("until", "2026-10-31", "date of the last snapshot")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("gen: --out DIR is required")
	}
	u, err := time.Parse("2006-01-02", *until)
	if err != nil {
		return usagef("gen: --until %q: use a date such as 2026-10-31", *until)
	}
	sum, err := m.generate(ctx, sample.Options{Out: *out, Tickets: *tickets, Months: *months, Seed: *seed, Messy: *messy, Until: u})
	if err != nil {
		return err
	}
	for _, f := range sum.Files {
		fmt.Fprintf(m.Stdout, "%-60s %-10s %-8s %9d rows\n", f.Path, f.Kind, f.Format, f.Rows)
	}
	return nil
}

func (m *Main) generate(ctx context.Context, opt sample.Options) (sample.Summary, error) {
	bar := progress.New(m.Terminal)
	opt.Progress = func(done, total int64) { bar.Update("生成 generating", done, total, " rows") }
	sum, err := sample.Generate(ctx, opt)
	bar.Clear()
	if err != nil {
		return sum, fmt.Errorf("gen: %w", err)
	}
	return sum, nil
}
