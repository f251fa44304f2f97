package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// TestExplainCommand: `zhuqi explain department NAME` traces the last department of the
// ranking to the same total and rank `zhuqi rank` shows, in Chinese for a terminal, as CSV
// steps and as JSON with the tickets that cost it points; flags go before or after the
// name; an unknown name is misuse naming the valid ones.
func TestExplainCommand(t *testing.T) {
	db := sampleDatabase(t)
	_, out, _ := run(t, "rank", "departments", "--db", db, "--period", "2026-10", "--format", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	var last map[string]any
	for _, r := range rows {
		if r["status"] == "ranked" {
			last = r
		}
	}
	name := last["name"].(string)

	code, text, errs := run(t, "explain", "department", name, "--db", db, "--period", "2026-10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"部门排名「" + name + "」", "办结率", "按时答复率", "满意度得分", "总分", "失分诉求", "审核剔除", "扣分"} {
		if !strings.Contains(text, want) {
			t.Errorf("explain lacks %q:\n%s", want, text)
		}
	}
	code, js, errs := run(t, "explain", "department", "--db", db, "--period", "2026-10", "--format", "json", name)
	if code != 0 {
		t.Fatalf("flags before the name: exit %d: %s", code, errs)
	}
	var x struct {
		Total  float64 `json:"total"`
		Rank   int     `json:"rank"`
		Costly []struct {
			TicketID string   `json:"ticket_id"`
			Points   float64  `json:"points_lost"`
			Why      []string `json:"why"`
		} `json:"costly_tickets"`
	}
	if err := json.Unmarshal([]byte(js), &x); err != nil {
		t.Fatal(err)
	}
	if x.Total != last["total"].(float64) || float64(x.Rank) != last["rank"].(float64) {
		t.Errorf("explain total %v rank %d, rank shows %v and %v", x.Total, x.Rank, last["total"], last["rank"])
	}
	if x.Total < 100 && len(x.Costly) == 0 {
		t.Errorf("total %v below 100 but no ticket cost points", x.Total)
	}
	for _, c := range x.Costly {
		if c.Points <= 0 || len(c.Why) == 0 || !strings.HasPrefix(c.TicketID, "WF") {
			t.Errorf("costly ticket %+v", c)
		}
	}
	_, c, _ := run(t, "explain", "department", name, "--db", db, "--period", "2026-10", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(c)).ReadAll()
	if err != nil || strings.Join(recs[0], ",") != "item,formula,value" || len(recs) < 9 {
		t.Errorf("csv steps: %v %v", recs, err)
	}

	code, _, errs = run(t, "explain", "department", "没有这个部门", "--db", db, "--period", "2026-10")
	if code != 2 || !strings.Contains(errs, name) {
		t.Errorf("unknown name: exit %d, %s", code, errs)
	}
	if code, _, _ := run(t, "explain", "bureau", name, "--db", db, "--period", "2026-10"); code != 2 {
		t.Errorf("unknown entity kind: exit %d, want 2", code)
	}
}
