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

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/store"
)

// TestScheduler_WaitsForData: the ranking of November is due on 3 December, but the
// latest ticket export is of 31 October. The run is recorded as waiting (no backoff, no
// failure), tried again after WaitRetry, announced once when it has waited a day, and
// runs once an export taken after November's end arrives. All on the injected clock.
func TestScheduler_WaitsForData(t *testing.T) {
	ctx := context.Background()
	te := newTestEnv(t, at("2026-12-03 08:30"))
	te.ingestSample(t, 500)
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
	messages := func() string {
		te.Notifier.Wait(5 * time.Second)
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(msgs, "\n")
	}

	js, err := FromConfig(te.Config)
	if err != nil {
		t.Fatal(err)
	}
	var ranking []Job
	for _, j := range js {
		if j.Name == "ranking" {
			ranking = append(ranking, j)
		}
	}
	s := &Scheduler{Env: te.Env, Jobs: ranking, CheckEvery: 5 * time.Minute, WaitRetry: time.Hour}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	tick := func(when string) string {
		te.clock.Set(at(when))
		return strings.Join(summary(s.Tick(ctx, te.clock.Now())), "|")
	}
	if got := tick("2026-12-03 09:00"); got != "ranking 2026-11 waiting" {
		t.Fatalf("at the fire time: %q, want the ranking waiting", got)
	}
	var status, reason string
	te.query(t, `SELECT status FROM runs WHERE job = 'ranking'`, &status)
	te.query(t, `SELECT error FROM runs WHERE job = 'ranking'`, &reason)
	if status != StatusWaiting || !strings.Contains(reason, "period 2026-11 has no data: the latest snapshot is of 2026-11-01 00:00") {
		t.Errorf("ledger: %s, %q", status, reason)
	}
	if got := tick("2026-12-03 09:30"); got != "" {
		t.Errorf("tried again before WaitRetry: %q", got)
	}
	if got := tick("2026-12-03 10:05"); got != "ranking 2026-11 waiting" {
		t.Errorf("after WaitRetry: %q", got)
	}
	if m := messages(); m != "" {
		t.Errorf("announced before a day of waiting:\n%s", m)
	}
	if got := tick("2026-12-04 09:10"); got != "ranking 2026-11 waiting" {
		t.Errorf("a day later: %q", got)
	}
	if m := messages(); strings.Count(m, "等待数据 still waiting for data: 排名通报 ranking publication 2026-11") != 1 {
		t.Errorf("announcements after a day:\n%s", m)
	}
	if got := tick("2026-12-04 10:15"); got != "ranking 2026-11 waiting" {
		t.Errorf("later: %q", got)
	}
	if m := messages(); strings.Count(m, "等待数据") != 1 {
		t.Errorf("the wait is announced more than once:\n%s", m)
	}
	if len(te.waits) != 0 {
		t.Errorf("a waiting run slept %v", te.waits)
	}

	// An export taken at the end of November arrives: the ranking runs.
	path := filepath.Join(te.dir, "tickets_2026-11-30.csv")
	os.WriteFile(path, []byte("ticket_id,enterprise,region,category,created_at,status\nN1,企业,奎文区,其他,2026-11-10 09:00,办理中\n"), 0o644)
	st, err := store.Open(ctx, te.DB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.Ingest(ctx, st, te.Config, path, pipeline.Options{Kind: zhuqi.KindTickets}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if got := tick("2026-12-04 11:20"); got != "ranking 2026-11 succeeded" {
		t.Errorf("with the November export: %q", got)
	}
	if got := tick("2026-12-04 12:30"); got != "" {
		t.Errorf("ran again: %q", got)
	}
}
