package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/reports"
)

func (m *Main) runPublish(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("publish: say what: `zhuqi publish ranking --period P` or `zhuqi publish list`")
	}
	switch args[0] {
	case "ranking":
		return m.runPublishRanking(ctx, args[1:])
	case "list":
		return m.runPublishList(ctx, args[1:])
	}
	return usagef("publish: unknown %q: use ranking or list", args[0])
}

func (m *Main) runPublishRanking(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("publish ranking", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	period := fs.String("period", "", "period to publish, e.g. 2026-10")
	allow := fs.Bool("allow-unfinished", false, "publish a period not yet over at the snapshot time")
	out := fs.String("out", "out", "folder for the published files")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if *period == "" {
		return usagef("publish ranking: --period is required (e.g. --period 2026-10)")
	}
	_, st, q, done, err := m.openPublishing(ctx, &c)
	if err != nil {
		return err
	}
	defer done()
	p, err := q.Period(*period)
	if err != nil {
		return usagef("publish ranking: %v", err)
	}
	q.AllowUnfinished = *allow
	pub, err := q.Publish(ctx, p, st.Now())
	if err != nil {
		return err
	}
	files, err := reports.WritePublication(*out, pub)
	if err != nil {
		return err
	}
	if err := q.RecordFiles(ctx, pub.ID, files); err != nil {
		return err
	}
	state := "新版本 new version"
	if pub.Existing {
		state = "输入未变，沿用已发布版本 inputs unchanged: the stored version"
	}
	fmt.Fprintf(m.Stdout, "排名通报 %s（%s）\n  规则 rules %s；数据截至 as of %s；输入文件 inputs %d\n", pub.ID, state, pub.RulesVersion, pub.AsOf, len(pub.Inputs))
	for _, f := range files {
		fmt.Fprintf(m.Stdout, "  %s\n", filepath.Join(*out, f))
	}
	return nil
}

func (m *Main) runPublishList(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("publish list", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	format := formatFlag(fs)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if err := tabular.CheckFormat(*format); err != nil {
		return usagef("publish list: %v", err)
	}
	q, done, err := m.openQueries(ctx, &c)
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
	return tabular.Write(m.Stdout, *format, t)
}
