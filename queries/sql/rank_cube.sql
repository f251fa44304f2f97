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
-- (NotAll, NotSat, NotTime and Excluded are those conditions, written out by cubeData;
-- a store without exclusions has them empty, so its counts are plain.)
{{- if .Table}}
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
{{- end}}
SELECT CASE grouping(region, department, cadre) WHEN 3 THEN 'region' WHEN 5 THEN 'department' ELSE 'cadre' END AS entity,
    CASE grouping(region, department, cadre) WHEN 3 THEN region WHEN 5 THEN department ELSE cadre END AS name,
    count_if(true{{.NotAll}}) AS collected,
    count_if(finished{{.NotAll}}) AS finished,
    count_if(solved{{.NotAll}}) AS solved,
    count_if(rated{{.NotSat}}) AS rated,
    count_if(satisfaction = 'satisfied'{{.NotSat}}) AS satisfied,
    count_if(satisfaction = 'basic'{{.NotSat}}) AS basic,
    count_if(satisfaction = 'dissatisfied'{{.NotSat}}) AS dissatisfied,
    count_if(assigned_in_time{{.NotTime}}) AS assigned_in_time,
    count_if(true{{.NotTime}}) AS response_counted,
    count_if(replied_on_time{{.NotTime}}) AS replied_on_time,
    count_if(reply_counted{{.NotTime}}) AS reply_counted,
    count_if({{.Excluded}}) AS excluded
FROM {{.Facts}}
GROUP BY GROUPING SETS ((region), (department), (cadre)){{if .Table}};{{end}}
