-- Red and black flags at the snapshot time T (DOMAIN §2), longest overdue first:
--   red   = late by at most {{.RedMaxLate}} working days (督办)
--   black = open or answered more than {{.RedMaxLate}} working days late (问责)
-- late_days = working days from the response deadline to the answer, or to T when open,
--   rounded to 2 decimals and at least 0.01: a flagged ticket is late, so its overdue days
--   are never 0.00, also when less than 0.005 working days (or no working time, as for a
--   Friday deadline judged on the weekend) have passed since the deadline.
-- total = the number of flags, also when the list is cut to its first rows (LIMIT).
SELECT flag, ticket_id, enterprise, region, department, cadre, category, status,
    created_at, reply_due AS due_at, CASE WHEN answered THEN answer_time END AS answered_at,
    greatest(round(late_days, 2), 0.01) AS late_days, count(*) OVER () AS total
FROM {{.Table}}
WHERE flag IN ('red', 'black')
ORDER BY late_days DESC, created_at, ticket_id
{{- if .Limit}}
LIMIT {{.Limit}}
{{- end}}
