-- Session setup: the working-day calendar and the per-ticket facts every metric family
-- aggregates. Created as TEMP objects on the query connection, so they work on a read-only
-- database and always follow the configuration in use.
--
-- zq_cal: one row per date. cum = working days up to and including the date;
--   assign_due / reply_due = the {{.AssignDays}}-th / {{.ReplyDays}}-th working day after
--   the date ("N working days after t" ends at 24:00 of that day, DOMAIN §2).
-- Working time W(t) = 86400 × (working days before t's date) + (seconds since midnight
--   when t's date is a working day); a span in working days is ΔW / 86400.

CREATE OR REPLACE TEMP TABLE zq_cal AS
WITH days AS (
    SELECT range::DATE AS d FROM range(DATE '{{.From}}', DATE '{{.To}}', INTERVAL 1 DAY)
),
off(d) AS (VALUES (DATE '1900-01-01'){{range .Off}}, (DATE '{{.}}'){{end}}),
work(d) AS (VALUES (DATE '1900-01-01'){{range .On}}, (DATE '{{.}}'){{end}}),
flagged AS (
    SELECT days.d,
        CASE WHEN work.d IS NOT NULL THEN true
             WHEN off.d IS NOT NULL THEN false
             ELSE isodow(days.d) <= 5 END AS workday
    FROM days LEFT JOIN off USING (d) LEFT JOIN work USING (d)
),
counted AS (
    SELECT d, workday, sum(workday::INTEGER) OVER (ORDER BY d) AS cum FROM flagged
),
nth AS (SELECT cum, d FROM counted WHERE workday)
SELECT c.d, c.workday, c.cum::INTEGER AS cum,
    (c.cum - c.workday::INTEGER)::BIGINT * 86400 AS wbase,
    a.d AS assign_due, r.d AS reply_due
FROM counted c
LEFT JOIN nth a ON a.cum = c.cum + {{.AssignDays}}
LEFT JOIN nth r ON r.cum = c.cum + {{.ReplyDays}}
ORDER BY c.d;

-- zq_w(t): working time of t in seconds (see above), looked up in zq_cal. The facts
-- query joins zq_cal itself (faster than this correlated form); this is for one-off use.
CREATE OR REPLACE TEMP MACRO zq_w(t) AS (
    SELECT c.wbase + CASE WHEN c.workday THEN epoch(t) - epoch(date_trunc('day', t)) ELSE 0 END
    FROM zq_cal c WHERE c.d = t::DATE
);

-- zq_wj(t, wbase, workday): the same from a joined zq_cal row.
CREATE OR REPLACE TEMP MACRO zq_wj(t, wbase, workday) AS
    wbase + CASE WHEN workday THEN epoch(t) - epoch(date_trunc('day', t)) ELSE 0 END;

-- zq_reopened: tickets that were ever reopened in any stored version.
CREATE OR REPLACE TEMP TABLE zq_reopened AS
SELECT DISTINCT ticket_id FROM ticket_versions WHERE status = 'reopened';
