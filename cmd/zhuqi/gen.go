package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/internal/progress"
	"github.com/zhuqi/zhuqi/sample"
)

type genOptions struct {
	out, until      string
	tickets, months int
	seed            int64
	messy           bool
}

func (m *Main) genCommand() *cobra.Command {
	var o genOptions
	cmd := &cobra.Command{
		Use:   "gen --out DIR [--tickets N] [--months M] [--seed S] [--messy] [--until DATE]",
		Short: "realistic sample exports (CSV, XLSX; --messy adds every bad-input case)",
		Example: `  zhuqi gen --out sample
  zhuqi gen --out sample --tickets 100000 --months 24 --seed 7 --messy`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.gen(cmd.Context(), &o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "", "folder to write the sample exports to (required)")
	f.IntVar(&o.tickets, "tickets", 20000, "tickets across the whole history")
	f.IntVar(&o.months, "months", 12, "months of history")
	f.Int64Var(&o.seed, "seed", 1, "random seed: the same seed gives the same files")
	f.BoolVar(&o.messy, "messy", false, "add every bad-input case of DOMAIN §1.3")
	f.StringVar(&o.until, "until", "2026-10-31", "date of the last snapshot")
	return cmd
}

func (m *Main) gen(ctx context.Context, o *genOptions) error {
	if o.out == "" {
		return usagef("gen: --out DIR is required")
	}
	u, err := time.Parse("2006-01-02", o.until)
	if err != nil {
		return usagef("gen: --until %q: use a date such as 2026-10-31", o.until)
	}
	sum, err := m.generate(ctx, sample.Options{Out: o.out, Tickets: o.tickets, Months: o.months, Seed: o.seed, Messy: o.messy, Until: u})
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
