package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/reports"
	"github.com/zhuqi/zhuqi/store"
)

// ReportFunc writes the report kind ("briefing", "ranking", "cadres", "overdue") for
// period p into dir and returns the names of the files it wrote, relative to dir.
type ReportFunc func(ctx context.Context, q *queries.Q, kind string, p queries.Period, dir string) ([]string, error)

// Env is what runs need: the configuration, the database, the report writer and the
// clock. NewEnv fills it from the configuration.
type Env struct {
	Config *zhuqi.Config
	// DB is the database file; it is opened for each run and closed after it.
	DB     string
	Log    *slog.Logger
	Now    func() time.Time
	Sleep  func(context.Context, time.Duration) error
	Report ReportFunc
	Inbox  *Inbox
	// Notifier announces publications and failed runs; nil announces nothing.
	Notifier *Notifier
	// Out is the folder the outputs land in, under a folder per day.
	Out string

	Attempts int
	Backoff  time.Duration
	LockWait time.Duration
	Loc      *time.Location
}

// NewEnv builds the environment of the scheduler from cfg.
func NewEnv(cfg *zhuqi.Config, db string, log *slog.Logger, report ReportFunc) (*Env, error) {
	j := &cfg.Jobs
	loc, err := j.Location(cfg.Timezone)
	if err != nil {
		return nil, err
	}
	d := map[string]time.Duration{}
	for _, n := range []string{"settle", "retry_backoff", "lock_wait", "webhook_timeout"} {
		if d[n], err = j.Duration(n); err != nil {
			return nil, err
		}
	}
	e := &Env{Config: cfg, DB: db, Log: log, Now: time.Now, Sleep: Sleep, Report: report, Out: j.Out,
		Attempts: max(1, j.Attempts), Backoff: d["retry_backoff"], LockWait: d["lock_wait"], Loc: loc}
	e.Inbox = &Inbox{Dir: j.Inbox, Settle: d["settle"], Now: e.now, Sleep: e.sleep, Log: log, Writing: OpenForWriting}
	if j.Webhook != "" {
		e.Notifier = &Notifier{URL: j.Webhook, Kind: j.WebhookKind, Format: j.WebhookFormat,
			Timeout: d["webhook_timeout"], Attempts: max(1, j.WebhookAttempts), Backoff: time.Second, Log: log}
	}
	return e, nil
}

func (e *Env) now() time.Time { return e.Now().In(e.Loc) }

func (e *Env) sleep(ctx context.Context, d time.Duration) error { return e.Sleep(ctx, d) }

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// IsBusy reports whether err is DuckDB refusing a database another process holds.
func IsBusy(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "Could not set lock on file") || strings.Contains(err.Error(), "Conflicting lock"))
}

// Open opens the database, waiting up to LockWait while another program holds it.
func (e *Env) Open(ctx context.Context) (*store.Store, error) {
	deadline := e.Now().Add(e.LockWait)
	wait := 100 * time.Millisecond
	for logged := false; ; {
		st, err := store.Open(ctx, e.DB)
		if err == nil {
			return st, nil
		}
		if !IsBusy(err) {
			return nil, err
		}
		if !e.Now().Before(deadline) {
			return nil, fmt.Errorf("database %s is busy: another program (a `zhuqi sql` session, a DuckDB client, another zhuqi) holds it, and it stayed busy for %s; close that program, or raise jobs.lock_wait: %w", e.DB, e.LockWait, err)
		}
		if !logged {
			e.Log.Warn("database busy; waiting for it", "db", e.DB, "up_to", e.LockWait)
			logged = true
		}
		if err := e.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// Run runs d once: unless force, a (job, period) that already succeeded is skipped. A
// failing attempt is retried after Backoff, doubled each time, up to Attempts; the run
// is recorded in the ledger as it starts and as it ends. The error is the run's own,
// after the ledger has it.
func (e *Env) Run(ctx context.Context, d Due, trigger string, force bool) (*Run, error) {
	log := e.Log.With("job", d.Job, "period", d.Period.Label)
	r := &Run{Job: d.Job, Period: d.Period.Label, FireTime: d.FireTime, Trigger: trigger, Status: StatusRunning}
	if d.Job == "ingest" && !force {
		// An empty inbox is no run: the database is not even opened, so that readers
		// are not disturbed every quarter of an hour.
		if files, err := e.Inbox.scan(); err == nil && len(files) == 0 {
			log.Debug("inbox empty")
			r.Status = StatusSkipped
			return r, nil
		}
	}
	st, err := e.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", d.Job, d.Period.Label, err)
	}
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	if !force {
		done, err := succeeded(ctx, st.DB, d.Job, d.Period.Label)
		if err != nil {
			return nil, err
		}
		if done {
			log.Info("already done; not run again (force to redo)")
			r.Status = StatusSkipped
			return r, nil
		}
	}
	r.Started = e.now()
	r.ID = newRunID(r.Started)
	if err := insertRun(ctx, st.DB, r); err != nil {
		return nil, err
	}
	log = log.With("run_id", r.ID)
	log.Info("run started", "trigger", trigger, "fire_time", d.FireTime)
	for r.Attempts = 1; ; r.Attempts++ {
		outs, err := e.work(ctx, st, d, log)
		if err == nil {
			r.Status, r.Outputs, r.Error = StatusSucceeded, outs, ""
			break
		}
		r.Outputs, r.Error = outs, err.Error()
		if ctx.Err() != nil {
			r.Status = StatusInterrupted
			break
		}
		if errors.Is(err, ErrWaiting) {
			r.Status = StatusWaiting
			break
		}
		if r.Attempts >= e.Attempts || errors.Is(err, queries.ErrNoTickets) || errors.Is(err, queries.ErrNothing) {
			r.Status = StatusFailed
			break
		}
		wait := e.Backoff << (r.Attempts - 1)
		log.Warn("attempt failed; trying again", "attempt", r.Attempts, "in", wait, "error", err)
		st.Close()
		st = nil // readers may use the database meanwhile
		if err := e.Sleep(ctx, wait); err != nil {
			r.Status = StatusInterrupted
			break
		}
		if st, err = e.Open(ctx); err != nil {
			r.Error = err.Error()
			r.Status = StatusFailed
			if ctx.Err() != nil {
				r.Status = StatusInterrupted
			}
			break
		}
	}
	r.Finished = e.now()
	bg := context.WithoutCancel(ctx)
	if st == nil {
		if st, err = e.Open(bg); err != nil {
			log.Error("run ended but the ledger cannot record it", "status", r.Status, "error", err)
			return r, fmt.Errorf("%s %s: %s; and the ledger: %w", d.Job, d.Period.Label, r.Error, err)
		}
	}
	announceWait := false
	if r.Status == StatusWaiting {
		if announceWait, err = waitedLong(bg, st, r, r.Finished); err != nil {
			log.Error("waiting run: the ledger", "error", err)
		}
	}
	if err := finishRun(bg, st.DB, r); err != nil {
		log.Error("run ended but the ledger cannot record it", "status", r.Status, "error", err)
		return r, err
	}
	switch r.Status {
	case StatusSucceeded:
		log.Info("run succeeded", "attempts", r.Attempts, "outputs", len(r.Outputs), "took", r.Finished.Sub(r.Started).Round(time.Millisecond))
		if e.Notifier != nil && d.Job != "ingest" && len(r.Outputs) > 0 {
			e.Notifier.Announce(fmt.Sprintf("%s %s", Title(d.Job), d.Period.Label), r.Outputs)
		}
		return r, nil
	case StatusWaiting:
		log.Info("run waits for data; it is tried again", "waited", r.Finished.Sub(d.FireTime).Round(time.Minute), "reason", r.Error)
		if announceWait && e.Notifier != nil {
			e.Notifier.Announce(fmt.Sprintf("等待数据 still waiting for data: %s %s", Title(d.Job), d.Period.Label),
				[]string{fmt.Sprintf("已等待 waited %s since %s", r.Finished.Sub(d.FireTime).Round(time.Minute), d.FireTime.Format("2006-01-02 15:04")), r.Error, "run " + r.ID})
		}
		return r, nil
	case StatusInterrupted:
		log.Warn("run interrupted; it runs again at the next start", "error", r.Error)
	default:
		log.Error("run failed", "attempts", r.Attempts, "error", r.Error)
		if e.Notifier != nil {
			e.Notifier.Announce(fmt.Sprintf("任务失败 run failed: %s %s", Title(d.Job), d.Period.Label), []string{r.Error, "run " + r.ID})
		}
	}
	return r, fmt.Errorf("%s %s: %s", d.Job, d.Period.Label, r.Error)
}

// ErrWaiting is wrapped by the error of a run that waits for data (StatusWaiting).
var ErrWaiting = errors.New("waiting for data")

// waits lists the jobs that wait for an export taken after their period's end: the
// ranking publication and the briefings, which judge a whole period.
var waits = map[string]bool{"ranking": true, "briefing": true, "bulletin": true}

// WaitAnnounce is how long a run may wait before the wait is announced.
const WaitAnnounce = 24 * time.Hour

// waitedLong reports whether the (job, period) of r has waited WaitAnnounce since its
// fire time at now, and no earlier waiting run announced it.
func waitedLong(ctx context.Context, st *store.Store, r *Run, now time.Time) (bool, error) {
	if now.Sub(r.FireTime) < WaitAnnounce {
		return false, nil
	}
	var n int
	err := st.DB.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE job = ? AND period = ? AND status = 'waiting'
		AND run_id <> ? AND finished_at >= fire_time + INTERVAL 1 DAY`, r.Job, r.Period, r.ID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("run ledger: %w", err)
	}
	return n == 0, nil
}

// work does the job on an open database and returns its outputs.
func (e *Env) work(ctx context.Context, st *store.Store, d Due, log *slog.Logger) (outs []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	if d.Job == "ingest" {
		return e.Inbox.Ingest(ctx, st, e.Config)
	}
	q, err := queries.Open(ctx, st, e.Config)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	if waits[d.Job] {
		if err := q.Check(d.Period); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrWaiting, err)
		}
		if q.InProgress(d.Period) {
			return nil, fmt.Errorf("%w: period %s ends at %s, the latest ticket snapshot is of %s; the run waits for an export taken after the period's end",
				ErrWaiting, d.Period.Label, d.Period.End.Format("2006-01-02 15:04"), q.AsOf.Format("2006-01-02 15:04"))
		}
	}
	rel := filepath.Join(d.FireTime.In(e.Loc).Format("2006-01-02"), d.Job+"-"+d.Period.Label)
	files, err := e.deliver(rel, func(dir string) ([]string, error) {
		return e.Report(ctx, q, builtin[d.Job].report, d.Period, dir)
	})
	if err != nil {
		return nil, err
	}
	if d.Job == "ranking" {
		// A publication is recorded only with its files, once they are delivered (the
		// report may have stored it already: then the same inputs give the same version).
		pub, err := q.Prepare(ctx, d.Period, st.Now())
		if err != nil {
			return files, err
		}
		if err := reports.RecordPublication(ctx, st, q.Location(), pub, files); err != nil {
			return files, err
		}
	}
	log.Info("outputs written", "dir", filepath.Join(e.Out, rel), "files", len(files))
	return files, nil
}

// deliver has write fill a temporary folder and renames it to <Out>/<rel>, so that no
// reader sees half of a run's outputs; outputs of an earlier run there (a forced rerun)
// are moved aside, not deleted. It returns the files relative to Out.
func (e *Env) deliver(rel string, write func(dir string) ([]string, error)) ([]string, error) {
	final := filepath.Join(e.Out, rel)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return nil, fmt.Errorf("outputs: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), "."+filepath.Base(final)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("outputs: %w", err)
	}
	files, err := write(tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if _, err := os.Stat(final); err == nil {
		old := final + ".replaced-" + e.now().Format("20060102T150405")
		if err := os.Rename(final, old); err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("outputs: %w", err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("outputs: %w", err)
	}
	out := make([]string, len(files))
	for i, f := range files {
		// A writer may name its files by their paths in the folder it was given.
		if r, err := filepath.Rel(tmp, f); err == nil && !strings.HasPrefix(r, "..") {
			f = r
		}
		out[i] = filepath.Join(rel, f)
	}
	return out, nil
}
