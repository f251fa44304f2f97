package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

type flagsOptions struct {
	common
	period, format string
}

func (m *Main) flagsCommand() *cobra.Command {
	var o flagsOptions
	cmd := &cobra.Command{
		Use:   "flags [--db F] [--period P] [--as-of T] [--format ...]",
		Short: "red and black flags at the snapshot time",
		Example: `  zhuqi flags
  zhuqi flags --period 2026-10 --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.flags(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	o.registerAsOf(cmd)
	periodFlag(cmd, &o.period, "list the flags of the tickets created in this period (default: open and this month's late answers)")
	formatFlag(cmd, &o.format)
	return cmd
}

var flagsPeople = []string{"flag", "ticket_id", "region", "department", "status", "due_at", "late_days", "enterprise", "category", "cadre", "answered_at", "created_at"}

func (m *Main) flags(ctx context.Context, o *flagsOptions) error {
	if err := tabular.CheckFormat(o.format); err != nil {
		return usagef("flags: %v", err)
	}
	q, done, err := m.openQueries(ctx, &o.common)
	if err != nil {
		return err
	}
	defer done()
	var cohort *queries.Period
	if o.period != "" {
		p, err := q.Period(o.period)
		if err != nil {
			return usagef("flags: %v", err)
		}
		cohort = &p
	}
	flags, err := q.Flags(ctx, cohort)
	if err != nil {
		return err
	}
	t := queries.FlagsTable(flags)
	if o.format != "table" {
		return tabular.Write(m.Stdout, o.format, t)
	}
	red, black := 0, 0
	for _, f := range flags {
		if f.Flag == "red" {
			red++
		} else {
			black++
		}
	}
	fmt.Fprintf(m.Stdout, "红黑旗 flags  数据截至 as of %s：红旗 red %d，黑旗 black %d\n\n", q.AsOf.Format("2006-01-02 15:04"), red, black)
	return writePeople(m.Stdout, t, flagsPeople, "--format csv")
}
