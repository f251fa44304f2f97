package pipeline

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestCalendar_KeyUnchanged: the key of the default calendar is the one in
// testdata/timing_key.golden. Every stored ticket version carries it (timing_key), so a
// change to sql/calendar.sql or sql/timing.sql, comments included, makes the first ingest
// after an upgrade compute the timing of every current version again (seconds at 10M
// tickets). Change them on purpose, then run the test with -update.
func TestCalendar_KeyUnchanged(t *testing.T) {
	s := MustOpenStore(t)
	cal, err := WorkCalendar(context.Background(), s.DB, zhuqi.Default(), "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "timing_key.golden")
	if *update {
		if err := os.WriteFile(path, []byte(cal.Key()+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := cal.Key(); got != strings.TrimSpace(string(want)) {
		t.Errorf("timing key %s, want %s: the calendar or timing SQL changed (see the comment)", got, strings.TrimSpace(string(want)))
	}
}
