package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi/sample"
	"github.com/zhuqi/zhuqi/store"
)

// serveProc is a `zhuqi serve` child process (the test binary run as zhuqi).
type serveProc struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	seen  chan string
	done  chan struct{}
}

func startServe(t *testing.T, args ...string) *serveProc {
	t.Helper()
	p := &serveProc{cmd: exec.Command(os.Args[0], append([]string{"serve"}, args...)...), seen: make(chan string, 1000), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "ZHUQI_EXEC_MAIN=1")
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.seen <- sc.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	})
	return p
}

// waitFor waits for a log line containing s.
func (p *serveProc) waitFor(t *testing.T, s string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case line := <-p.seen:
			if strings.Contains(line, s) {
				return line
			}
		case <-p.done:
			t.Fatalf("serve ended before %q:\n%s", s, p.log())
		case <-deadline:
			t.Fatalf("no %q within %s:\n%s", s, timeout, p.log())
		}
	}
}

func (p *serveProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// serveConfig writes a configuration whose inbox is checked every second; the report
// jobs are off.
func serveConfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := fmt.Sprintf(`database = %q
[jobs]
inbox = %q
out = %q
settle = "200ms"
check_every = "1s"
retry_backoff = "100ms"
[jobs.schedule.ingest]
cron = "@every 1s"
`, filepath.Join(dir, "z.duckdb"), filepath.Join(dir, "inbox"), filepath.Join(dir, "out"))
	for _, j := range []string{"overdue", "cadres", "briefing", "ranking", "bulletin"} {
		cfg += fmt.Sprintf("[jobs.schedule.%s]\nenabled = false\n", j)
	}
	path := filepath.Join(dir, "zhuqi.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func count(t *testing.T, db, q string) int64 {
	t.Helper()
	st, err := store.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int64
	if err := st.DB.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServe_KilledDuringIngest stops the scheduler with SIGTERM, then kills it with
// SIGKILL, while it ingests a large export; restarted, it finds every ticket exactly once
// and the file archived once. Meanwhile a second scheduler on the database is refused.
func TestServe_KilledDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and ingests 150k tickets")
	}
	dir := t.TempDir()
	conf := serveConfig(t, dir)
	db := filepath.Join(dir, "z.duckdb")
	sum, err := sample.Generate(context.Background(), sample.Options{Out: filepath.Join(dir, "gen"), Tickets: 150000, Messy: true,
		Snapshots: []time.Time{time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}, Variants: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	src := sum.Files[0]
	var rejects int64
	for _, n := range src.Rejects {
		rejects += n
	}
	name := filepath.Base(src.Path)
	os.MkdirAll(filepath.Join(dir, "inbox"), 0o755)

	// SIGTERM during the ingest: the ingest rolls back, the run is recorded as
	// interrupted, the file stays in the inbox, and serve exits 0.
	p := startServe(t, "--config", conf)
	p.waitFor(t, "scheduler started", 30*time.Second)
	if err := os.Rename(src.Path, filepath.Join(dir, "inbox", name)); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "msg=ingesting", 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM during an ingest: %v\n%s", err, p.log())
	}
	<-p.done
	if strings.Contains(p.log(), "msg=ingested") {
		t.Log("the SIGTERM came after the commit")
	} else if n := count(t, db, `SELECT count(*) FROM runs WHERE status = 'interrupted'`); n != 1 {
		t.Errorf("%d interrupted runs after SIGTERM, want 1:\n%s", n, p.log())
	}

	// SIGKILL during the ingest.
	p = startServe(t, "--config", conf)
	p.waitFor(t, "msg=ingesting", 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	<-p.done
	if strings.Contains(p.log(), "msg=ingested") {
		t.Log("the kill came after the commit: the restart must archive without loading again")
	} else if n := count(t, db, `SELECT count(*) FROM ingests`); n != 0 {
		t.Fatalf("%d ingests committed by a killed ingest", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "inbox", name)); err != nil {
		t.Fatalf("the file left the inbox before its ingest committed: %v", err)
	}

	p = startServe(t, "--config", conf)
	p.waitFor(t, "msg=ingested", 60*time.Second)
	p.waitFor(t, "run succeeded", 10*time.Second)

	t.Run("SecondSchedulerRefused", func(t *testing.T) {
		var errb strings.Builder
		cmd := exec.Command(os.Args[0], "serve", "--config", conf)
		cmd.Env = append(os.Environ(), "ZHUQI_EXEC_MAIN=1")
		cmd.Stderr = &errb
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(errb.String(), "another scheduler is running on this database") || !strings.Contains(errb.String(), "z.duckdb.serve.lock") {
			t.Errorf("second serve: exit %d (%v), stderr %q", code, err, errb.String())
		}
	})

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("after SIGTERM: %v\n%s", err, p.log())
	}
	<-p.done
	if !strings.Contains(p.log(), "scheduler stopped") {
		t.Errorf("no clean stop:\n%s", p.log())
	}

	if got, want := count(t, db, `SELECT count(*) FROM tickets`), src.Rows-rejects; got != want {
		t.Errorf("%d tickets, want %d (%d rows − %d rejects)", got, want, src.Rows, rejects)
	}
	if got := count(t, db, `SELECT count(*) FROM ingests`); got != 1 {
		t.Errorf("%d ingests, want 1", got)
	}
	if got := count(t, db, `SELECT count(*) FROM (SELECT ticket_id FROM ticket_versions GROUP BY ticket_id HAVING count(*) > 1)`); got != 0 {
		t.Errorf("%d tickets with more than one version", got)
	}
	archived, _ := filepath.Glob(filepath.Join(dir, "inbox", "archive", "*", "*"))
	if len(archived) != 1 || filepath.Base(archived[0]) != name {
		t.Errorf("archive holds %v", archived)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "inbox", "*.csv")); len(left) != 0 {
		t.Errorf("left in the inbox: %v", left)
	}
	if got := count(t, db, `SELECT count(*) FROM runs WHERE job = 'ingest' AND status = 'interrupted'`); got != 2 {
		t.Errorf("%d interrupted ingest runs, want 2 (one stopped, one killed)", got)
	}
}

// TestServe_Misuse: serve takes no arguments.
func TestServe_Misuse(t *testing.T) {
	if code, _, _ := run(t, "serve", "extra"); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}
