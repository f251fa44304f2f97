-- Timing of a ticket version (DOMAIN §2), computed when the version is stored and read by
-- the metric queries, with the working-day calendar zq_cal of calendar.sql (as the one-row
-- table of lists zq_calk k):
--   assign_due, reply_due = zq_assign_due, zq_reply_due (calendar.sql)
--   w_created, w_assign, w_answer, w_resolved, w_due = working time W(t) of created_at, of
--                 the assignment (assigned_at, else the earlier of responded_at and
--                 resolved_at), of the answer (responded_at, else resolved_at), of
--                 resolved_at and of reply_due; NULL for a date outside the calendar
--   timing_key  = the calendar and rules they were computed with (pipeline.Calendar.Key)
-- W(t) = 86400 × (working days from the calendar's first day to t's date, exclusive)
--        + whole seconds since midnight when t's date is a working day.

-- zq_calk: the calendar as one row of lists indexed by a date's position (zq_day), and
-- the macros that read it. (Cross-joined into the insert: reading the lists from a session
-- variable instead made the insert half again as slow.)
{{define "zq_calk" -}}
CREATE OR REPLACE TEMP TABLE zq_calk AS
SELECT min(d) AS d0, list(wbase ORDER BY d) AS wbase, list(workday ORDER BY d) AS workday,
    list(assign_due ORDER BY d) AS assign_due, list(reply_due ORDER BY d) AS reply_due
FROM ({{template "zq_cal" .}});

CREATE OR REPLACE TEMP MACRO {{template "zq_wj"}};

CREATE OR REPLACE TEMP MACRO {{template "zq_day"}};

-- zq_wk(t, d0, wbase, workday): W(t) from the lists of zq_calk.
CREATE OR REPLACE TEMP MACRO zq_wk(t, d0, wbase, workday) AS
    zq_wj(t, wbase[zq_day(t, d0)], workday[zq_day(t, d0)]);

CREATE OR REPLACE TEMP MACRO {{template "zq_assign_due"}};

CREATE OR REPLACE TEMP MACRO {{template "zq_reply_due"}};
{{- end}}

-- The timing columns of version n (a relation with the ticket columns) with zq_calk k, as
-- a select list (timing_values: insert) or assignments (timing_set: update); Key is the
-- calendar's key.
{{define "t_assign_due"}}zq_assign_due(n.created_at, k.assign_due, k.d0){{end}}
{{define "t_reply_due"}}zq_reply_due(n.created_at, n.deadline, k.reply_due, k.d0){{end}}
{{define "t_w_created"}}zq_wk(n.created_at, k.d0, k.wbase, k.workday){{end}}
{{define "t_w_assign"}}zq_wk(coalesce(n.assigned_at, least(n.responded_at, n.resolved_at)), k.d0, k.wbase, k.workday){{end}}
{{define "t_w_answer"}}zq_wk(coalesce(n.responded_at, n.resolved_at), k.d0, k.wbase, k.workday){{end}}
{{define "t_w_resolved"}}zq_wk(n.resolved_at, k.d0, k.wbase, k.workday){{end}}
{{define "t_w_due"}}zq_wk({{template "t_reply_due"}}, k.d0, k.wbase, k.workday){{end}}

{{define "timing_columns"}}assign_due, reply_due, w_created, w_assign, w_answer, w_resolved, w_due, timing_key{{end}}

{{define "timing_values" -}}
{{template "t_assign_due"}}, {{template "t_reply_due"}}, {{template "t_w_created"}},
    {{template "t_w_assign"}}, {{template "t_w_answer"}}, {{template "t_w_resolved"}},
    {{template "t_w_due"}}, '{{.Key}}'
{{- end}}

-- Versions whose timing was computed with another calendar (the configuration changed,
-- or the calendar widened to new ticket years) are computed again, earlier versions too
-- (queries judge earlier snapshots with them); then every version carries Key, as of
-- ticket ingest Ingest (derived_state).
{{define "timing_refresh" -}}
UPDATE ticket_versions n SET
    assign_due = {{template "t_assign_due"}}, reply_due = {{template "t_reply_due"}},
    w_created = {{template "t_w_created"}}, w_assign = {{template "t_w_assign"}},
    w_answer = {{template "t_w_answer"}}, w_resolved = {{template "t_w_resolved"}},
    w_due = {{template "t_w_due"}}, timing_key = '{{.Key}}'
FROM zq_calk k
WHERE n.timing_key IS DISTINCT FROM '{{.Key}}';

INSERT OR REPLACE INTO derived_state VALUES ('timing', '{{.Key}}', {{.Ingest}});
{{- end}}
