package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi/sample"
)

// versionsAtEverySnapshot fails unless, at every stored ticket snapshot S, the versions
// with as_of <= S < superseded_at are exactly each ticket's latest version at or before S
// (found by sorting every ticket's versions), and returns how many it compared.
func versionsAtEverySnapshot(t *testing.T, s *target) int {
	t.Helper()
	rows := queryStrings(t, s, `
WITH snaps AS (SELECT DISTINCT as_of AS s FROM ingests WHERE kind = 'tickets'),
by_filter AS (
    SELECT s, ticket_id, as_of, ingest_id FROM snaps, ticket_versions
    WHERE as_of <= s AND (superseded_at IS NULL OR superseded_at > s)),
by_sort AS (
    SELECT s, ticket_id, as_of, ingest_id FROM snaps, ticket_versions
    WHERE as_of <= s
    QUALIFY row_number() OVER (PARTITION BY s, ticket_id ORDER BY as_of DESC, ingest_id DESC) = 1)
SELECT (SELECT count(*) FROM by_sort) || ' ' ||
       (SELECT count(*) FROM (SELECT * FROM by_filter EXCEPT ALL SELECT * FROM by_sort)) || ' ' ||
       (SELECT count(*) FROM (SELECT * FROM by_sort EXCEPT ALL SELECT * FROM by_filter))`)
	var n, extra, missing int
	if _, err := fmt.Sscan(rows[0], &n, &extra, &missing); err != nil {
		t.Fatal(err)
	}
	if extra != 0 || missing != 0 {
		t.Errorf("versions at the snapshots: %d by superseded_at that the sort does not give, %d the other way", extra, missing)
	}
	return n
}

// TestSupersededAt: each version records when its ticket's next version replaced it, as
// snapshots arrive in order and when an older one arrives late.
func TestSupersededAt(t *testing.T) {
	dir := t.TempDir()
	v := func(day, status string) string {
		return writeFile(t, dir, "tickets_2026-10-"+day+".csv", csvBytes(t, snapHeader, snapRows(status)))
	}
	s := MustOpenStore(t)
	mustIngest(t, s, v("29", "办理中"), Options{})
	mustIngest(t, s, v("31", "已办结"), Options{})
	mustIngest(t, s, v("30", "已答复"), Options{}) // late: goes between the two
	got := strings.Join(queryStrings(t, s, `SELECT strftime(as_of, '%m-%d') || '→' || coalesce(strftime(superseded_at, '%m-%d'), '-') || ':' || is_current
		FROM ticket_versions WHERE ticket_id = 'S2' ORDER BY as_of`), " ")
	if want := "10-30→10-31:false 10-31→11-01:false 11-01→-:true"; got != want {
		t.Errorf("S2's versions = %s, want %s", got, want)
	}
	if n := versionsAtEverySnapshot(t, s); n != 6 {
		t.Errorf("%d versions at the 3 snapshots, want 6", n)
	}
}

// TestSupersededAt_Sample: on the generated sample's month-end snapshots, the versions at
// every snapshot by superseded_at are those found by sorting.
func TestSupersededAt_Sample(t *testing.T) {
	dir := t.TempDir()
	sum, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: 3000, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	s := MustOpenStore(t)
	snapshots := 0
	for _, f := range sum.Files {
		if f.Kind == "tickets" && f.Format == "csv" {
			mustIngest(t, s, f.Path, Options{})
			snapshots++
		}
	}
	if snapshots < 2 {
		t.Fatalf("%d ticket snapshots, want several", snapshots)
	}
	if n := versionsAtEverySnapshot(t, s); n < 3000 {
		t.Errorf("only %d versions compared", n)
	}
}
