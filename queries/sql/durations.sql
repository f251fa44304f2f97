-- Durations in working days from created_at (DOMAIN §2), by the chosen dimensions:
-- median and 90th percentile (continuous, as one list [p50, p90]) of the time to assign,
-- to answer and to finish.
-- NULL when no ticket of the group has reached that step. (Sorted as whole working
-- seconds, then divided by 86400.)
-- (A list of aggregates over the facts table; metrics.go puts the families together.)
    list_transform(quantile_cont(assign_secs, [0.5, 0.9]), lambda s: s / 86400.0) AS assign_days_q,
    list_transform(quantile_cont(answer_secs, [0.5, 0.9]), lambda s: s / 86400.0) AS answer_days_q,
    list_transform(quantile_cont(finish_secs, [0.5, 0.9]), lambda s: s / 86400.0) AS finish_days_q
