package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

func (m *Main) runFlags(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("flags", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	c.registerAsOf(fs)
	period := fs.String("period", "", "list the flags of the tickets created in this period (default: open and this month's late answers)")
	format := formatFlag(fs)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if err := tabular.CheckFormat(*format); err != nil {
		return usagef("flags: %v", err)
	}
	q, done, err := m.openQueries(ctx, &c)
	if err != nil {
		return err
	}
	defer done()
	var cohort *queries.Period
	if *period != "" {
		p, err := q.Period(*period)
		if err != nil {
			return usagef("flags: %v", err)
		}
		cohort = &p
	}
	flags, err := q.Flags(ctx, cohort)
	if err != nil {
		return err
	}
	if *format == "table" {
		red, black := 0, 0
		for _, f := range flags {
			if f.Flag == "red" {
				red++
			} else {
				black++
			}
		}
		fmt.Fprintf(m.Stdout, "红黑旗 flags  数据截至 as of %s：红旗 red %d，黑旗 black %d\n\n", q.AsOf.Format("2006-01-02 15:04"), red, black)
	}
	return tabular.Write(m.Stdout, *format, queries.FlagsTable(flags))
}
