package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/sample"
)

// fastPathOn says whether this run's ingests use the Go fast paths ($ZHUQI_FAST_PATH, else
// the default configuration): a test of what a row becomes checks the path it took only
// when they do. Tests of the fast path itself set $ZHUQI_FAST_PATH=on.
func fastPathOn(tb testing.TB) bool {
	tb.Helper()
	on, err := fastPath(zhuqi.Default())
	if err != nil {
		tb.Fatal(err)
	}
	return on
}

// TestFastPath_Setting: [ingest] fast_path and $ZHUQI_FAST_PATH decide fastPath, the
// environment first; a value that is neither on nor off is an error saying so; the
// setting does not enter the raw row hashes' fingerprint.
func TestFastPath_Setting(t *testing.T) {
	on, off := zhuqi.Default(), zhuqi.Default()
	off.Ingest.FastPath = new(bool)
	for _, c := range []struct {
		env  string
		cfg  *zhuqi.Config
		want bool
	}{
		{"", on, true}, {"", off, false}, {"off", on, false}, {"OFF", on, false}, {"0", on, false},
		{"on", off, true}, {"true", off, true},
	} {
		t.Setenv(fastPathEnv, c.env)
		got, err := fastPath(c.cfg)
		if err != nil || got != c.want {
			t.Errorf("%s=%q, fast_path %v: got %v, %v; want %v", fastPathEnv, c.env, c.cfg.Ingest.FastPath != nil && *c.cfg.Ingest.FastPath, got, err, c.want)
		}
	}
	t.Setenv(fastPathEnv, "slow")
	if _, err := fastPath(on); err == nil || !strings.Contains(err.Error(), "want on or off") {
		t.Errorf("%s=slow: error %v; want one saying on or off", fastPathEnv, err)
	}
	if _, err := MustOpenStore(t).Ingest(context.Background(), on, writeFile(t, t.TempDir(), "x.csv", []byte("诉求编号\n1\n")), Options{}); err == nil || !strings.Contains(err.Error(), fastPathEnv) {
		t.Errorf("ingest with %s=slow: error %v; want one naming the variable", fastPathEnv, err)
	}
	if cfgPrint(on) != cfgPrint(off) {
		t.Errorf("fast_path changes the raw hashes' fingerprint: %s, %s", cfgPrint(on), cfgPrint(off))
	}
}

// TestFastPath_Switched: a store whose snapshots are ingested with the fast path on one
// day and off the next (or the other way round) ends as one that always used it, every
// column but raw_hash the same, and with the same counts in the ledger; the report of an
// ingest with $ZHUQI_FAST_PATH=off shows no fast path.
func TestFastPath_Switched(t *testing.T) {
	dir := t.TempDir()
	sum, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: 2000, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range sum.Files {
		if f.Kind == "tickets" && f.Format == "csv" {
			files = append(files, withEdgeCells(t, f.Path, len(files)+1))
		}
	}
	if len(files) < 2 {
		t.Fatalf("generated %d ticket CSVs, want 2 snapshots", len(files))
	}
	cfg := zhuqi.Default()
	always := MustOpenStore(t)
	var reps []*Report
	t.Setenv(fastPathEnv, "on")
	for _, f := range files {
		a, err := always.Ingest(context.Background(), cfg, f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, a)
	}
	for _, modes := range [][]string{{"on", "off"}, {"off", "on"}, {"off", "off"}} {
		switched := MustOpenStore(t)
		for i, f := range files {
			a, mode := reps[i], modes[min(i, len(modes)-1)]
			t.Setenv(fastPathEnv, mode)
			b, err := switched.Ingest(context.Background(), cfg, f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			what := fmt.Sprintf("fast path %v, snapshot %d", modes, i+1)
			if mode == "off" {
				noFastPath(t, b, what)
			} else if steps(b, "digest") == 0 {
				t.Errorf("%s: staging %q, steps %v; want the line digest", what, b.Staging, b.Steps)
			}
			if modes[0] == modes[1] && a.Unchanged != b.Unchanged {
				t.Errorf("%s: %d rows unchanged; want %d as with the fast path", what, b.Unchanged, a.Unchanged)
			}
			if a.Read != b.Read || a.Loaded != b.Loaded || a.Rejected != b.Rejected || a.Versions != b.Versions || a.Blank != b.Blank {
				t.Errorf("%s: always on read %d loaded %d rejected %d versions %d blank %d; switched %d %d %d %d %d", what,
					a.Read, a.Loaded, a.Rejected, a.Versions, a.Blank, b.Read, b.Loaded, b.Rejected, b.Versions, b.Blank)
			}
		}
		except := []string{"raw_hash"}
		if modes[0] != modes[1] {
			// The day after a switch, no raw hash matches: every row is parsed again and
			// found to be the same as its current version (no version added), but not
			// counted as unchanged as read.
			except = append(except, "rows_unchanged")
		}
		sameTablesExcept(t, always, switched, fmt.Sprintf("fast path %v", modes), true, except...)
	}
}
