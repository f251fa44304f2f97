package pipeline

import (
	"context"
	"fmt"
	"testing"
)

// TestStore_TextWithoutFSST: ticket versions are written without FSST (store.go), though
// DuckDB would choose it for their ticket ids.
func TestStore_TextWithoutFSST(t *testing.T) {
	s := MustOpenStore(t)
	var rows [][]string
	for i := range 20000 {
		rows = append(rows, []string{fmt.Sprintf("WF-2026-10-%06d", i*7919%1000003), "潍坊华星机械有限公司", "奎文区", "用地", "2026-10-03 14:05", "", "办理中", "", ""})
	}
	mustIngest(t, s, writeFile(t, t.TempDir(), "tickets_2026-10-31.csv", csvBytes(t, snapHeader, rows)), Options{})
	ctx := context.Background()
	for _, q := range []string{
		"CHECKPOINT",
		// The same ids in a table written with DuckDB's defaults.
		"RESET disabled_compression_methods",
		"CREATE TABLE ids AS SELECT ticket_id FROM ticket_versions",
		"CHECKPOINT",
	} {
		if _, err := s.DB.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	fsst := func(table string) []string {
		return queryStrings(t, s, fmt.Sprintf("SELECT DISTINCT column_name FROM pragma_storage_info('%s') WHERE compression ILIKE '%%fsst%%' ORDER BY 1", table))
	}
	if got := fsst("ids"); len(got) != 1 {
		t.Fatalf("with DuckDB's defaults, FSST columns = %v, want [ticket_id] (the test's ids no longer take FSST)", got)
	}
	if got := fsst("ticket_versions"); len(got) > 0 {
		t.Errorf("ticket_versions has FSST columns %v, want none", got)
	}
}
