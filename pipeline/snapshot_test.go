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
	for _, step := range []string{"loaded", "rejects", "warnings", "versions", "ledger"} {
		t.Run("Err_FailAt_"+step, func(t *testing.T) {
			s := MustOpenStore(t)
			mustIngest(t, s, first, Options{})
			before := fingerprint(t, s)
			injected := errors.New("injected")
			s.failpoint = func(at string) error {
				if at == step {
					return injected
				}
				return nil
			}
			_, err := s.Ingest(context.Background(), zhuqi.Default(), later, Options{})
			if !errors.Is(err, injected) {
				t.Fatalf("err = %v, want the injected error", err)
			}
			if got := fingerprint(t, s); got != before {
				t.Errorf("database changed:\n%s\n%s", before, got)
			}
			s.failpoint = nil
			if rep := mustIngest(t, s, later, Options{}); rep.Duplicate || rep.Versions != 1 {
				t.Errorf("retry after failure: duplicate %v, versions %d", rep.Duplicate, rep.Versions)
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
