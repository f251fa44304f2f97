-- Cadre recognition (赛比评, DOMAIN §4), period P:
--   weekly star (P a week): eligible cadres have satisfaction_rate ≥ {{.StarMinSat}} and at
--     least {{.StarMinSolved}} solved tickets; total = solved; the first is the star.
--   otherwise (month and longer): eligible cadres have at least {{.MinSolved}} solved and a
--     rated ticket; total = round({{.WSolved}} × solved / max solved of the eligible
--     + {{.WSat}} × satisfaction_score, 2); the first {{.Top}} are recognised.
-- (Rates and score as in rates.sql, from the counts of rank_cube.sql.)
-- Every cadre seen in the tickets is listed; the others as not ranked.
WITH names AS (SELECT name FROM {{.Names}}),
agg AS (
    SELECT name, collected, solved, rated,
        (satisfied + basic) / nullif(rated, 0) AS satisfaction_rate,
        ({{.WSatisfied}} * satisfied + {{.WBasic}} * basic + {{.WDissatisfied}} * dissatisfied) / nullif(rated, 0) AS satisfaction_score
    FROM {{.Table}} WHERE entity = 'cadre' AND name IS NOT NULL
),
base AS (
    SELECT n.name, coalesce(a.collected, 0) AS collected, coalesce(a.solved, 0) AS solved,
        a.satisfaction_rate, a.satisfaction_score,
{{- if .Weekly}}
        coalesce(a.solved, 0) >= {{.StarMinSolved}} AND coalesce(a.satisfaction_rate >= {{.StarMinSat}}, false) AS eligible
{{- else}}
        coalesce(a.solved, 0) >= {{.MinSolved}} AND coalesce(a.rated, 0) > 0 AS eligible
{{- end}}
    FROM names n LEFT JOIN agg a USING (name)
),
m AS (SELECT max(solved) FILTER (eligible) AS max_solved FROM base)
SELECT b.name, b.collected, b.eligible, b.solved, b.satisfaction_rate, b.satisfaction_score,
{{- if .Weekly}}
    CASE WHEN b.eligible THEN b.solved::DOUBLE END AS total
{{- else}}
    CASE WHEN b.eligible THEN round({{.WSolved}} * b.solved / m.max_solved + {{.WSat}} * b.satisfaction_score, 2) END AS total
{{- end}}
FROM base b, m
ORDER BY b.eligible DESC, total DESC NULLS LAST, b.name COLLATE zh
