package queries

import (
	"context"
	"math"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/sample"
)

// TestTrend_MatchesMetrics: the trend's figures are those of Metrics by month.
func TestTrend_MatchesMetrics(t *testing.T) {
	f := newFixture(t)
	sum, err := sample.Generate(context.Background(), sample.Options{Out: f.dir, Tickets: 3000, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range sum.Files {
		if file.Kind == "tickets" {
			f.ingest(file.Path, zhuqi.KindTickets, file.AsOf)
		}
	}
	q := f.open()
	ctx := context.Background()
	p, err := q.Period("2025-11-01..2026-10-31")
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.Trend(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	want, err := q.Metrics(ctx, p, []string{"month"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) < 10 {
		t.Fatalf("%d trend rows, %d metrics rows", len(got), len(want))
	}
	// Equal up to the order of a floating-point sum.
	eq := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || math.Abs(*a-*b) < 1e-12) }
	for i := range want {
		g, w := got[i], want[i]
		if g.Dim(0) != w.Dim(0) || g.Collected != w.Collected || g.Finished != w.Finished || g.Solved != w.Solved ||
			g.Rated != w.Rated || g.Satisfied != w.Satisfied || g.Basic != w.Basic || g.Dissatisfied != w.Dissatisfied ||
			g.OnSite != w.OnSite || g.Reopened != w.Reopened ||
			!eq(g.CompletionRate, w.CompletionRate) || !eq(g.ResolutionRate, w.ResolutionRate) ||
			!eq(g.SatisfactionRate, w.SatisfactionRate) || !eq(g.SatisfactionScore, w.SatisfactionScore) ||
			!eq(g.OnSiteRate, w.OnSiteRate) || !eq(g.ReopenRate, w.ReopenRate) {
			t.Errorf("month %s: trend %v %v %v %v %v %v, metrics %v %v %v %v %v %v", w.Dim(0),
				*g.CompletionRate, *g.ResolutionRate, *g.SatisfactionRate, *g.SatisfactionScore, *g.OnSiteRate, g.ReopenRate,
				*w.CompletionRate, *w.ResolutionRate, *w.SatisfactionRate, *w.SatisfactionScore, *w.OnSiteRate, w.ReopenRate)
		}
	}
}
