package jobs

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNotifier_RetriesUntilTheRobotTakesIt: the first attempt gets HTTP 500, the second
// the robot's errcode for too many messages, the third succeeds.
func TestNotifier_RetriesUntilTheRobotTakesIt(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("not JSON: %s", b)
		}
		bodies = append(bodies, m)
		switch len(bodies) {
		case 1:
			http.Error(w, "busy", http.StatusInternalServerError)
		case 2:
			io.WriteString(w, `{"errcode":130101,"errmsg":"send too fast"}`)
		default:
			io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
		}
	}))
	defer srv.Close()
	for _, kind := range []string{"dingtalk", "wecom"} {
		t.Run(kind, func(t *testing.T) {
			mu.Lock()
			bodies = nil
			mu.Unlock()
			n := &Notifier{URL: srv.URL, Kind: kind, Format: "markdown", Timeout: time.Second, Attempts: 3, Backoff: time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			n.Announce("排名通报 ranking publication 2026-10", []string{"2026-11-03/ranking-2026-10/ranking-2026-10-v1.json"})
			n.Wait(5 * time.Second)
			mu.Lock()
			defer mu.Unlock()
			if len(bodies) != 3 {
				t.Fatalf("%d requests, want 3", len(bodies))
			}
			b := bodies[2]
			md, _ := b["markdown"].(map[string]any)
			if b["msgtype"] != "markdown" || md == nil {
				t.Fatalf("body %v", b)
			}
			text, _ := md["content"].(string)
			if kind == "dingtalk" {
				text, _ = md["text"].(string)
				if md["title"] != "排名通报 ranking publication 2026-10" {
					t.Errorf("title %v", md["title"])
				}
			}
			if !strings.Contains(text, "### 排名通报") || !strings.Contains(text, "- 2026-11-03/ranking-2026-10/ranking-2026-10-v1.json") {
				t.Errorf("text %q", text)
			}
		})
	}
}

// TestNotifier_NeverBlocks: a robot that does not answer costs the run nothing; the
// announcement gives up after its attempts, each bounded by the timeout.
func TestNotifier_NeverBlocks(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	n := &Notifier{URL: srv.URL, Kind: "wecom", Format: "text", Timeout: 50 * time.Millisecond, Attempts: 2, Backoff: time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	start := time.Now()
	n.Announce("督办清单", []string{"a.csv"})
	if d := time.Since(start); d > 20*time.Millisecond {
		t.Errorf("Announce took %s", d)
	}
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the announcement did not give up")
	}
}

func TestMessage_Text(t *testing.T) {
	b, err := Message("wecom", "text", "督办清单 2026-11-03", []string{"a.csv", "b.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"msgtype":"text","text":{"content":"督办清单 2026-11-03\na.csv\nb.csv"}}`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// TestNotifier_LogsHideTheToken: a failed delivery's log lines name the robot's host but
// not its access token, whether the HTTP client quotes the URL (a timeout) or the robot
// echoes it back.
func TestNotifier_LogsHideTheToken(t *testing.T) {
	const token = "d41d8cd98f00b204e9800998ecf8427e5ca1ab57"
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("timeout") == "1" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		http.Error(w, "bad request for "+r.URL.String(), http.StatusBadRequest)
	}))
	defer srv.Close()
	defer close(release)
	for _, q := range []string{"access_token=" + token, "timeout=1&key=" + token} {
		var logs strings.Builder
		var mu sync.Mutex
		n := &Notifier{URL: srv.URL + "/robot/send?" + q, Kind: "dingtalk", Format: "text", Timeout: 50 * time.Millisecond,
			Attempts: 2, Backoff: time.Millisecond, Log: slog.New(slog.NewTextHandler(&syncWriter{mu: &mu, w: &logs}, nil))}
		n.Announce("排名通报", []string{"a.pdf"})
		n.Wait(5 * time.Second)
		mu.Lock()
		got := logs.String()
		mu.Unlock()
		if strings.Contains(got, token) || strings.Contains(got, token[:12]) {
			t.Errorf("%s: the token is in the log:\n%s", q, got)
		}
		if !strings.Contains(got, strings.TrimPrefix(srv.URL, "http://")) || !strings.Contains(got, "giving up") {
			t.Errorf("%s: the log does not name the host or the failure:\n%s", q, got)
		}
	}
}

type syncWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
