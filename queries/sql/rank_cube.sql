-- What the rankings count in period P for each region, department and cadre of the cohort
-- (the lean facts of facts.sql), read once for all three rankings: one row per entity
-- (region, department or cadre) and name (NULL: tickets without one), with
--   collected, finished, solved, rated, assigned_in_time, replied_on_time, reply_counted =
--     the number of tickets with that fact; satisfied, basic, dissatisfied = by rating.
{{- if .Table}}
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
{{- end}}
SELECT CASE grouping(region, department, cadre) WHEN 3 THEN 'region' WHEN 5 THEN 'department' ELSE 'cadre' END AS entity,
    CASE grouping(region, department, cadre) WHEN 3 THEN region WHEN 5 THEN department ELSE cadre END AS name,
    count(*) AS collected,
    count_if(finished) AS finished,
    count_if(solved) AS solved,
    count_if(rated) AS rated,
    count_if(satisfaction = 'satisfied') AS satisfied,
    count_if(satisfaction = 'basic') AS basic,
    count_if(satisfaction = 'dissatisfied') AS dissatisfied,
    count_if(assigned_in_time) AS assigned_in_time,
    count_if(replied_on_time) AS replied_on_time,
    count_if(reply_counted) AS reply_counted
FROM {{.Facts}}
GROUP BY GROUPING SETS ((region), (department), (cadre)){{if .Table}};{{end}}
