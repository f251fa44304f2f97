package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/zhuqi/zhuqi/adhoc"
)

func (m *Main) runExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	format := fs.String("format", "parquet", "file format: parquet or csv")
	out := fs.String("out", "", "output folder (required); each table goes to OUT/TABLE/month=YYYY-MM/")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("export: --out DIR is required")
	}
	if *format != "parquet" && *format != "csv" {
		return usagef("export: unknown format %q: use parquet or csv", *format)
	}
	cfg, err := m.loadConfig(&c)
	if err != nil {
		return err
	}
	s := &adhoc.Session{Path: m.dbPath(&c, cfg), Config: cfg}
	sum, err := s.Export(ctx, *out, *format)
	if err != nil {
		return err
	}
	for _, t := range sum {
		fmt.Fprintf(m.Stdout, "%-18s %10d 行 rows  → %s\n", t.Table, t.Rows, t.Dir)
	}
	return nil
}
