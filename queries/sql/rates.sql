-- Rates of the cohort (DOMAIN §2), by the chosen dimensions:
--   completion_rate   (办结率)   = finished / collected
--   resolution_rate   (解决率)   = solved / collected
--   satisfaction_rate (满意率)   = (satisfied + basic) / rated
--   satisfaction_score           = Σ weight / rated
--   on_site_rate      (当场办结率) = on_site / collected
--   reopen_rate                  = reopened / finished
-- Every rate is NULL when its denominator is 0.
-- (A list of aggregates over the facts table; metrics.go puts the families together.)
    count(*) AS collected,
    count(*) FILTER (finished) AS finished,
    count(*) FILTER (solved) AS solved,
    count(*) FILTER (finished) / nullif(count(*), 0) AS completion_rate,
    count(*) FILTER (solved) / nullif(count(*), 0) AS resolution_rate,
    count(*) FILTER (rated) AS rated,
    count(*) FILTER (satisfaction = 'satisfied') AS satisfied,
    count(*) FILTER (satisfaction = 'basic') AS basic,
    count(*) FILTER (satisfaction = 'dissatisfied') AS dissatisfied,
    count(*) FILTER (satisfaction IN ('satisfied', 'basic')) / nullif(count(*) FILTER (rated), 0) AS satisfaction_rate,
    sum(sat_weight) / nullif(count(*) FILTER (rated), 0) AS satisfaction_score,
    count(*) FILTER (on_site) AS on_site,
    count(*) FILTER (on_site) / nullif(count(*), 0) AS on_site_rate,
    count(*) FILTER (reopened) AS reopened,
    count(*) FILTER (reopened) / nullif(count(*) FILTER (finished), 0) AS reopen_rate
