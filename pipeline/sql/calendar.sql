-- The working-day calendar as a query (zq_cal of setup.sql and of the ad-hoc macros):
-- one row per date from From to To (exclusive). workday = a make-up working day, or not an
-- official holiday and Monday to Friday; cum = working days up to and including the date;
-- assign_due / reply_due = the AssignDays-th / ReplyDays-th working day after it;
-- wbase = 86400 × working days before the date.
{{define "zq_cal" -}}
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
ORDER BY c.d
{{- end}}

-- zq_wj(t, wbase, workday): working time of t in whole seconds (fractions of a second
-- dropped) from its zq_cal values.
{{define "zq_wj" -}}
zq_wj(t, wbase, workday) AS
    wbase + CASE WHEN workday THEN {{template "zq_secs" "t"}} ELSE 0 END
{{- end}}

-- zq_secs: whole seconds since midnight of the timestamp expression given.
{{define "zq_secs" -}}
(epoch(date_trunc('second', {{.}})) - epoch(date_trunc('day', {{.}})))::BIGINT
{{- end}}

-- zq_day(t, d0): the position of t's date in the calendar's lists (facts.sql), for the
-- calendar starting at date d0; 0 (no element) for a date before d0.
{{define "zq_day" -}}
zq_day(t, d0) AS greatest(t::DATE - d0 + 1, 0)
{{- end}}

-- zq_assign_due(created_at, assign_dues, d0), zq_reply_due(created_at, deadline,
-- reply_dues, d0): DOMAIN §2's due times from the calendar's assign_due and reply_due
-- lists (zq_cal as lists, starting at d0):
--   assign_due = 24:00 of the AssignDays-th working day after created_at's date
--   reply_due  = the explicit deadline (a deadline at 00:00 means the end of that day),
--                else 24:00 of the ReplyDays-th working day after created_at's date
{{define "zq_assign_due" -}}
zq_assign_due(created_at, assign_dues, d0) AS assign_dues[zq_day(created_at, d0)]::TIMESTAMP + INTERVAL 1 DAY
{{- end}}
{{define "zq_reply_due" -}}
zq_reply_due(created_at, deadline, reply_dues, d0) AS
    CASE WHEN deadline IS NULL THEN reply_dues[zq_day(created_at, d0)]::TIMESTAMP + INTERVAL 1 DAY
         WHEN deadline = date_trunc('day', deadline) THEN deadline + INTERVAL 1 DAY
         ELSE deadline END
{{- end}}
