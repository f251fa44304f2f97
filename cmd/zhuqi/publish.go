package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/reports"
)

func (m *Main) publishCommand() *cobra.Command {
	cmd := parentCommand("publish", "frozen, versioned ranking publications",
		`  zhuqi publish ranking --period 2026-10
  zhuqi publish list`)
	cmd.AddCommand(m.publishRankingCommand(), m.publishListCommand())
	return cmd
}

type publishRankingOptions struct {
	common
	period, out     string
	allowUnfinished bool
}

func (m *Main) publishRankingCommand() *cobra.Command {
	var o publishRankingOptions
	cmd := &cobra.Command{
		Use:   "ranking [--db F] --period P [--out DIR] [--allow-unfinished]",
		Short: "frozen, versioned publication of the rankings of a period",
		Example: `  zhuqi publish ranking --period 2026-10
  zhuqi publish ranking --period 2026-10 --out published`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.publishRanking(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	periodFlag(cmd, &o.period, "period to publish, e.g. 2026-10")
	cmd.Flags().BoolVar(&o.allowUnfinished, "allow-unfinished", false, "publish a period not yet over at the snapshot time")
	cmd.Flags().StringVar(&o.out, "out", "out", "folder for the published files")
	return cmd
}

func (m *Main) publishRanking(ctx context.Context, o *publishRankingOptions) error {
	if o.period == "" {
		return usagef("publish ranking: --period is required (e.g. --period 2026-10)")
	}
	_, st, q, done, err := m.openPublishing(ctx, &o.common)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(o.period)
	if err != nil {
		return usagef("publish ranking: %v", err)
	}
	q.AllowUnfinished = o.allowUnfinished
	pub, files, err := reports.Publish(ctx, st, q, p, st.Now(), o.out)
	if err != nil {
		return err
	}
	state := "新版本 new version"
	if pub.Existing {
		state = "输入未变，沿用已发布版本 inputs unchanged: the stored version"
	}
	fmt.Fprintf(m.Stdout, "排名通报 %s（%s）\n  规则 rules %s；数据截至 as of %s；输入文件 inputs %d\n", pub.ID, state, pub.RulesVersion, pub.AsOf, len(pub.Inputs))
	for _, f := range files {
		fmt.Fprintf(m.Stdout, "  %s\n", filepath.Join(o.out, f))
	}
	return nil
}

type publishListOptions struct {
	common
	format string
}

func (m *Main) publishListCommand() *cobra.Command {
	var o publishListOptions
	cmd := &cobra.Command{
		Use:     "list [--db F] [--format ...]",
		Short:   "the stored publications, newest versions included",
		Example: `  zhuqi publish list --format csv`,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return m.publishList(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	formatFlag(cmd, &o.format)
	return cmd
}

func (m *Main) publishList(ctx context.Context, o *publishListOptions) error {
	if err := tabular.CheckFormat(o.format); err != nil {
		return usagef("publish list: %v", err)
	}
	q, done, err := m.openQueries(ctx, &o.common)
	if err != nil {
		return err
	}
	defer done()
	list, err := q.Publications(ctx)
	if err != nil {
		return err
	}
	t := &tabular.Table{Columns: []tabular.Column{
		tabular.Col("publication_id", tabular.Text), tabular.Col("period", tabular.Text), tabular.Col("version", tabular.Int),
		tabular.Col("rules_version", tabular.Text), tabular.Col("as_of", tabular.Time), tabular.Col("inputs", tabular.Int),
		tabular.Col("published_at", tabular.Time), tabular.Col("body_sha256", tabular.Text),
	}}
	for _, p := range list {
		t.Rows = append(t.Rows, []any{p.ID, p.Period, int64(p.Version), p.RulesVersion, p.AsOf, int64(p.Inputs), p.PublishedAt.Truncate(time.Second), p.BodySHA256})
	}
	return tabular.Write(m.Stdout, o.format, t)
}
