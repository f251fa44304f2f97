-- Growth summary, one row per entity type and metric (DOMAIN §3, §7 growth --summary):
--   entities       = entities with a target in year y
--   achieved       = entities whose completion ≥ 1; achieved_share = achieved / entities
--   ytd, ytd_prev, target = sums over the entities with a target
--   yoy = Σytd / Σytd_prev − 1; completion = Σytd / Σtarget
SELECT entity_type, metric, any_value(month) AS month,
    count(*) AS entities,
    count(*) FILTER (achieved) AS achieved,
    count(*) FILTER (achieved) / nullif(count(*), 0) AS achieved_share,
    sum(ytd) AS ytd, sum(ytd_prev) AS ytd_prev,
    sum(ytd) / nullif(sum(ytd_prev), 0) - 1 AS yoy,
    sum(target) AS target,
    sum(ytd) / nullif(sum(target), 0) AS completion
FROM ({{.Detail}})
WHERE target IS NOT NULL
GROUP BY entity_type, metric
ORDER BY entity_type, metric
