-- Durations in working days from created_at (DOMAIN §2), by the chosen dimensions:
-- median and 90th percentile (continuous) of the time to assign, to answer and to finish.
-- NULL when no ticket of the group has reached that step.
SELECT {{.Select}}
    median(assign_days) AS assign_days_median,
    quantile_cont(assign_days, 0.9) AS assign_days_p90,
    median(answer_days) AS answer_days_median,
    quantile_cont(answer_days, 0.9) AS answer_days_p90,
    median(finish_days) AS finish_days_median,
    quantile_cont(finish_days, 0.9) AS finish_days_p90
FROM {{.Table}}
{{.GroupBy}}
