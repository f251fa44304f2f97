package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestJobsCommands runs jobs by hand on a copy of the sample database, with the clock
// at 3 November 2026 09:30, and reads the ledger back.
func TestJobsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	copyFile(t, sampleDatabase(t), db)
	conf := filepath.Join(dir, "zhuqi.toml")
	os.WriteFile(conf, []byte(fmt.Sprintf("[jobs]\ninbox = %q\nout = %q\n", filepath.Join(dir, "inbox"), filepath.Join(dir, "out"))), 0o644)
	now := time.Date(2026, 11, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	jobs := func(args ...string) (int, string, string) {
		var out, errb strings.Builder
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: func() time.Time { return now }}
		err := m.Run(context.Background(), append(append([]string{"jobs"}, args...), "--config", conf))
		return exitCode(errorsTo(&errb, err)), out.String(), errb.String()
	}
	t.Run("OK_Run", func(t *testing.T) {
		code, out, errs := jobs("run", "briefing", "--period", "2026-10", "--db", db)
		if code != 0 || !strings.Contains(out, "briefing 2026-10 succeeded") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		for _, f := range []string{"briefing-2026-10.pdf", "briefing-2026-10.html", "charts/briefing-2026-10-trend.png"} {
			b, err := os.ReadFile(filepath.Join(dir, "out", "2026-11-03", "briefing-2026-10", f))
			if err != nil || len(b) < 50 {
				t.Errorf("%s: %d bytes, %v", f, len(b), err)
			}
		}
		if code, out, _ := jobs("run", "briefing", "--period", "2026-10", "--db", db); code != 0 || !strings.Contains(out, "already done") {
			t.Errorf("second run: exit %d, %s", code, out)
		}
		// No --period: the period of the latest fire time, 3 November 09:00 → October.
		code, out, errs = jobs("run", "ranking", "--db", db)
		if code != 0 || !strings.Contains(out, "ranking 2026-10 succeeded") || !strings.Contains(out, "ranking-departments-2026-10-v1.csv") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		// Flags before the job's name.
		if code, out, _ := jobs("run", "--period", "2026-10", "--db", db, "briefing"); code != 0 || !strings.Contains(out, "already done") {
			t.Errorf("flags first: exit %d, %s", code, out)
		}
		if code, out, errs := jobs("run", "cadres", "--db", db); code != 0 || !strings.Contains(out, "cadres 2026-W44 succeeded") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
	})
	t.Run("OK_History", func(t *testing.T) {
		code, out, errs := jobs("history", "--db", db, "--format", "csv")
		if code != 0 || !strings.HasPrefix(out, "run_id,job,period,trigger,started_at,finished_at,status,attempts,outputs,error\n") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		if n := strings.Count(out, ",manual,"); n != 3 || strings.Count(out, ",succeeded,") != 3 {
			t.Errorf("history:\n%s", out)
		}
	})
	t.Run("OK_List", func(t *testing.T) {
		code, out, errs := jobs("list", "--format", "csv", "--db", db)
		if code != 0 || !strings.Contains(out, "ranking,排名通报 ranking publication,0 9 3 * *,true,false,2026-12-03T09:00:00+08:00,2026-11,2027-01-03T09:00:00+08:00,2026-10,succeeded,2026-11-03T09:30:00+08:00\n") ||
			!strings.Contains(out, "\nbulletin,季度通报 quarterly bulletin,\"0 9 5 1,4,7,10 *\",true,false,2027-01-05T09:00:00+08:00,2026-Q4,2027-04-05T09:00:00+08:00,,,\n") {
			t.Errorf("exit %d\n%s\n%s", code, out, errs)
		}
	})
	t.Run("ErrMisuse", func(t *testing.T) {
		for _, args := range [][]string{{"run", "nosuch"}, {"run"}, {"nosuch"}, {"run", "briefing", "--period", "October"}} {
			if code, _, errs := jobs(args...); code != 2 {
				t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
			}
		}
	})
}
