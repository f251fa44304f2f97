package main

import (
	"context"
	"errors"
	"flag"
	"strings"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
)

// explainKinds maps explain's entity words to the rankings.
var explainKinds = map[string]string{"department": queries.Departments, "region": queries.Regions, "cadre": queries.Cadres}

func (m *Main) runExplain(ctx context.Context, args []string) error {
	if len(args) == 0 || explainKinds[args[0]] == "" {
		return usagef("explain: say what: `zhuqi explain department|region|cadre NAME --period P`")
	}
	kind := explainKinds[args[0]]
	fs := flag.NewFlagSet("explain "+args[0], flag.ContinueOnError)
	var c common
	c.register(fs, true)
	period := fs.String("period", "", "period: "+queries.PeriodForms)
	format := formatFlag(fs)
	// Flags may come before or after the name.
	var names []string
	rest := args[1:]
	for {
		if err := m.parseFlags(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		names, rest = append(names, fs.Arg(0)), fs.Args()[1:]
	}
	if len(names) != 1 {
		return usagef("explain: give one %s name (quote a name with spaces)", args[0])
	}
	if *period == "" {
		return usagef("explain: --period is required (e.g. --period 2026-10)")
	}
	if err := tabular.CheckFormat(*format); err != nil {
		return usagef("explain: %v", err)
	}
	q, done, err := m.openQueries(ctx, &c)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(*period)
	if err != nil {
		return usagef("explain: %v", err)
	}
	x, err := reports.Explain(ctx, q, kind, strings.TrimSpace(names[0]), p)
	if errors.Is(err, reports.ErrUnknownEntity) {
		return usagef("explain: %v", err)
	}
	if err != nil {
		return err
	}
	return reports.WriteExplanation(m.Stdout, *format, x, 20)
}
