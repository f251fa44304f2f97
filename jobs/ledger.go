package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// Run is one row of the runs ledger.
type Run struct {
	ID       string    `json:"run_id"`
	Job      string    `json:"job"`
	Period   string    `json:"period"`
	FireTime time.Time `json:"fire_time"`
	Trigger  string    `json:"trigger"` // schedule, catch-up or manual
	Started  time.Time `json:"started_at"`
	Finished time.Time `json:"finished_at"`
	Status   string    `json:"status"` // running, succeeded, failed, interrupted, skipped (not stored)
	Attempts int       `json:"attempts"`
	Error    string    `json:"error,omitempty"`
	Outputs  []string  `json:"outputs"`
}

// Statuses of a run.
const (
	StatusRunning     = "running"
	StatusSucceeded   = "succeeded"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
	// StatusWaiting is a run of a period the data does not cover yet, or not to its end
	// (DOMAIN §2.2): it waits for an export taken after the period's end and is tried
	// again.
	StatusWaiting = "waiting"
	// StatusSkipped is returned, not stored, for a (job, period) that already succeeded,
	// and for an inbox ingest that finds the inbox empty.
	StatusSkipped = "skipped"
)

func newRunID(t time.Time) string {
	b := make([]byte, 4)
	rand.Read(b)
	return t.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

// succeeded reports whether (job, period) already has a successful run.
func succeeded(ctx context.Context, db *sql.DB, job, period string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE job = ? AND period = ? AND status = 'succeeded'`, job, period).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("run ledger: %w", err)
	}
	return n > 0, nil
}

func insertRun(ctx context.Context, db *sql.DB, r *Run) error {
	_, err := db.ExecContext(ctx, `INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL)`,
		r.ID, r.Job, r.Period, r.FireTime, r.Trigger, r.Started, r.Status, r.Attempts)
	if err != nil {
		return fmt.Errorf("run ledger: %w", err)
	}
	return nil
}

func finishRun(ctx context.Context, db *sql.DB, r *Run) error {
	outs, err := json.Marshal(r.Outputs)
	if err != nil {
		return err
	}
	var errText any
	if r.Error != "" {
		errText = r.Error
	}
	_, err = db.ExecContext(ctx, `UPDATE runs SET finished_at = ?, status = ?, attempts = ?, error = ?, outputs = ? WHERE run_id = ?`,
		r.Finished, r.Status, r.Attempts, errText, string(outs), r.ID)
	if err != nil {
		return fmt.Errorf("run ledger: %w", err)
	}
	return nil
}

// LoadLedger reads what the planner needs: the (job, period)s that succeeded and each
// job's latest scheduled fire time that ended.
func LoadLedger(ctx context.Context, db *sql.DB) (Ledger, error) {
	led := Ledger{Done: map[Key]bool{}, Last: map[string]time.Time{}}
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT job, period FROM runs WHERE status = 'succeeded'`)
	if err != nil {
		return led, fmt.Errorf("run ledger: %w", err)
	}
	for rows.Next() {
		var k Key
		if err := rows.Scan(&k.Job, &k.Period); err != nil {
			rows.Close()
			return led, err
		}
		led.Done[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return led, err
	}
	rows, err = db.QueryContext(ctx, `SELECT job, max(fire_time) FROM runs WHERE trigger <> 'manual' AND status IN ('succeeded', 'failed') GROUP BY job`)
	if err != nil {
		return led, fmt.Errorf("run ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var job string
		var t time.Time
		if err := rows.Scan(&job, &t); err != nil {
			return led, err
		}
		led.Last[job] = t
	}
	return led, rows.Err()
}

// History lists the latest runs, newest first; job filters when not empty.
func History(ctx context.Context, db *sql.DB, job string, limit int) ([]Run, error) {
	rows, err := db.QueryContext(ctx, `SELECT run_id, job, period, fire_time, trigger, started_at, finished_at, status, attempts, error, CAST(outputs AS VARCHAR)
FROM runs WHERE ? = '' OR job = ? ORDER BY started_at DESC, run_id DESC LIMIT ?`, job, job, limit)
	if err != nil {
		if strings.Contains(err.Error(), "runs does not exist") {
			return nil, fmt.Errorf("no run ledger in this database yet: `zhuqi serve` or `zhuqi jobs run` creates it: %w", err)
		}
		return nil, fmt.Errorf("run ledger: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var fin sql.NullTime
		var errText, outs sql.NullString
		if err := rows.Scan(&r.ID, &r.Job, &r.Period, &r.FireTime, &r.Trigger, &r.Started, &fin, &r.Status, &r.Attempts, &errText, &outs); err != nil {
			return nil, err
		}
		r.Finished, r.Error = fin.Time, errText.String
		if outs.Valid {
			json.Unmarshal([]byte(outs.String), &r.Outputs)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// markInterrupted ends the runs left running by a scheduler that stopped without
// finishing them (killed, or the machine went down).
func markInterrupted(ctx context.Context, db *sql.DB, now time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `UPDATE runs SET status = 'interrupted', finished_at = ?,
  error = coalesce(error, 'the scheduler stopped during the run; it runs again') WHERE status = 'running'`, now)
	if err != nil {
		return 0, fmt.Errorf("run ledger: %w", err)
	}
	return res.RowsAffected()
}

// recordStart notes a start of the scheduler and returns the previous start (zero if none).
func recordStart(ctx context.Context, db *sql.DB, now time.Time) (time.Time, error) {
	var prev sql.NullTime
	if err := db.QueryRowContext(ctx, `SELECT max(started_at) FROM serve_starts`).Scan(&prev); err != nil {
		return time.Time{}, fmt.Errorf("run ledger: %w", err)
	}
	host, _ := os.Hostname()
	if _, err := db.ExecContext(ctx, `INSERT INTO serve_starts VALUES (?, ?, ?)`, now, os.Getpid(), host); err != nil {
		return time.Time{}, fmt.Errorf("run ledger: %w", err)
	}
	return prev.Time, nil
}

// LastRuns is each job's latest run.
func LastRuns(ctx context.Context, db *sql.DB) (map[string]Run, error) {
	rows, err := db.QueryContext(ctx, `SELECT job, arg_max(period, started_at), arg_max(status, started_at), max(started_at) FROM runs GROUP BY job`)
	if err != nil {
		return nil, fmt.Errorf("run ledger: %w", err)
	}
	defer rows.Close()
	out := map[string]Run{}
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.Job, &r.Period, &r.Status, &r.Started); err != nil {
			return nil, err
		}
		out[r.Job] = r
	}
	return out, rows.Err()
}
