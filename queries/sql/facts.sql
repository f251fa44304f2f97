-- Per-ticket facts of the cohort of period P = [start, end) at snapshot time T (DOMAIN §2):
-- tickets created in P, cancelled ones excluded ("collected"); the open-flags list narrows
-- this to tickets still open or answered since the start of T's month.
--   finished  = status resolved or closed
--   solved    = finished and outcome resolved or unknown
--   rated     = satisfaction ≠ unrated; score weight satisfied {{.WSatisfied}}, basic {{.WBasic}}, dissatisfied {{.WDissatisfied}}
--   assign_time = assigned_at, else the earlier of responded_at and resolved_at
--   answer_time = responded_at, else resolved_at
--   assign_due  = 24:00 of the {{.AssignDays}}-th working day after created_at's date
--   reply_due   = the explicit deadline (a deadline at 00:00 means the end of that day),
--                 else 24:00 of the {{.ReplyDays}}-th working day after created_at's date
--   assigned_in_time = assign_time ≤ assign_due
--   reply_counted    = reply_due < T, or answered; replied_on_time = answered ≤ reply_due
--   late_days = working days from reply_due to the answer (or to T when still open)
--   flag at T: green = answered on time, or open and not yet due;
--              red = late by at most {{.RedMaxLate}} working days; black = later than that
--   durations in working days from created_at: to assign, to answer, to finish (resolved_at)
-- The lean form (rankings) keeps only what the rankings read and skips the working-time
-- lookups; the wide form (metrics) has every dimension and fact; the listing form (flags)
-- adds the ticket's identity and times.
{{- if .Table}}
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
{{- end}}
WITH t AS (
    SELECT tk.ticket_id, tk.region, tk.department, tk.cadre, tk.created_at, tk.status, tk.outcome, tk.satisfaction,
{{- if .Wide}}
        tk.enterprise, tk.street, tk.industry, tk.category, tk.source, tk.level, tk.on_site, tk.resolved_at,
        zq_wj(tk.created_at, c.wbase, c.workday) AS w_created,
        date_trunc('month', tk.created_at) AS created_month,
{{- end}}
        coalesce(tk.assigned_at, least(tk.responded_at, tk.resolved_at)) AS assign_time,
        coalesce(tk.responded_at, tk.resolved_at) AS answer_time,
        c.assign_due::TIMESTAMP + INTERVAL 1 DAY AS assign_due,
        CASE WHEN tk.deadline IS NULL THEN c.reply_due::TIMESTAMP + INTERVAL 1 DAY
             WHEN tk.deadline = date_trunc('day', tk.deadline) THEN tk.deadline + INTERVAL 1 DAY
             ELSE tk.deadline END AS reply_due
    FROM tickets tk
    JOIN zq_cal c ON c.d = tk.created_at::DATE
    WHERE tk.created_at >= {{.Start}} AND tk.created_at < {{.End}}
      AND tk.status <> 'cancelled'{{.Where}}
),
w AS (
    SELECT t.*,
        answer_time IS NOT NULL AND answer_time <= {{.AsOf}} AS answered,
        status IN ('resolved', 'closed') AS finished,
        status IN ('resolved', 'closed') AND outcome IN ('resolved', 'unknown') AS solved,
        satisfaction <> 'unrated' AS rated,
        CASE satisfaction WHEN 'satisfied' THEN {{.WSatisfied}} WHEN 'basic' THEN {{.WBasic}}
             WHEN 'dissatisfied' THEN {{.WDissatisfied}} END AS sat_weight
{{- if .Wide}},
        zq_wj(t.reply_due, cd.wbase, cd.workday) AS w_due,
        zq_wj(t.answer_time, ca.wbase, ca.workday) AS w_answer,
        zq_wj(t.assign_time, cs.wbase, cs.workday) AS w_assign,
        zq_wj(t.resolved_at, cr.wbase, cr.workday) AS w_resolved
    FROM t
    JOIN zq_cal cd ON cd.d = t.reply_due::DATE
    LEFT JOIN zq_cal ca ON ca.d = t.answer_time::DATE
    LEFT JOIN zq_cal cs ON cs.d = t.assign_time::DATE
    LEFT JOIN zq_cal cr ON cr.d = t.resolved_at::DATE
{{- else}}
    FROM t
{{- end}}
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
    CASE WHEN x.finished AND x.resolved_at IS NOT NULL THEN (x.w_resolved - x.w_created) / 86400.0 END AS finish_days
FROM x
LEFT JOIN zq_reopened r USING (ticket_id){{if .Table}};{{end}}
{{- else}}
SELECT region, department, cadre, satisfaction, finished, solved, rated, sat_weight,
    assign_time IS NOT NULL AND assign_time <= assign_due AS assigned_in_time,
    reply_due < {{.AsOf}} OR answered AS reply_counted,
    answered AND answer_time <= reply_due AS replied_on_time
FROM w{{if .Table}};{{end}}
{{- end}}
