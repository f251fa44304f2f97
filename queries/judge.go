package queries

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// judge is which tickets a session judges: the current versions, the versions as they
// stood at an earlier snapshot, or the current versions rewound to an earlier time.
type judge struct {
	key      string    // "" for the current versions; else unique per judge (facts cache)
	source   string    // relation of the tickets, with the tickets view's columns
	reopened string    // relation of the ticket ids reopened by then
	snapshot time.Time // the earlier snapshot judged, when source is one
}

// sourceFor is the judge's relation of the tickets for the cohort of p: for an earlier
// snapshot, narrowed to the tickets created in p (asof_tickets.sql).
func (j judge) sourceFor(p Period) string {
	if j.snapshot.IsZero() {
		return j.source
	}
	src, _ := render("asof_tickets.sql", map[string]any{"Snapshot": tsLit(j.snapshot), "Start": tsLit(p.Start), "End": tsLit(p.End)})
	return strings.TrimSpace(stripComments(src))
}

var current = judge{source: "tickets", reopened: "zq_reopened"}

// Basis says how a compared figure was judged (DOMAIN §2.1).
type Basis struct {
	Period Period
	// At is T′ = end(P′) + (T − end(P)): the same age as the period compared with.
	At time.Time
	// Snapshot is the stored snapshot judged (the latest at or before At); zero when the
	// figures were reconstructed from the event timestamps (按时间戳回溯).
	Snapshot time.Time
}

// Rewound reports whether the figures were reconstructed from event timestamps.
func (b Basis) Rewound() bool { return b.Snapshot.IsZero() }

// Latest is the latest ticket snapshot in the store (zero when there are no tickets).
func (q *Q) Latest() time.Time { return q.latest }

// HasTickets reports whether a ticket export has been ingested.
func (q *Q) HasTickets() bool { return !q.noTickets }

// snapshotAtOrBefore is the latest ticket snapshot at or before t; ok false when none.
func (q *Q) snapshotAtOrBefore(ctx context.Context, t time.Time) (time.Time, bool, error) {
	var s sql.NullTime
	if err := q.conn.QueryRowContext(ctx, `SELECT max(as_of) FROM ingests WHERE kind = 'tickets' AND as_of <= ?::TIMESTAMP`, sqlTime(t)).Scan(&s); err != nil {
		return time.Time{}, false, fmt.Errorf("queries: snapshots: %w", err)
	}
	if !s.Valid {
		return time.Time{}, false, nil
	}
	return wall(s.Time, q.loc), true, nil
}

// TravelTo makes the session judge every figure as the store stood at the latest stored
// ticket snapshot at or before t (DOMAIN §7 --as-of): AsOf becomes that snapshot.
func (q *Q) TravelTo(ctx context.Context, t time.Time) error {
	if q.noTickets {
		return ErrNoTickets
	}
	s, ok, err := q.snapshotAtOrBefore(ctx, t)
	if err != nil {
		return err
	}
	if !ok {
		var first time.Time
		if err := q.conn.QueryRowContext(ctx, `SELECT min(as_of) FROM ingests WHERE kind = 'tickets'`).Scan(&first); err != nil {
			return fmt.Errorf("queries: snapshots: %w", err)
		}
		return fmt.Errorf("--as-of %s: no ticket snapshot at or before that time; the earliest is of %s, the latest of %s",
			t.Format("2006-01-02 15:04"), wall(first, q.loc).Format("2006-01-02 15:04"), q.latest.Format("2006-01-02 15:04"))
	}
	q.AsOf = s
	if s.Equal(q.latest) {
		q.judge = current
	} else {
		q.judge = q.snapshotJudge(s)
	}
	return nil
}

func (q *Q) snapshotJudge(s time.Time) judge {
	lit := tsLit(s)
	src, _ := render("asof_tickets.sql", map[string]any{"Snapshot": lit, "Start": ""})
	re, _ := render("asof_reopened.sql", map[string]any{"Snapshot": lit})
	return judge{key: "s" + sqlTime(s) + "\x00", source: strings.TrimSpace(stripComments(src)), reopened: strings.TrimSpace(stripComments(re)), snapshot: s}
}

func (q *Q) rewoundJudge(t time.Time) judge {
	src, _ := render("rewound_tickets.sql", map[string]any{"At": tsLit(t)})
	re, _ := render("asof_reopened.sql", map[string]any{"Snapshot": tsLit(t)})
	return judge{key: "r" + sqlTime(t) + "\x00", source: strings.TrimSpace(stripComments(src)), reopened: strings.TrimSpace(stripComments(re))}
}

// Compared returns a session that judges period prev at the same age as this session
// judges p (DOMAIN §2.1): at T′ = end(prev) + (AsOf − end(p)), from the latest stored
// snapshot at or before T′ when it was taken after prev began, else from the current
// versions rewound to T′. The session shares this one's connection; it skips the checks
// of Check.
func (q *Q) Compared(ctx context.Context, p, prev Period) (*Q, Basis, error) {
	at := prev.End.Add(q.AsOf.Sub(p.End))
	b := Basis{Period: prev, At: at}
	c := *q
	c.judged = true
	c.Warnings = nil
	s, ok, err := q.snapshotAtOrBefore(ctx, at)
	if err != nil {
		return nil, b, err
	}
	switch {
	case ok && s.After(prev.Start):
		b.Snapshot = s
		c.AsOf = s
		c.judge = q.snapshotJudge(s)
		if s.Equal(q.latest) {
			c.judge = current
		}
	default:
		c.AsOf = at
		c.judge = q.rewoundJudge(at)
	}
	return &c, b, nil
}

// Check refuses a period the data does not cover (DOMAIN §2.2): one that starts at or
// after the snapshot time.
func (q *Q) Check(p Period) error {
	if q.judged || p.Start.Before(q.AsOf) {
		return nil
	}
	what := "最新快照 the latest snapshot"
	if q.noTickets {
		what = "最新实际值 the latest actuals"
	}
	return fmt.Errorf("期间 %s 尚无数据：%s截至 %s / period %s has no data: %s is of %s; ingest a later export or choose an earlier period",
		p.Label, strings.Fields(what)[0], q.AsOf.Format("2006-01-02 15:04"), p.Label, strings.Join(strings.Fields(what)[1:], " "), q.AsOf.Format("2006-01-02 15:04"))
}

// InProgress reports whether p is not yet over at the snapshot time.
func (q *Q) InProgress(p Period) bool { return q.AsOf.Before(p.End) }

// ProgressLabel is "截至 T（期间未结束）" for a period in progress, else "".
func (q *Q) ProgressLabel(p Period) string {
	if !q.InProgress(p) {
		return ""
	}
	return fmt.Sprintf("截至 %s（期间未结束）", q.AsOf.Format("2006-01-02 15:04"))
}

// ErrUnfinished is wrapped by Prepare for a period not yet over.
var ErrUnfinished = fmt.Errorf("period not yet over")

// CheckFinished refuses to publish a period in progress (DOMAIN §2.2).
func (q *Q) CheckFinished(p Period) error {
	if !q.InProgress(p) {
		return nil
	}
	return fmt.Errorf("期间 %s 尚未结束（数据截至 %s），不发布 / period %s is not over at the snapshot of %s: %w; publish it after an export taken after %s, or pass --allow-unfinished",
		p.Label, q.AsOf.Format("2006-01-02 15:04"), p.Label, q.AsOf.Format("2006-01-02 15:04"), ErrUnfinished, p.End.Format("2006-01-02 15:04"))
}

// checkTickets is Check for the ticket figures, which also need a ticket export.
func (q *Q) checkTickets(p Period) error {
	if q.noTickets {
		return ErrNoTickets
	}
	return q.Check(p)
}
