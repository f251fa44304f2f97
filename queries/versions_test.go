package queries

import (
	"context"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// TestPublish_ChangesDeductions: a deduction ingested after v1 makes v2, whose change list
// names the deduction (none before, 3 points after), the new input and the department
// whose total moved, and nothing else.
func TestPublish_ChangesDeductions(t *testing.T) {
	f, q := rankFixture(t)
	ctx := context.Background()
	p := f.period(q, "2026-10")
	v1, err := f.publish(ctx, q, p, at("2026-11-03 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	f.facts(zhuqi.KindDeductions, []string{"department", "month", "points", "reason"}, [][]string{{"戊局", "2026-10", "3", "信息报送迟报"}})
	q2 := f.open()
	v2, err := f.publish(ctx, q2, f.period(q2, "2026-10"), at("2026-11-04 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	c := v2.Changes
	if v2.Version != 2 || c == nil || c.Previous != v1.ID {
		t.Fatalf("v2 = %d, changes %+v", v2.Version, c)
	}
	if len(c.Deductions) != 1 || c.Deductions[0].Department != "戊局" || c.Deductions[0].From != nil || *c.Deductions[0].To != 3 {
		t.Errorf("deductions %+v", c.Deductions)
	}
	if len(c.NewInputs) != 1 || c.NewInputs[0].Kind != "deductions" || c.Snapshot != nil || c.Rules != nil || len(c.Exclusions) != 0 {
		t.Errorf("changes %+v", c)
	}
	var moved []string
	for _, m := range c.Moved {
		if m.Ranking == Departments {
			moved = append(moved, m.Name)
			if m.Name == "戊局" && (m.TotalFrom == nil || m.TotalTo == nil || round2(*m.TotalFrom-*m.TotalTo) != 3) {
				t.Errorf("戊局 total %v → %v, want 3 points less", *m.TotalFrom, *m.TotalTo)
			}
		}
	}
	if !contains(moved, "戊局") {
		t.Errorf("moved departments %v, want 戊局 among them", moved)
	}
	if len(v2.Evidence) != 3 {
		t.Errorf("evidence of %d rankings, want 3", len(v2.Evidence))
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
