-- Growth against targets for month m of year y (DOMAIN §3), per entity and metric:
--   value        = actuals(y, m)
--   ytd          = Σ value(y, 1..m);  ytd_prev = Σ value(y−1, 1..m)
--   yoy          = ytd / ytd_prev − 1            (同比; NULL without a previous year)
--   mom          = value(y, m) / value(y, m−1) − 1 (环比; January compares with December)
--   completion   = ytd / target(y)                (NULL without a target)
--   time_progress = m / 12                        (序时进度)
--   schedule_gap = completion − time_progress     (超/落后序时进度)
--   premium      = yoy − benchmark_yoy (benchmark of the entity type's scope and the month)
--   meets_rule   = premium ≥ {{.Premium}}
--   achieved     = completion ≥ 1
-- Entities are those with an actual or a target in year y.
WITH a AS (
    SELECT entity_type, entity, metric, month, value::DOUBLE AS value FROM actuals
    WHERE month >= DATE '{{.PrevYearStart}}' AND month <= DATE '{{.Month}}'{{.Filter}}
),
keys AS (
    SELECT DISTINCT entity_type, entity, metric FROM a WHERE year(month) = {{.Year}}
    UNION
    SELECT DISTINCT entity_type, entity, metric FROM targets WHERE year = {{.Year}}{{.Filter}}
),
g AS (
    SELECT k.entity_type, k.entity, k.metric,
        max(a.value) FILTER (a.month = DATE '{{.Month}}') AS value,
        max(a.value) FILTER (a.month = DATE '{{.PrevMonth}}') AS value_prev_month,
        sum(a.value) FILTER (year(a.month) = {{.Year}} AND month(a.month) <= {{.M}}) AS ytd,
        sum(a.value) FILTER (year(a.month) = {{.Year}} - 1 AND month(a.month) <= {{.M}}) AS ytd_prev
    FROM keys k LEFT JOIN a USING (entity_type, entity, metric)
    GROUP BY ALL
)
SELECT g.entity_type, g.entity, g.metric, '{{.Label}}' AS month, g.value, g.ytd, g.ytd_prev,
    g.ytd / nullif(g.ytd_prev, 0) - 1 AS yoy,
    g.value / nullif(g.value_prev_month, 0) - 1 AS mom,
    t.target::DOUBLE AS target,
    g.ytd / nullif(t.target::DOUBLE, 0) AS completion,
    {{.M}} / 12.0 AS time_progress,
    g.ytd / nullif(t.target::DOUBLE, 0) - {{.M}} / 12.0 AS schedule_gap,
    b.yoy::DOUBLE AS benchmark_yoy,
    g.ytd / nullif(g.ytd_prev, 0) - 1 - b.yoy::DOUBLE AS premium,
    round(g.ytd / nullif(g.ytd_prev, 0) - 1 - b.yoy::DOUBLE, 9) >= {{.Premium}} AS meets_rule,
    round(g.ytd / nullif(t.target::DOUBLE, 0), 9) >= 1 AS achieved
FROM g
LEFT JOIN targets t ON t.entity_type = g.entity_type AND t.entity = g.entity AND t.metric = g.metric AND t.year = {{.Year}}
LEFT JOIN benchmarks b ON b.scope = g.entity_type AND b.metric = g.metric AND b.month = DATE '{{.Month}}'
ORDER BY g.entity_type, g.metric, g.entity COLLATE zh
