package queries

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

// TestQueries_WriteNothing: queries only reads. On a store opened read-only (where any
// write to the database file fails), a session prepares a new version of a publication
// (with its changes against the stored one and its evidence), ranks, measures, lists and
// loads publications and installs the ad-hoc macros; recording the publication is left
// to the publishing package, and fails here.
func TestQueries_WriteNothing(t *testing.T) {
	f, q := rankFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 1, 0, 0, 0, time.UTC)
	if _, err := f.publish(ctx, q, f.period(q, "2026-10"), now); err != nil {
		t.Fatal(err)
	}
	// New inputs: the next Prepare makes version 2.
	f.facts(zhuqi.KindDeductions, []string{"department", "month", "points", "reason"}, [][]string{{"乙局", "2026-10", "10", "补充扣分"}})
	q.Close()
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}

	st, err := store.OpenReadOnly(ctx, filepath.Join(f.dir, "zhuqi.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ro, err := Open(ctx, st, f.cfg)
	if err != nil {
		t.Fatalf("open a session on a read-only store: %v", err)
	}
	defer ro.Close()
	p := f.period(ro, "2026-10")
	pub, err := ro.Prepare(ctx, p, now.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("prepare on a read-only store: %v", err)
	}
	if pub.Existing || pub.Version != 2 || pub.Changes == nil || len(pub.Evidence) != len(RankKinds) {
		t.Fatalf("prepared %s (existing %v, changes %v, %d evidence), want a new version 2 with changes and the evidence of each ranking",
			pub.ID, pub.Existing, pub.Changes != nil, len(pub.Evidence))
	}
	for _, k := range RankKinds {
		if _, err := ro.Rank(ctx, k, p); err != nil {
			t.Errorf("rank %s: %v", k, err)
		}
	}
	if _, err := ro.Metrics(ctx, p, []string{"region"}); err != nil {
		t.Errorf("metrics: %v", err)
	}
	if list, err := ro.Publications(ctx); err != nil || len(list) != 1 {
		t.Errorf("publications: %d (%v), want 1", len(list), err)
	}
	if _, err := ro.Publication(ctx, "ranking-2026-10-v1"); err != nil {
		t.Errorf("publication: %v", err)
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := InstallMacros(ctx, conn, f.cfg); err != nil {
		t.Errorf("install the ad-hoc macros: %v", err)
	}

	// The store is read-only indeed: recording the prepared version fails.
	rec, err := pub.Record(ro.Location())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SavePublication(ctx, rec, nil); err == nil {
		t.Fatal("a read-only store recorded a publication")
	}
}
