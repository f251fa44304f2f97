-- Region ranking (三率, DOMAIN §4), period P:
--   total = round({{.Scale}} × ({{.WResponse}} × response_rate + {{.WResolution}} × resolution_rate
--                 + {{.WSatisfaction}} × satisfaction_rate), 2)
--   response_rate = assigned_in_time / response_counted (collected, less the tickets
--   excluded for timeliness)
-- Ranked: regions with at least {{.Min}} collected tickets in P. A ranked region without a
-- rated ticket gets the mean satisfaction_rate of the ranked regions that have one (noted);
-- likewise one whose every ticket is excluded for timeliness gets the mean response_rate.
-- (Rates as in rates.sql and sla.sql, from the counts of rank_cube.sql.)
-- Every region seen in the tickets is listed; those under the minimum as not ranked.
WITH names AS (SELECT name FROM {{.Names}}),
agg AS (
    SELECT name, collected,
        assigned_in_time / nullif(response_counted, 0) AS response_rate,
        solved / nullif(collected, 0) AS resolution_rate,
        (satisfied + basic) / nullif(rated, 0) AS satisfaction_rate
    FROM {{.Table}} WHERE entity = 'region'
),
base AS (
    SELECT n.name, coalesce(a.collected, 0) AS collected, coalesce(a.collected, 0) >= {{.Min}} AS eligible,
        a.response_rate, a.resolution_rate, a.satisfaction_rate
    FROM names n LEFT JOIN agg a USING (name)
),
means AS (SELECT avg(satisfaction_rate) FILTER (eligible) AS sat_mean, avg(response_rate) FILTER (eligible) AS resp_mean FROM base)
SELECT b.name, b.collected, b.eligible,
    coalesce(b.response_rate, CASE WHEN b.eligible THEN m.resp_mean END) AS response_rate, b.resolution_rate,
    coalesce(b.satisfaction_rate, CASE WHEN b.eligible THEN m.sat_mean END) AS satisfaction_rate,
    CASE WHEN b.eligible THEN round({{.Scale}} * ({{.WResponse}} * coalesce(b.response_rate, m.resp_mean, 0) + {{.WResolution}} * b.resolution_rate
        + {{.WSatisfaction}} * coalesce(b.satisfaction_rate, m.sat_mean, 0)), 2) END AS total,
    b.eligible AND b.satisfaction_rate IS NULL AS service_imputed
FROM base b, means m
ORDER BY b.eligible DESC, total DESC NULLS LAST, b.name COLLATE zh
