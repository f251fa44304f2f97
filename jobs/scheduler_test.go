package jobs

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi/queries"
)

func summary(runs []*Run) []string {
	var out []string
	for _, r := range runs {
		out = append(out, r.Job+" "+r.Period+" "+r.Status)
	}
	return out
}

func newScheduler(t *testing.T, te *testEnv) *Scheduler {
	t.Helper()
	js, err := FromConfig(te.Config)
	if err != nil {
		t.Fatal(err)
	}
	s := &Scheduler{Env: te.Env, Jobs: js, CheckEvery: 5 * time.Minute}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestScheduler_CatchUpAfterOutage: the scheduler starts on 28 October, is down from
// then until 7 November, and on its restart runs each missed (job, period) once, oldest
// first; running again, or restarting again, runs nothing.
func TestScheduler_CatchUpAfterOutage(t *testing.T) {
	ctx := context.Background()
	te := newTestEnv(t, at("2026-10-28 10:00"))
	te.ingestSample(t, 1500)

	s := newScheduler(t, te)
	if runs := s.Tick(ctx, te.clock.Now()); len(runs) != 0 {
		t.Fatalf("first start ran %v", summary(runs))
	}

	te.clock.Set(at("2026-11-07 10:00"))
	os.MkdirAll(te.Inbox.Dir, 0o755)
	os.WriteFile(filepath.Join(te.Inbox.Dir, "targets_2026.csv"), []byte("entity_type,entity,metric,year,target,unit\nregion,奎文区,revenue,2026,100,万元\n"), 0o644)
	s = newScheduler(t, te)
	runs := s.Tick(ctx, te.clock.Now())
	var got []string
	for _, r := range runs {
		if r.Status != StatusSucceeded {
			t.Errorf("%s %s: %s %s", r.Job, r.Period, r.Status, r.Error)
		}
		if r.Job != "overdue" {
			got = append(got, r.Job+" "+r.Period+" "+r.Trigger)
		}
	}
	want := []string{"briefing 2026-10 catch-up", "cadres 2026-W44 catch-up", "ranking 2026-10 catch-up", "ingest 2026-11-07T10:00:00 schedule"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("runs %v, want %v", got, want)
	}
	// At 08:00 on 1 November the overdue list comes before the briefing (job order).
	calls := strings.Join(te.rec.calls, ",")
	wantCalls := "overdue 2026-10-29,overdue 2026-10-30,overdue 2026-10-31,overdue 2026-11-01,briefing 2026-10,overdue 2026-11-02,cadres 2026-W44," +
		"overdue 2026-11-03,ranking 2026-10,overdue 2026-11-04,overdue 2026-11-05,overdue 2026-11-06,overdue 2026-11-07"
	if calls != wantCalls {
		t.Errorf("report calls\n%s\nwant\n%s", calls, wantCalls)
	}
	// The ranking publication and the report land in the dated folder of their fire time.
	for _, f := range []string{"2026-11-03/ranking-2026-10/ranking-2026-10-v1.json", "2026-11-03/ranking-2026-10/ranking-departments-2026-10-v1.csv", "2026-11-03/ranking-2026-10/ranking-2026-10.txt", "2026-11-01/briefing-2026-10/briefing-2026-10.txt"} {
		if _, err := os.Stat(filepath.Join(te.Out, f)); err != nil {
			t.Error(err)
		}
	}
	// The job records the publication with the files it delivered.
	var files string
	te.query(t, `SELECT files::VARCHAR FROM publications WHERE publication_id = 'ranking-2026-10-v1'`, &files)
	if !strings.Contains(files, `"2026-11-03/ranking-2026-10/ranking-2026-10-v1.json"`) {
		t.Errorf("publication recorded with files %s, want the delivered ones", files)
	}
	var n int
	te.query(t, `SELECT count(*) FROM runs WHERE status = 'succeeded'`, &n)
	if n != len(runs) {
		t.Errorf("%d succeeded runs in the ledger, want %d", n, len(runs))
	}

	if again := s.Tick(ctx, te.clock.Now()); len(again) != 0 {
		t.Errorf("second tick ran %v", summary(again))
	}
	s = newScheduler(t, te)
	if again := s.Tick(ctx, te.clock.Now()); len(again) != 0 {
		t.Errorf("after a restart ran %v", summary(again))
	}

	t.Run("OK_SecondRunIsANoOp", func(t *testing.T) {
		j, _ := NewJob("ranking", "0 9 3 * *", shanghai)
		d := Due{Job: "ranking", Period: j.PeriodAt(at("2026-11-03 09:00")), FireTime: at("2026-11-03 09:00")}
		r, err := te.Run(ctx, d, "manual", false)
		if err != nil || r.Status != StatusSkipped {
			t.Fatalf("status %v, err %v", r, err)
		}
		r, err = te.Run(ctx, d, "manual", true)
		if err != nil || r.Status != StatusSucceeded {
			t.Fatalf("forced: %v, %v", r, err)
		}
		// The forced run replaced the folder; the earlier outputs were moved aside.
		ms, _ := filepath.Glob(filepath.Join(te.Out, "2026-11-03", "ranking-2026-10.replaced-*"))
		if len(ms) != 1 {
			t.Errorf("moved-aside folders: %v", ms)
		}
	})
}

// TestScheduler_FailuresRetryAndTheNextStillRuns: a transient failure is retried with a
// doubling backoff; a run that keeps failing is marked failed and the next run still
// happens; a failed (job, period) is not planned again.
func TestScheduler_FailuresRetryAndTheNextStillRuns(t *testing.T) {
	ctx := context.Background()
	te := newTestEnv(t, at("2026-10-31 12:00"))
	te.ingestSample(t, 800)
	te.rec.fail["briefing 2026-10"] = 1
	te.rec.fail["overdue 2026-11-01"] = 99
	s := newScheduler(t, te)
	te.clock.Set(at("2026-11-02 12:00"))
	runs := s.Tick(ctx, te.clock.Now())
	got := strings.Join(summary(without2(runs, "ingest")), "|")
	want := "overdue 2026-11-01 failed|briefing 2026-10 succeeded|overdue 2026-11-02 succeeded|cadres 2026-W44 succeeded"
	if got != want {
		t.Errorf("runs %s\nwant %s", got, want)
	}
	for _, r := range runs {
		if r.Job == "overdue" && r.Period == "2026-11-01" && (r.Attempts != 3 || !strings.Contains(r.Error, "on fire")) {
			t.Errorf("failed run: %+v", r)
		}
		if r.Job == "briefing" && r.Attempts != 2 {
			t.Errorf("briefing attempts %d, want 2", r.Attempts)
		}
	}
	if w := []time.Duration{30 * time.Second, 60 * time.Second, 30 * time.Second}; len(te.waits) != 3 || te.waits[0] != w[0] || te.waits[1] != w[1] || te.waits[2] != w[2] {
		t.Errorf("backoff waits %v, want %v", te.waits, w)
	}
	if !strings.Contains(te.logs.String(), "run failed") || !strings.Contains(te.logs.String(), "run_id=") {
		t.Errorf("log lacks the failure:\n%s", te.logs)
	}
	if again := s.Tick(ctx, te.clock.Now()); len(again) != 0 {
		t.Errorf("ran again: %v", summary(again))
	}
}

func without2(runs []*Run, job string) []*Run {
	var out []*Run
	for _, r := range runs {
		if r.Job != job {
			out = append(out, r)
		}
	}
	return out
}

// TestRun_PanicIsAFailedRun: a report that panics fails its run (after its attempts) and
// the scheduler goes on; the failure and the publication are announced to the robot.
func TestRun_PanicIsAFailedRun(t *testing.T) {
	ctx := context.Background()
	te := newTestEnv(t, at("2026-11-01 07:00"))
	te.ingestSample(t, 500)
	te.Report = func(ctx context.Context, q *queries.Q, kind string, p queries.Period, dir string) ([]string, error) {
		if kind == "overdue" {
			panic("nil map")
		}
		return te.rec.Report(ctx, q, kind, p, dir)
	}
	var mu sync.Mutex
	var msgs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		msgs = append(msgs, string(b))
		mu.Unlock()
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer srv.Close()
	te.Notifier = &Notifier{URL: srv.URL, Kind: "wecom", Format: "markdown", Timeout: time.Second, Attempts: 1, Log: te.Log}
	s := newScheduler(t, te)
	te.clock.Set(at("2026-11-01 08:00"))
	got := strings.Join(summary(without2(s.Tick(ctx, te.clock.Now()), "ingest")), "|")
	if want := "overdue 2026-11-01 failed|briefing 2026-10 succeeded"; got != want {
		t.Errorf("runs %s, want %s", got, want)
	}
	te.Notifier.Wait(5 * time.Second)
	mu.Lock()
	all := strings.Join(msgs, "\n")
	mu.Unlock()
	if len(msgs) != 2 || !strings.Contains(all, "任务失败 run failed: 督办清单 overdue list 2026-11-01") ||
		!strings.Contains(all, "### 月度运行分析 monthly briefing 2026-10") || !strings.Contains(all, "2026-11-01/briefing-2026-10/briefing-2026-10.txt") {
		t.Errorf("announcements:\n%s", all)
	}
	var msg string
	te.query(t, `SELECT error FROM runs WHERE job = 'overdue'`, &msg)
	if !strings.Contains(msg, "panic: nil map") {
		t.Errorf("error %q", msg)
	}
}
