package main

import (
	"context"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi/adhoc"
)

// contractRelations are the tables and views of DOMAIN §7; runs comes with the scheduler.
var contractRelations = []string{"tickets", "ticket_versions", "ingests", "rejects", "targets", "actuals",
	"benchmarks", "deductions", "calendar", "publications", "runs"}

func TestSchema_EveryRelationAndColumnDocumented(t *testing.T) {
	db := sampleDatabase(t)
	rels, err := (&adhoc.Session{Path: db}).Relations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]adhoc.Relation{}
	for _, r := range rels {
		byName[r.Name] = r
		if r.Comment == "" {
			t.Errorf("%s %s has no COMMENT ON", r.Kind, r.Name)
		}
		for _, c := range r.Columns {
			if c.Comment == "" {
				t.Errorf("column %s.%s has no comment", r.Name, c.Name)
			}
		}
	}
	for _, name := range contractRelations {
		if _, ok := byName[name]; !ok && name != "runs" {
			t.Errorf("%s is missing", name)
		}
	}

	code, out, errs := run(t, "schema", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"tickets (view)", "ticket_versions (table)", "created_at", "TIMESTAMP",
		"提报时间", "calendar (table)", "metrics_by", "(period, dim)", "department_ranking"} {
		if !strings.Contains(out, want) {
			t.Errorf("zhuqi schema lacks %q", want)
		}
	}
}
