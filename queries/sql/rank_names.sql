-- Every entity the rankings list, so that none is dropped silently: each region,
-- department and cadre seen in the tickets judged (Source, as in facts.sql), and each department in the
-- deductions; one row per entity (region, department or cadre) and name, from one pass
-- over the tickets for the three rankings.
{{- if .Table}}
CREATE OR REPLACE TEMP TABLE {{.Table}} AS
{{- end}}
SELECT * FROM (
    SELECT CASE grouping(region, department, cadre) WHEN 3 THEN 'region' WHEN 5 THEN 'department' ELSE 'cadre' END AS entity,
        CASE grouping(region, department, cadre) WHEN 3 THEN region WHEN 5 THEN department ELSE cadre END AS name
    FROM {{.Source}}
    GROUP BY GROUPING SETS ((region), (department), (cadre))
)
WHERE name IS NOT NULL
UNION
SELECT 'department', department FROM deductions{{if .Table}};{{end}}
