-- Durations in working days from created_at (DOMAIN §2), by the chosen dimensions:
-- median and 90th percentile (continuous, as one list [p50, p90]) of the time to assign,
-- to answer and to finish.
-- NULL when no ticket of the group has reached that step.
-- (A list of aggregates over the facts table; metrics.go puts the families together.)
    quantile_cont(assign_days, [0.5, 0.9]) AS assign_days_q,
    quantile_cont(answer_days, [0.5, 0.9]) AS answer_days_q,
    quantile_cont(finish_days, [0.5, 0.9]) AS finish_days_q
