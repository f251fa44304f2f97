-- Monthly trend of the cohort of period P = [start, end) (DOMAIN §2), for the briefing's
-- 12-month chart: the figures of rates.sql (collected, finished, solved, completion,
-- resolution and satisfaction rates, on-site, reopened) by the month tickets were created.
-- None of these needs the working-day calendar, and a year of tickets is the whole table,
-- so the tickets are first counted by day and the few columns the rates read (some
-- thousands of groups), and the reopened ones by month; the rates are then computed from
-- the counts, with the definitions of facts.sql and rates.sql:
--   collected = created in P, cancelled ones excluded
--   finished  = status resolved or closed
--   solved    = finished and outcome resolved or unknown
--   rated     = satisfaction ≠ unrated; weights satisfied {{.WSatisfied}}, basic {{.WBasic}}, dissatisfied {{.WDissatisfied}}
--   reopened  = reopened in any stored version (zq_reopened), or any version up to the
--               snapshot judged (Reopened)
-- Source is the tickets judged, as in facts.sql.
--   completion_rate = finished / collected; resolution_rate = solved / collected;
--   satisfaction_rate = (satisfied + basic) / rated; satisfaction_score = Σ weight / rated;
--   on_site_rate = on_site / collected; reopen_rate = reopened / finished; NULL when the
--   denominator is 0.
-- The 133-rule rates and flags are not here: Metrics computes them (with the calendar).
WITH g AS (
    SELECT tk.created_at::DATE AS created_day, tk.status, tk.outcome, tk.satisfaction, tk.on_site, count(*) AS n
    FROM {{.Source}} tk
    WHERE tk.created_at >= TIMESTAMP '{{.Start}}' AND tk.created_at < TIMESTAMP '{{.End}}'
      AND tk.status <> 'cancelled'
    GROUP BY ALL
),
r AS (
    SELECT date_trunc('month', tk.created_at)::DATE AS created_month, count(*) AS reopened
    FROM {{.Source}} tk
    SEMI JOIN {{.Reopened}} USING (ticket_id)
    WHERE tk.created_at >= TIMESTAMP '{{.Start}}' AND tk.created_at < TIMESTAMP '{{.End}}'
      AND tk.status <> 'cancelled'
    GROUP BY ALL
),
f AS (
    SELECT date_trunc('month', created_day)::DATE AS created_month, satisfaction, on_site, n,
        status IN ('resolved', 'closed') AS finished,
        status IN ('resolved', 'closed') AND outcome IN ('resolved', 'unknown') AS solved,
        satisfaction <> 'unrated' AS rated,
        CASE satisfaction WHEN 'satisfied' THEN {{.WSatisfied}} WHEN 'basic' THEN {{.WBasic}}
             WHEN 'dissatisfied' THEN {{.WDissatisfied}} END AS sat_weight
    FROM g
),
c AS (
    SELECT created_month,
        sum(n)::BIGINT AS collected,
        coalesce(sum(n) FILTER (finished), 0)::BIGINT AS finished,
        coalesce(sum(n) FILTER (solved), 0)::BIGINT AS solved,
        coalesce(sum(n) FILTER (rated), 0)::BIGINT AS rated,
        coalesce(sum(n) FILTER (satisfaction = 'satisfied'), 0)::BIGINT AS satisfied,
        coalesce(sum(n) FILTER (satisfaction = 'basic'), 0)::BIGINT AS basic,
        coalesce(sum(n) FILTER (satisfaction = 'dissatisfied'), 0)::BIGINT AS dissatisfied,
        sum(sat_weight * n) AS sat_weight,
        coalesce(sum(n) FILTER (on_site), 0)::BIGINT AS on_site
    FROM f
    GROUP BY created_month
)
SELECT strftime(created_month, '%Y-%m') AS "month",
    collected, finished, solved,
    finished / nullif(collected, 0) AS completion_rate,
    solved / nullif(collected, 0) AS resolution_rate,
    rated, satisfied, basic, dissatisfied,
    (satisfied + basic) / nullif(rated, 0) AS satisfaction_rate,
    sat_weight / nullif(rated, 0) AS satisfaction_score,
    on_site,
    on_site / nullif(collected, 0) AS on_site_rate,
    coalesce(r.reopened, 0) AS reopened,
    coalesce(r.reopened, 0) / nullif(finished, 0) AS reopen_rate
FROM c
LEFT JOIN r USING (created_month)
ORDER BY "month"
