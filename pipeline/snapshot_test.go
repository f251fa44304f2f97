package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

var snapHeader = []string{"诉求编号", "企业名称", "县市区", "诉求类别", "提报时间", "办结时间", "办理状态", "办理结果", "企业评价"}

func snapRows(status2 string) [][]string {
	return [][]string{
		{"S1", "潍坊华星机械有限公司", "奎文区", "用地", "2026-10-03 14:05", "", "办理中", "", ""},
		{"S2", "潍坊裕丰食品有限公司", "潍城区", "融资", "2026-10-04 09:00", "", status2, "", ""},
	}
}

// TestIngest_Snapshots covers DOMAIN §1.2.
func TestIngest_Snapshots(t *testing.T) {
	dir := t.TempDir()
	first := writeFile(t, dir, "tickets_2026-10-30.csv", csvBytes(t, snapHeader, snapRows("办理中")))
	later := writeFile(t, dir, "tickets_2026-10-31.csv", csvBytes(t, snapHeader, snapRows("已办结")))

	t.Run("OK_SameFileTwiceChangesNothing", func(t *testing.T) {
		s := MustOpenStore(t)
		mustIngest(t, s, first, Options{})
		before := fingerprint(t, s)
		rep := mustIngest(t, s, first, Options{})
		if !rep.Duplicate || rep.DuplicateOf != 1 {
			t.Errorf("second ingest: duplicate = %v of %d, want true of 1", rep.Duplicate, rep.DuplicateOf)
		}
		if got := fingerprint(t, s); got != before {
			t.Errorf("database changed:\n%s\n%s", before, got)
		}
	})

	t.Run("OK_LaterSnapshotKeepsHistory", func(t *testing.T) {
		s := MustOpenStore(t)
		mustIngest(t, s, first, Options{})
		rep := mustIngest(t, s, later, Options{})
		if got, want := rep.Versions, int64(1); got != want {
			t.Errorf("versions added = %d, want %d (S1 is unchanged)", got, want)
		}
		if got, want := strings.Join(queryStrings(t, s, "SELECT ticket_id, status FROM tickets ORDER BY 1"), " "), "S1|in_progress S2|resolved"; got != want {
			t.Errorf("current = %s, want %s", got, want)
		}
		if got, want := strings.Join(queryStrings(t, s, "SELECT ticket_id, strftime(as_of, '%m-%d'), status, is_current FROM ticket_versions ORDER BY 1, 2"), " "),
			"S1|10-31|in_progress|true S2|10-31|in_progress|false S2|11-01|resolved|true"; got != want {
			t.Errorf("versions = %s\nwant %s", got, want)
		}
	})

	t.Run("OK_OlderSnapshotIngestedLateStaysHistory", func(t *testing.T) {
		s := MustOpenStore(t)
		mustIngest(t, s, later, Options{})
		mustIngest(t, s, first, Options{})
		if got, want := strings.Join(queryStrings(t, s, "SELECT ticket_id, status FROM tickets ORDER BY 1"), " "), "S1|in_progress S2|resolved"; got != want {
			t.Errorf("current = %s, want %s", got, want)
		}
		if got, want := len(queryStrings(t, s, "SELECT * FROM ticket_versions")), 3; got != want {
			t.Errorf("versions = %d, want %d", got, want)
		}
	})

	// An error at any step of the write leaves the database exactly as before.
	for _, step := range []string{"loaded", "rejects", "warnings", "versions", "timing", "ledger"} {
		t.Run("Err_FailAt_"+step, func(t *testing.T) {
			s := MustOpenStore(t)
			mustIngest(t, s, first, Options{})
			failAt(t, s, later, step)
			if rep := mustIngest(t, s, later, Options{}); rep.Duplicate || rep.Versions != 1 {
				t.Errorf("retry after failure: duplicate %v, versions %d", rep.Duplicate, rep.Versions)
			}
		})
	}

	// A first load whose rows are all read in Go skips the SQL steps, not the transaction.
	for _, step := range []string{"new tickets", "timing", "ledger"} {
		t.Run("Err_AllInGoFailAt_"+step, func(t *testing.T) {
			t.Setenv(fastPathEnv, "on") // a test of the direct path
			s := MustOpenStore(t)
			failAt(t, s, first, step)
			rep := mustIngest(t, s, first, Options{})
			if rep.Staging != stagingDirect || rep.Direct != 2 || rep.Read != 2 || rep.Versions != 2 || steps(rep, "normalise") > 0 {
				t.Errorf("retry after failure: staging %s, %d of %d rows read in Go, %d versions, steps %v; want %s, 2 of 2, 2, no normalise",
					rep.Staging, rep.Direct, rep.Read, rep.Versions, rep.Steps, stagingDirect)
			}
		})
	}

	// New tickets read in Go are inserted inside the file's transaction too.
	for _, step := range []string{"new tickets", "versions", "ledger"} {
		t.Run("Err_NewTicketsFailAt_"+step, func(t *testing.T) {
			t.Setenv(fastPathEnv, "on") // a test of the direct path
			s := MustOpenStore(t)
			mustIngest(t, s, first, Options{})
			rows := snapRows("已办结")
			for i := 3; i <= 20; i++ {
				rows = append(rows, []string{fmt.Sprintf("S%d", i), "潍坊华星机械有限公司", "奎文区", "用地", "2026-10-05 10:00", "", "办理中", "", ""})
			}
			more := writeFile(t, t.TempDir(), "tickets_2026-11-02.csv", csvBytes(t, snapHeader, rows))
			failAt(t, s, more, step)
			if rep := mustIngest(t, s, more, Options{}); rep.Staging != stagingDirect || rep.Direct != 18 || rep.Versions != 19 {
				t.Errorf("retry after failure: staging %s, %d rows read in Go, %d versions; want %s, 18, 19", rep.Staging, rep.Direct, rep.Versions, stagingDirect)
			}
		})
	}

	// A file that breaks half-way through reading (a cell beyond Excel's limit on row 60)
	// loads nothing, not its first half.
	t.Run("Err_MidFileLoadsNothing", func(t *testing.T) {
		s := MustOpenStore(t)
		var rows [][]string
		for i := 0; i < 100; i++ {
			r := []string{fmt.Sprintf("M%03d", i), "潍坊华星机械有限公司", "奎文区", "用地", "2026-10-03 14:05", "", "办理中", "", ""}
			if i == 58 {
				r[7] = strings.Repeat("长", 40000)
			}
			rows = append(rows, r)
		}
		p := writeFile(t, dir, "mid_2026-10-31.csv", gbk(t, csvBytes(t, snapHeader, rows)))
		before := fingerprint(t, s)
		_, err := s.Ingest(context.Background(), zhuqi.Default(), p, Options{})
		if !errors.Is(err, ErrFileUnreadable) || !strings.Contains(err.Error(), "row 60") {
			t.Fatalf("err = %v, want it to name row 60", err)
		}
		if got := fingerprint(t, s); got != before {
			t.Errorf("database changed:\n%s\n%s", before, got)
		}
	})
}

// TestIngest_UnchangedRowsAreNotParsed: a later export whose row is, as read, the same as
// its ticket's current version is counted as loaded and unchanged without being parsed;
// a row repeated in the file is still rejected; a changed configuration parses everything.
func TestIngest_UnchangedRowsAreNotParsed(t *testing.T) {
	dir := t.TempDir()
	first := writeFile(t, dir, "tickets_2026-10-30.csv", csvBytes(t, snapHeader, snapRows("办理中")))
	rows := append(snapRows("已办结"), snapRows("办理中")[0]) // S1 again on row 4
	later := writeFile(t, dir, "tickets_2026-10-31.csv", csvBytes(t, snapHeader, rows))
	s := MustOpenStore(t)
	mustIngest(t, s, first, Options{})
	rep := mustIngest(t, s, later, Options{})
	if rep.Read != 3 || rep.Loaded != 2 || rep.Unchanged != 1 || rep.Versions != 1 || rep.Rejected != 1 {
		t.Errorf("read %d loaded %d unchanged %d versions %d rejected %d, want 3 2 1 1 1", rep.Read, rep.Loaded, rep.Unchanged, rep.Versions, rep.Rejected)
	}
	if got := queryStrings(t, s, "SELECT row_number || ':' || code FROM rejects"); len(got) != 1 || got[0] != "4:duplicate_id" {
		t.Errorf("rejects = %v, want the repeated S1 on row 4", got)
	}

	cfg := zhuqi.Default()
	cfg.Enums["status"][0].Labels = append(cfg.Enums["status"][0].Labels, "待分派")
	again := writeFile(t, dir, "tickets_2026-11-01.csv", csvBytes(t, snapHeader, snapRows("已办结")))
	rep, err := s.Ingest(context.Background(), cfg, again, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 0 || rep.Versions != 0 || rep.Loaded != 2 {
		t.Errorf("after a configuration change: unchanged %d versions %d loaded %d, want 0 0 2 (parsed again, same values)", rep.Unchanged, rep.Versions, rep.Loaded)
	}
	// The parsed rows lent their raw hash to the current versions: the next export under the
	// same configuration skips them again.
	// (A trailing blank row makes it another file with the same rows.)
	next := writeFile(t, dir, "tickets_2026-11-02.csv", append(csvBytes(t, snapHeader, snapRows("已办结")), ",,,,,,,,\n"...))
	rep, err = s.Ingest(context.Background(), cfg, next, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 2 {
		t.Errorf("next export: unchanged %d, want 2", rep.Unchanged)
	}
}

// failAt ingests path with an error injected after step, and checks that the ingest
// fails with it and leaves the database as it was.
func failAt(t *testing.T, s *target, path, step string) {
	t.Helper()
	before := fingerprint(t, s)
	injected := errors.New("injected")
	s.failpoint = func(at string) error {
		if at == step {
			return injected
		}
		return nil
	}
	defer func() { s.failpoint = nil }()
	_, err := s.Ingest(context.Background(), zhuqi.Default(), path, Options{})
	if !errors.Is(err, injected) {
		t.Fatalf("err = %v, want the injected error", err)
	}
	if got := fingerprint(t, s); got != before {
		t.Errorf("database changed:\n%s\n%s", before, got)
	}
}

// TestIngest_RowNumbersOfALargeFile: DuckDB reads a large CSV on several threads, and
// the direct path streams rows through a goroutine; the row numbers of rejects and
// versions must still be the rows of the file.
func TestIngest_RowNumbersOfALargeFile(t *testing.T) {
	for _, staging := range []string{"duckdb read_csv", stagingDirect} {
		t.Run(staging, func(t *testing.T) {
			if staging == stagingDirect {
				t.Setenv(fastPathEnv, "on") // the direct path's case
			}
			testRowNumbers(t, staging)
		})
	}
}

func testRowNumbers(t *testing.T, staging string) {
	const n = 300000
	var b strings.Builder
	b.WriteString(strings.Join(snapHeader, ",") + "\n")
	for i := 1; i <= n; i++ {
		created := "2026-10-03 14:05"
		if i == 123457 || i == n-1 {
			created = "不详"
		}
		fmt.Fprintf(&b, "L%07d,企业%d,奎文区,用地,%s,,办理中,,\n", i, i, created)
	}
	path := writeFile(t, t.TempDir(), "tickets_2026-10-31.csv", []byte(b.String()))
	s := MustOpenStore(t)
	rep := mustIngest(t, s, path, Options{sqlOnly: staging != stagingDirect})
	if rep.Staging != staging {
		t.Fatalf("staging = %s, want %s", rep.Staging, staging)
	}
	if staging == stagingDirect && rep.Direct != n-2 {
		t.Errorf("%d rows read in Go, want %d", rep.Direct, n-2)
	}
	got := queryStrings(t, s, "SELECT row_number || ':' || (raw->>'诉求编号') FROM rejects ORDER BY row_number")
	if want := fmt.Sprintf("123458:L0123457 %d:L%07d", n, n-1); strings.Join(got, " ") != want {
		t.Errorf("rejects = %v, want %s (data row i is file row i+1)", got, want)
	}
	if got := queryStrings(t, s, "SELECT row_number FROM ticket_versions WHERE ticket_id = 'L0250000'"); len(got) != 1 || got[0] != "250001" {
		t.Errorf("row of L0250000 = %v, want 250001", got)
	}
}
