package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/adhoc"
)

type exportOptions struct {
	common
	format, out string
}

func (m *Main) exportCommand() *cobra.Command {
	var o exportOptions
	cmd := &cobra.Command{
		Use:   "export [--db F] --format parquet|csv --out DIR",
		Short: "tickets, versions and publications as files, Hive-partitioned by month",
		Example: `  zhuqi export --out lake
  zhuqi export --format csv --out lake-csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.export(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	cmd.Flags().StringVar(&o.format, "format", "parquet", "file format: parquet or csv")
	cmd.Flags().StringVar(&o.out, "out", "", "output folder (required); each table goes to OUT/TABLE/month=YYYY-MM/")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"parquet", "csv"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (m *Main) export(ctx context.Context, o *exportOptions) error {
	if o.out == "" {
		return usagef("export: --out DIR is required")
	}
	if o.format != "parquet" && o.format != "csv" {
		return usagef("export: unknown format %q: use parquet or csv", o.format)
	}
	cfg, err := m.loadConfig(&o.common)
	if err != nil {
		return err
	}
	path, err := m.existingDB(&o.common, cfg)
	if err != nil {
		return err
	}
	s := &adhoc.Session{Path: path, Config: cfg}
	sum, err := s.Export(ctx, o.out, o.format)
	if err != nil {
		return err
	}
	for _, t := range sum {
		fmt.Fprintf(m.Stdout, "%-18s %10d 行 rows  → %s\n", t.Table, t.Rows, t.Dir)
	}
	return nil
}
