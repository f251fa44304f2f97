-- Per-ticket facts of the cohort of period P = [start, end) at snapshot time T (DOMAIN §2):
-- tickets created in P, cancelled ones excluded ("collected"); the open-flags list narrows
-- this to tickets still open or answered since the start of T's month.
--   finished  = status resolved or closed
--   solved    = finished and outcome resolved or unknown
--   rated     = satisfaction ≠ unrated; score weight satisfied {{.WSatisfied}}, basic {{.WBasic}}, dissatisfied {{.WDissatisfied}}
--   assign_time = assigned_at, else the earlier of responded_at and resolved_at
--   answer_time = responded_at, else resolved_at
--   assign_due  = 24:00 of the {{.AssignDays}}-th working day after created_at's date,
--   reply_due   = the explicit deadline (a deadline at 00:00 means the end of that day),
--                 else 24:00 of the {{.ReplyDays}}-th working day after created_at's date
--                 (zq_assign_due, zq_reply_due: pipeline/sql/calendar.sql)
--   assigned_in_time = assign_time ≤ assign_due
--   reply_counted    = reply_due < T, or answered; replied_on_time = answered ≤ reply_due
--   late_days = working days from reply_due to the answer (or to T when still open)
--   flag at T: green = answered on time, or open and not yet due;
--              red = late by at most {{.RedMaxLate}} working days; black = later than that
--   ex_all, ex_sat, ex_time = the ticket has an exclusion (审核剔除, exclusions) of scope all,
--     satisfaction or timeliness approved by T; the facts themselves stay as they are
--     (rank_cube.sql leaves the named parts out, metrics count them as excluded);
--     NoExclusions: the store has none, and the join is left out
--   durations in working days from created_at: to assign, to answer, to finish (resolved_at);
--   the same in working seconds (*_secs), which the quantiles sort faster
-- The lean form (rankings) keeps only what the rankings read and skips the working-time
-- lookups; the wide form (metrics) has every dimension and fact; the listing form (flags)
-- adds the ticket's identity and times.
-- The calendar zq_cal (one row per day from its first day d0, without gaps) is read as
-- lists indexed by a date's position, d − d0 + 1 (zq_day), which costs far less than a
-- join per timestamp; a ticket created outside the calendar, or (wide form) whose reply
-- deadline falls outside it, is left out, as an inner join on zq_cal would; other dates
-- outside it have no working time (NULL), as a left join would give.
-- Stored: the session's calendar is the one the tickets' timing columns were computed
-- with (pipeline/sql/timing.sql, same key), so they are read instead of looked up; they
-- hold the same values and leave out the same tickets (NULL outside the calendar). Every
-- version carries them, so the versions at an earlier snapshot (StoredSource) read them
-- too; versions rewound to a time have other timestamps, and look them up.
-- Source is the tickets judged: the current versions (the tickets view), the versions as
-- they stood at an earlier snapshot (asof_tickets.sql), or the current versions rewound to
-- an earlier time (rewound_tickets.sql); Reopened the tickets reopened by then.
{{- if .Table}}
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
{{- end}}
WITH
{{- if .Stored}}
t AS (
    SELECT {{template "facts_ticket" .}},
{{- if .Wide}}
        tk.w_created, tk.w_due, tk.w_answer, tk.w_assign, tk.w_resolved,
{{- end}}
        tk.assign_due, tk.reply_due
{{- if .StoredSource}}
    FROM {{.StoredSource}} tk
    WHERE tk.created_at >= {{.Start}} AND tk.created_at < {{.End}}
{{- else}}
    FROM ticket_versions tk
    WHERE tk.is_current AND tk.created_at >= {{.Start}} AND tk.created_at < {{.End}}
{{- end}}
      AND tk.w_created IS NOT NULL{{if .Wide}} AND tk.w_due IS NOT NULL{{end}}
      AND tk.status <> 'cancelled'{{.Where}}
),
{{- else}}
cal AS (
    SELECT min(d) AS d0, list(wbase ORDER BY d) AS wbase, list(workday ORDER BY d) AS workday,
        list(assign_due ORDER BY d) AS assign_due, list(reply_due ORDER BY d) AS reply_due
    FROM zq_cal
),
t0 AS (
    SELECT {{template "facts_ticket" .}},
{{- if .Wide}}
        zq_wj(tk.created_at, c.wbase[tk.created_at::DATE - c.d0 + 1], c.workday[tk.created_at::DATE - c.d0 + 1]) AS w_created,
        c.d0, c.wbase, c.workday,
{{- end}}
        zq_assign_due(tk.created_at, c.assign_due, c.d0) AS assign_due,
        zq_reply_due(tk.created_at, tk.deadline, c.reply_due, c.d0) AS reply_due
    FROM {{.Source}} tk, cal c
    WHERE tk.created_at >= {{.Start}} AND tk.created_at < {{.End}}
      AND tk.created_at::DATE >= c.d0 AND tk.created_at::DATE - c.d0 < len(c.wbase)
      AND tk.status <> 'cancelled'{{.Where}}
),
t AS (
{{- if .Wide}}
    SELECT t0.* EXCLUDE (d0, wbase, workday),
        zq_wj(t0.reply_due, wbase[zq_day(t0.reply_due, d0)], workday[zq_day(t0.reply_due, d0)]) AS w_due,
        zq_wj(t0.answer_time, wbase[zq_day(t0.answer_time, d0)], workday[zq_day(t0.answer_time, d0)]) AS w_answer,
        zq_wj(t0.assign_time, wbase[zq_day(t0.assign_time, d0)], workday[zq_day(t0.assign_time, d0)]) AS w_assign,
        zq_wj(t0.resolved_at, wbase[zq_day(t0.resolved_at, d0)], workday[zq_day(t0.resolved_at, d0)]) AS w_resolved
    FROM t0
    WHERE wbase[zq_day(t0.reply_due, d0)] IS NOT NULL
{{- else}}
    SELECT * FROM t0
{{- end}}
),
{{- end}}
{{- if not .NoExclusions}}
ex AS (
    SELECT ticket_id, bool_or(scope = 'all') AS ex_all, bool_or(scope = 'satisfaction') AS ex_sat,
        bool_or(scope = 'timeliness') AS ex_time
    FROM exclusions WHERE approved_at <= {{.AsOf}}
    GROUP BY ticket_id
),
{{- end}}
w AS (
    SELECT t.*,
{{- if .NoExclusions}}
        false AS ex_all, false AS ex_sat, false AS ex_time,
{{- else}}
        coalesce(ex.ex_all, false) AS ex_all, coalesce(ex.ex_sat, false) AS ex_sat, coalesce(ex.ex_time, false) AS ex_time,
{{- end}}
        answer_time IS NOT NULL AND answer_time <= {{.AsOf}} AS answered,
        status IN ('resolved', 'closed') AS finished,
        status IN ('resolved', 'closed') AND outcome IN ('resolved', 'unknown') AS solved,
        satisfaction <> 'unrated' AS rated,
        CASE satisfaction WHEN 'satisfied' THEN {{.WSatisfied}} WHEN 'basic' THEN {{.WBasic}}
             WHEN 'dissatisfied' THEN {{.WDissatisfied}} END AS sat_weight
    FROM t{{if not .NoExclusions}} LEFT JOIN ex USING (ticket_id){{end}}
)
{{- if .Wide}}
, x AS (
    SELECT w.*,
        (w.answered AND w.answer_time > w.reply_due) OR (NOT w.answered AND {{.AsOf}} > w.reply_due) AS late,
        (CASE WHEN w.answered THEN w.w_answer ELSE {{.WAsOf}} END - w.w_due) / 86400.0 AS late_days
    FROM w
)
SELECT x.region, x.street, x.department, x.category, x.source, x.level, x.cadre, x.industry,
    x.created_month, x.satisfaction, x.finished, x.solved, x.rated, x.sat_weight, x.on_site,
    x.ex_all, x.ex_sat, x.ex_time,
{{- if .Listing}}
    x.ticket_id, x.enterprise, x.status, x.created_at, x.reply_due, x.answer_time, x.answered, x.late_days,
{{- end}}
    x.assign_time IS NOT NULL AND x.assign_time <= x.assign_due AS assigned_in_time,
    x.reply_due < {{.AsOf}} OR x.answered AS reply_counted,
    x.answered AND x.answer_time <= x.reply_due AS replied_on_time,
    CASE WHEN NOT x.late THEN 'green'
         WHEN x.late_days <= {{.RedMaxLate}} THEN 'red'
         ELSE 'black' END AS flag,
    r.ticket_id IS NOT NULL AS reopened,
    (x.w_assign - x.w_created) / 86400.0 AS assign_days,
    CASE WHEN x.answered THEN (x.w_answer - x.w_created) / 86400.0 END AS answer_days,
    CASE WHEN x.finished AND x.resolved_at IS NOT NULL THEN (x.w_resolved - x.w_created) / 86400.0 END AS finish_days,
    x.w_assign - x.w_created AS assign_secs,
    CASE WHEN x.answered THEN x.w_answer - x.w_created END AS answer_secs,
    CASE WHEN x.finished AND x.resolved_at IS NOT NULL THEN x.w_resolved - x.w_created END AS finish_secs
FROM x
LEFT JOIN {{.Reopened}} r USING (ticket_id){{if .Table}};{{end}}
{{- else}}
SELECT region, department, cadre, satisfaction, finished, solved, rated, sat_weight, ex_all, ex_sat, ex_time,
{{- if .Evidence}}
    ticket_id, created_at, status, outcome, assign_time, assign_due, answer_time, reply_due,
{{- end}}
    assign_time IS NOT NULL AND assign_time <= assign_due AS assigned_in_time,
    reply_due < {{.AsOf}} OR answered AS reply_counted,
    answered AND answer_time <= reply_due AS replied_on_time
FROM w{{if .Table}};{{end}}
{{- end}}

{{/* The ticket's own columns of t (alias tk), the same in both forms. */}}
{{- define "facts_ticket" -}}
tk.ticket_id, tk.region, tk.department, tk.cadre, tk.created_at, tk.status, tk.outcome, tk.satisfaction,
{{- if .Wide}}
        tk.enterprise, tk.street, tk.industry, tk.category, tk.source, tk.level, tk.on_site, tk.resolved_at,
        date_trunc('month', tk.created_at) AS created_month,
{{- end}}
        coalesce(tk.assigned_at, least(tk.responded_at, tk.resolved_at)) AS assign_time,
        coalesce(tk.responded_at, tk.resolved_at) AS answer_time
{{- end}}
