-- Department ranking (要素保障大比拼, DOMAIN §4), period P, 100 points:
--   effect     = {{.EffectReply}} × on_time_reply_rate + {{.EffectCompletion}} × completion_rate
--   service    = {{.Service}} × satisfaction_score
--   efficiency = {{.Efficiency}} − deduction points in P, not below 0
-- (Rates and score as in rates.sql, from the counts of rank_cube.sql.)
-- Each part is rounded to 2 decimals and total is their sum, so a row adds up as printed.
-- Ranked: departments with at least {{.Min}} collected tickets in P (tickets without a
-- department are left out). A ranked department without a rated ticket gets the mean
-- service of the ranked departments that have one (noted); likewise a department with no
-- reply yet due gets the mean reply part. Every department seen in the tickets or the
-- deductions is listed; those under the minimum as not ranked.
WITH names AS (SELECT name FROM {{.Names}}),
agg AS (
    SELECT name, collected,
        finished / collected AS completion_rate,
        replied_on_time / nullif(reply_counted, 0) AS on_time_reply_rate,
        ({{.WSatisfied}} * satisfied + {{.WBasic}} * basic + {{.WDissatisfied}} * dissatisfied) / nullif(rated, 0) AS satisfaction_score
    FROM {{.Table}} WHERE entity = 'department' AND name IS NOT NULL
),
ded AS (
    SELECT department AS name, sum(points)::DOUBLE AS points FROM deductions
    WHERE month >= {{.Start}} AND month < {{.End}}
    GROUP BY department
),
base AS (
    SELECT n.name, coalesce(a.collected, 0) AS collected, coalesce(a.collected, 0) >= {{.Min}} AS eligible,
        a.completion_rate, a.on_time_reply_rate, a.satisfaction_score,
        {{.EffectReply}} * a.on_time_reply_rate AS reply_pts,
        {{.EffectCompletion}} * a.completion_rate AS completion_pts,
        {{.Service}} * a.satisfaction_score AS service_pts,
        coalesce(d.points, 0) AS deducted
    FROM names n LEFT JOIN agg a USING (name) LEFT JOIN ded d USING (name)
),
means AS (
    SELECT avg(reply_pts) FILTER (eligible) AS reply_mean, avg(service_pts) FILTER (eligible) AS service_mean FROM base
),
scored AS (
    SELECT b.*,
        round(coalesce(b.reply_pts, m.reply_mean, 0) + b.completion_pts, 2) AS effect,
        round(coalesce(b.service_pts, m.service_mean, 0), 2) AS service,
        round(greatest({{.Efficiency}} - b.deducted, 0), 2) AS efficiency,
        b.eligible AND b.reply_pts IS NULL AS reply_imputed,
        b.eligible AND b.service_pts IS NULL AS service_imputed
    FROM base b, means m
)
SELECT name, collected, eligible,
    CASE WHEN eligible THEN effect END AS effect,
    CASE WHEN eligible THEN service END AS service,
    CASE WHEN eligible THEN efficiency END AS efficiency,
    CASE WHEN eligible THEN round(effect + service + efficiency, 2) END AS total,
    completion_rate, on_time_reply_rate, satisfaction_score, deducted,
    reply_imputed, service_imputed
FROM scored
ORDER BY eligible DESC, total DESC NULLS LAST, name COLLATE zh
