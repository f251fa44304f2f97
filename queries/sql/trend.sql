-- Monthly trend of the cohort of period P = [start, end) (DOMAIN §2), for the briefing's
-- 12-month chart: the rates family (rates.sql: collected, finished, solved, completion,
-- resolution and satisfaction rates, on-site, reopened) by the month tickets were created.
-- None of these needs the working-day calendar, so the per-ticket facts are projected
-- straight from the tickets, with the definitions of facts.sql:
--   collected = created in P, cancelled ones excluded
--   finished  = status resolved or closed
--   solved    = finished and outcome resolved or unknown
--   rated     = satisfaction ≠ unrated; weights satisfied {{.WSatisfied}}, basic {{.WBasic}}, dissatisfied {{.WDissatisfied}}
-- The 133-rule rates and flags are not here: Metrics computes them (with the calendar).
SELECT strftime(created_month, '%Y-%m') AS "month",
{{.Rates}}
FROM (
    SELECT date_trunc('month', tk.created_at) AS created_month, tk.satisfaction, tk.on_site,
        tk.status IN ('resolved', 'closed') AS finished,
        tk.status IN ('resolved', 'closed') AND tk.outcome IN ('resolved', 'unknown') AS solved,
        tk.satisfaction <> 'unrated' AS rated,
        CASE tk.satisfaction WHEN 'satisfied' THEN {{.WSatisfied}} WHEN 'basic' THEN {{.WBasic}}
             WHEN 'dissatisfied' THEN {{.WDissatisfied}} END AS sat_weight,
        r.ticket_id IS NOT NULL AS reopened
    FROM tickets tk
    LEFT JOIN zq_reopened r USING (ticket_id)
    WHERE tk.created_at >= TIMESTAMP '{{.Start}}' AND tk.created_at < TIMESTAMP '{{.End}}'
      AND tk.status <> 'cancelled'
)
GROUP BY ALL
ORDER BY "month"
