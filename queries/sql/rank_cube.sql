-- What the rankings count in period P for each region, department and cadre of the cohort
-- (the lean facts of facts.sql), read once for all three rankings: one row per entity
-- (region, department or cadre) and name (NULL: tickets without one), with
--   collected, finished, solved, rated, assigned_in_time, replied_on_time, reply_counted =
--     the number of tickets with that fact; satisfied, basic, dissatisfied = by rating;
--   response_counted = the tickets the response rate counts.
-- Exclusions approved by T (DOMAIN §4) leave out the parts their scope names:
--   all          = out of every count (the ticket is not in the ranking);
--   satisfaction = out of rated, satisfied, basic, dissatisfied;
--   timeliness   = out of assigned_in_time, response_counted, replied_on_time, reply_counted.
--   excluded     = the tickets with an exclusion of any scope.
{{- if .Table}}
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
{{- end}}
SELECT CASE grouping(region, department, cadre) WHEN 3 THEN 'region' WHEN 5 THEN 'department' ELSE 'cadre' END AS entity,
    CASE grouping(region, department, cadre) WHEN 3 THEN region WHEN 5 THEN department ELSE cadre END AS name,
    count_if(NOT ex_all) AS collected,
    count_if(finished AND NOT ex_all) AS finished,
    count_if(solved AND NOT ex_all) AS solved,
    count_if(rated AND NOT (ex_all OR ex_sat)) AS rated,
    count_if(satisfaction = 'satisfied' AND NOT (ex_all OR ex_sat)) AS satisfied,
    count_if(satisfaction = 'basic' AND NOT (ex_all OR ex_sat)) AS basic,
    count_if(satisfaction = 'dissatisfied' AND NOT (ex_all OR ex_sat)) AS dissatisfied,
    count_if(assigned_in_time AND NOT (ex_all OR ex_time)) AS assigned_in_time,
    count_if(NOT (ex_all OR ex_time)) AS response_counted,
    count_if(replied_on_time AND NOT (ex_all OR ex_time)) AS replied_on_time,
    count_if(reply_counted AND NOT (ex_all OR ex_time)) AS reply_counted,
    count_if(ex_all OR ex_sat OR ex_time) AS excluded
FROM {{.Facts}}
GROUP BY GROUPING SETS ((region), (department), (cadre)){{if .Table}};{{end}}
