-- Evidence of one ranking of period P judged at T (DOMAIN §4): one row per entity (the
-- {{.Entity}} of the ticket) and ticket of the cohort (the lean facts of facts.sql, with the
-- ticket's identity and times), with the exclusions in force (approved by T) and what the
-- ticket added to each count the ranking reads and to each part, in points, given its
-- entity's counts c (rank_cube.sql):
--   counted          = 1 unless excluded with scope all; finished, solved when counted
--   rated, satisfied, basic, dissatisfied, weight
--                    = its rating when counted and not excluded for satisfaction
--   response_counted, assigned_in_time, reply_counted, replied_on_time
--                    = when counted and not excluded for timeliness
{{- if eq .Kind "departments"}}
--   part1 (effect)   = {{.EffectReply}} × replied_on_time / c.reply_counted
--                      + {{.EffectCompletion}} × finished / c.collected
--   part2 (service)  = {{.Service}} × weight / c.rated
--   part3 (efficiency) comes from the deductions rows (evidence.go)
{{- else if eq .Kind "regions"}}
--   part1 (response)     = {{.Scale}} × {{.WResponse}} × assigned_in_time / c.response_counted
--   part2 (resolution)   = {{.Scale}} × {{.WResolution}} × solved / c.collected
--   part3 (satisfaction) = {{.Scale}} × {{.WSatisfaction}} × (satisfied + basic) / c.rated
{{- else}}
--   part1 (solved)   = {{.WSolved}} × solved / {{.MaxSolved}} (the most solved of the ranked cadres);
--                      a week's star: solved
--   part2 (service)  = {{.WSat}} × weight / c.rated
{{- end}}
-- Σ of an entity's rows gives its counts, and its parts before rounding (rank_*.sql).
-- Rows are ordered by entity, then ticket id; evidence.go scans the columns in this order.
WITH f AS (
    SELECT {{.Entity}} AS entity, ticket_id, created_at, status, outcome, satisfaction,
        assign_time, assign_due, answer_time, reply_due, ex_all, ex_sat, ex_time,
        NOT ex_all AS c_all, NOT (ex_all OR ex_sat) AS c_sat, NOT (ex_all OR ex_time) AS c_time,
        finished, solved, rated, sat_weight, assigned_in_time, reply_counted, replied_on_time
    FROM {{.Facts}}
    WHERE {{.Entity}} IS NOT NULL
),
ex AS (
    SELECT ticket_id,
        string_agg(scope, ',' ORDER BY scope) AS excluded,
        string_agg(doc_no, '；' ORDER BY approved_at, doc_no) AS doc_no,
        string_agg(reason, '；' ORDER BY approved_at, doc_no) AS exclusion_reason
    FROM (SELECT DISTINCT ticket_id, scope, doc_no, reason, approved_at FROM exclusions WHERE approved_at <= {{.AsOf}})
    GROUP BY ticket_id
),
e AS (
    SELECT f.entity, f.ticket_id, f.created_at, f.status, f.outcome, f.satisfaction,
        f.assign_time, f.assign_due, f.answer_time, f.reply_due,
        x.excluded, x.doc_no, x.exclusion_reason,
        c_all::INTEGER AS counted,
        (c_all AND finished)::INTEGER AS finished,
        (c_all AND solved)::INTEGER AS solved,
        (c_sat AND rated)::INTEGER AS rated,
        (c_sat AND satisfaction = 'satisfied')::INTEGER AS satisfied,
        (c_sat AND satisfaction = 'basic')::INTEGER AS basic,
        (c_sat AND satisfaction = 'dissatisfied')::INTEGER AS dissatisfied,
        CASE WHEN c_sat AND rated THEN sat_weight END AS weight,
        c_time::INTEGER AS response_counted,
        (c_time AND assigned_in_time)::INTEGER AS assigned_in_time,
        (c_time AND reply_counted)::INTEGER AS reply_counted,
        (c_time AND replied_on_time)::INTEGER AS replied_on_time
    FROM f LEFT JOIN ex x USING (ticket_id)
)
SELECT e.*,
{{- if eq .Kind "departments"}}
    {{.EffectReply}} * e.replied_on_time / nullif(c.reply_counted, 0)
        + {{.EffectCompletion}} * e.finished / nullif(c.collected, 0) AS part1,
    {{.Service}} * coalesce(e.weight, 0) / nullif(c.rated, 0) AS part2,
    NULL::DOUBLE AS part3
{{- else if eq .Kind "regions"}}
    {{.Scale}} * {{.WResponse}} * e.assigned_in_time / nullif(c.response_counted, 0) AS part1,
    {{.Scale}} * {{.WResolution}} * e.solved / nullif(c.collected, 0) AS part2,
    {{.Scale}} * {{.WSatisfaction}} * (e.satisfied + e.basic) / nullif(c.rated, 0) AS part3
{{- else if .Weekly}}
    e.solved::DOUBLE AS part1, NULL::DOUBLE AS part2, NULL::DOUBLE AS part3
{{- else}}
    {{.WSolved}} * e.solved / nullif({{.MaxSolved}}, 0) AS part1,
    {{.WSat}} * coalesce(e.weight, 0) / nullif(c.rated, 0) AS part2,
    NULL::DOUBLE AS part3
{{- end}}
FROM e LEFT JOIN (SELECT * FROM {{.Cube}} WHERE entity = '{{.Entity}}') c ON c.name = e.entity
ORDER BY e.entity COLLATE zh, e.ticket_id
