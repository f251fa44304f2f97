package queries

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/sample"
)

// generatedMonth is a database of 3,000 generated tickets (two snapshots, deductions)
// plus exclusions of every scope, some approved after T, on every 9th October ticket.
func generatedMonth(t *testing.T) *Q {
	t.Helper()
	f := newFixture(t)
	sum, err := sample.Generate(context.Background(), sample.Options{Out: f.dir, Tickets: 3000, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range sum.Files {
		asOf := file.AsOf
		if file.Kind != "tickets" {
			asOf = at("2026-11-01 08:00")
		}
		if _, err := pipeline.Ingest(context.Background(), f.store, f.cfg, file.Path, pipeline.Options{Kind: zhuqi.Kind(file.Kind), AsOf: asOf}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	rows, err := f.store.DB.Query(`SELECT ticket_id FROM tickets WHERE created_at >= '2026-10-01' AND created_at < '2026-11-01' ORDER BY ticket_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var excl [][]string
	scopes := []string{"全部", "满意度", "时效"}
	for i := 0; i < len(ids); i += 9 {
		approved := "2026-10-28 10:00"
		if i%5 == 0 {
			approved = "2026-12-01 10:00" // after T: not in force
		}
		excl = append(excl, []string{ids[i], scopes[(i/9)%3], "重复诉求", "市营商办", approved, fmt.Sprintf("营商办〔2026〕%d号", i/9+1)})
	}
	f.facts(zhuqi.KindExclusions, []string{"诉求编号", "剔除范围", "剔除原因", "审核单位", "审核时间", "文号"}, excl)
	return f.open()
}

// TestEvidence_ReAggregates: for every entity of a generated month, Σ of its evidence rows
// gives the counts from which the published parts and total follow exactly, in all three
// rankings; and Σ of the rows' points, rounded as published, gives each part.
func TestEvidence_ReAggregates(t *testing.T) {
	q := generatedMonth(t)
	ctx := context.Background()
	p, err := q.Period("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	r := q.Rules()
	for _, kind := range RankKinds {
		t.Run(kind, func(t *testing.T) {
			rk, err := q.Rank(ctx, kind, p)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := q.Evidence(ctx, rk)
			if err != nil {
				t.Fatal(err)
			}
			type agg struct {
				counted, finished, solved, rated, sat, basic, respN, assigned, replyN, replied int64
				weight                                                                         float64
				parts                                                                          [3]float64
				imputed                                                                        [3]bool
				deducted                                                                       float64
			}
			sums := map[string]*agg{}
			excluded := 0
			for _, e := range ev.Rows {
				a := sums[e.Entity]
				if a == nil {
					a = &agg{}
					sums[e.Entity] = a
				}
				a.counted += e.Counted
				a.finished += e.Finished
				a.solved += e.Solved
				a.rated += e.Rated
				a.sat += e.Satisfied
				a.basic += e.Basic
				a.respN += e.ResponseCounted
				a.assigned += e.AssignedInTime
				a.replyN += e.ReplyCounted
				a.replied += e.Replied
				if e.Weight != nil {
					a.weight += *e.Weight
				}
				for i, v := range e.Parts {
					if v != nil {
						a.parts[i] += *v
						a.imputed[i] = a.imputed[i] || e.Type == EvidenceImputed
					}
				}
				if e.Type == EvidenceDeduction {
					a.deducted -= *e.Parts[2]
				}
				if e.DocNo != "" {
					excluded++
				}
			}
			if excluded == 0 {
				t.Fatal("no evidence row names an exclusion's doc_no")
			}
			div := func(n, d int64) float64 { return float64(n) / float64(d) }
			ranked := 0
			for _, row := range rk.Rows {
				if row.Rank == nil {
					continue
				}
				ranked++
				a := sums[row.Name]
				if a == nil {
					t.Fatalf("%s: no evidence", row.Name)
				}
				eq(t, row.Name+" collected", row.Collected, a.counted)
				switch kind {
				case Departments:
					dr := r.Department
					effect := dr.EffectCompletion * div(a.finished, a.counted)
					if !a.imputed[0] {
						effect += dr.EffectReply * div(a.replied, a.replyN)
					} else {
						effect = a.parts[0]
					}
					service := a.parts[1]
					if !a.imputed[1] {
						service = dr.Service * (a.weight / float64(a.rated))
					}
					efficiency := math.Max(dr.Efficiency-a.deducted, 0)
					exact(t, row.Name+" effect", row.Effect, round2(effect))
					exact(t, row.Name+" service", row.Service, round2(service))
					exact(t, row.Name+" efficiency", row.Efficiency, round2(efficiency))
					exact(t, row.Name+" total", row.Total, round2(round2(effect)+round2(service)+round2(efficiency)))
					exact(t, row.Name+" Σ effect points", row.Effect, round2(a.parts[0]))
					exact(t, row.Name+" Σ service points", row.Service, round2(a.parts[1]))
					exact(t, row.Name+" Σ efficiency points", row.Efficiency, round2(math.Max(dr.Efficiency+a.parts[2], 0)))
				case Regions:
					rr := r.Region
					resp := div(a.assigned, a.respN)
					if a.respN == 0 {
						resp = *row.ResponseRate
					}
					sat := div(a.sat+a.basic, a.rated)
					if a.rated == 0 {
						sat = *row.SatisfactionRate
					}
					exact(t, row.Name+" response_rate", row.ResponseRate, resp)
					exact(t, row.Name+" resolution_rate", row.ResolutionRate, div(a.solved, a.counted))
					exact(t, row.Name+" satisfaction_rate", row.SatisfactionRate, sat)
					exact(t, row.Name+" total", row.Total, round2(rr.Scale*(rr.Response*resp+rr.Resolution*div(a.solved, a.counted)+rr.Satisfaction*sat)))
					exact(t, row.Name+" Σ points", row.Total, round2(a.parts[0]+a.parts[1]+a.parts[2]))
				case Cadres:
					cr := r.Cadre
					var max int64
					for _, o := range rk.Rows {
						if o.Rank != nil && sums[o.Name].solved > max {
							max = sums[o.Name].solved
						}
					}
					eq(t, row.Name+" solved", row.Solved, a.solved)
					score := a.weight / float64(a.rated)
					exact(t, row.Name+" satisfaction_score", row.SatisfactionScore, score)
					exact(t, row.Name+" total", row.Total, round2(cr.SolvedWeight*float64(a.solved)/float64(max)+cr.SatisfactionWeight*score))
					exact(t, row.Name+" Σ points", row.Total, round2(a.parts[0]+a.parts[1]))
				}
			}
			if ranked < 3 {
				t.Fatalf("%d ranked: the generated month should rank more", ranked)
			}
			t.Logf("%s: %d ranked entities re-aggregated from %d evidence rows (%d naming an exclusion)", kind, ranked, len(ev.Rows), excluded)
		})
	}
}

// exact compares a published figure with one recomputed from the evidence, to the last bit.
func exact(tb testing.TB, name string, got *float64, want float64) {
	tb.Helper()
	if got == nil {
		tb.Errorf("%s = NULL, want %v", name, want)
		return
	}
	if *got != want {
		tb.Errorf("%s = %v, want %v", name, *got, want)
	}
}

// TestPrepare_EvidenceStreamed: a publication holds no evidence rows (a month of a large
// office has millions); Each streams, in order, exactly the rows Evidence collects.
func TestPrepare_EvidenceStreamed(t *testing.T) {
	q := generatedMonth(t)
	ctx := context.Background()
	p, err := q.Period("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	q.AllowUnfinished = true // the generated month's last snapshot is taken on Oct 31
	pub, err := q.Prepare(ctx, p, at("2026-11-03 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pub.Evidence) != len(RankKinds) {
		t.Fatalf("evidence of %d rankings, want %d", len(pub.Evidence), len(RankKinds))
	}
	for i, ev := range pub.Evidence {
		if ev.Kind != RankKinds[i] || ev.Rows != nil {
			t.Errorf("evidence %d: kind %s with %d rows held, want %s streamed", i, ev.Kind, len(ev.Rows), RankKinds[i])
		}
		rk, err := q.Rank(ctx, ev.Kind, p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := q.Evidence(ctx, rk)
		if err != nil {
			t.Fatal(err)
		}
		var got []EvidenceRow
		if err := ev.Each(ctx, func(r *EvidenceRow) error { got = append(got, *r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want.Rows) || len(got) < 100 {
			t.Fatalf("%s: %d rows streamed, %d collected", ev.Kind, len(got), len(want.Rows))
		}
		for j := range got {
			if !reflect.DeepEqual(got[j], want.Rows[j]) {
				t.Fatalf("%s row %d: streamed %+v, collected %+v", ev.Kind, j, got[j], want.Rows[j])
			}
		}
	}
}
