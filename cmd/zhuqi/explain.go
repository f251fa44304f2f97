package main

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
)

type explainOptions struct {
	common
	kind, name, period, format string
}

func (m *Main) explainCommand() *cobra.Command {
	var o explainOptions
	cmd := &cobra.Command{
		Use:   "explain department|region|cadre NAME [--db F] --period P [--as-of T] [--format ...]",
		Short: "how one entity's ranking was derived, and the tickets that cost it points",
		Example: `  zhuqi explain department 民政局 --period 2026-10
  zhuqi explain region --period 2026-10 寿光市 --format csv
  zhuqi explain cadre 张伟 --period 2026-W42 --as-of 2026-10-19`,
		ValidArgs: rankings,
		Args:      oneOf("entity type", rankings, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 || strings.TrimSpace(args[1]) == "" {
				return usagef("explain: give the %s's name (quote a name with spaces)", strings.TrimSuffix(args[0], "s"))
			}
			o.kind, o.name = args[0], strings.TrimSpace(args[1])
			return m.explain(cmd.Context(), &o)
		},
	}
	o.register(cmd, true)
	o.registerAsOf(cmd)
	periodFlag(cmd, &o.period, "period: "+queries.PeriodForms)
	formatFlag(cmd, &o.format)
	return cmd
}

func (m *Main) explain(ctx context.Context, o *explainOptions) error {
	q, p, done, err := m.openPeriod(ctx, "explain", &o.common, o.period, o.format)
	if err != nil {
		return err
	}
	defer done()
	x, err := reports.Explain(ctx, q, o.kind, o.name, p)
	if errors.Is(err, reports.ErrUnknownEntity) {
		return usagef("explain: %v", err)
	}
	if err != nil {
		return err
	}
	return reports.WriteExplanation(m.Stdout, o.format, x, 20)
}
