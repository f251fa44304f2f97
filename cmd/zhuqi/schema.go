package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/adhoc"
)

type schemaOptions struct{ common }

func (m *Main) schemaCommand() *cobra.Command {
	var o schemaOptions
	cmd := &cobra.Command{
		Use:     "schema [--db F]",
		Short:   "tables and views with their columns and comments",
		Example: `  zhuqi schema --db out/zhuqi.duckdb`,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return m.schema(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	return cmd
}

func (m *Main) schema(ctx context.Context, o *schemaOptions) error {
	cfg, err := m.loadConfig(&o.common)
	if err != nil {
		return err
	}
	path, err := m.existingDB(&o.common, cfg)
	if err != nil {
		return err
	}
	s := &adhoc.Session{Path: path}
	text, err := s.Schema(ctx)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	_, err = fmt.Fprint(m.Stdout, text)
	return err
}
