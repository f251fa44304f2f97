-- Rates of the cohort (DOMAIN §2), by the chosen dimensions:
--   completion_rate   (办结率)   = finished / collected
--   resolution_rate   (解决率)   = solved / collected
--   satisfaction_rate (满意率)   = (satisfied + basic) / rated
--   satisfaction_score           = Σ weight / rated: ({{.WSatisfied}} × satisfied + {{.WBasic}} × basic
--                                  + {{.WDissatisfied}} × dissatisfied) / rated
--   on_site_rate      (当场办结率) = on_site / collected
--   reopen_rate                  = reopened / finished
--   excluded                     = tickets with an exclusion (审核剔除) approved by T, of
--                                  any scope; they count in every other figure here
-- Every rate is NULL when its denominator is 0.
-- (A list of aggregates over the facts table; metrics.go puts the families together.)
    count(*) AS collected,
    count_if(finished) AS finished,
    count_if(solved) AS solved,
    count_if(finished) / nullif(count(*), 0) AS completion_rate,
    count_if(solved) / nullif(count(*), 0) AS resolution_rate,
    count_if(rated) AS rated,
    count_if(satisfaction = 'satisfied') AS satisfied,
    count_if(satisfaction = 'basic') AS basic,
    count_if(satisfaction = 'dissatisfied') AS dissatisfied,
    count_if(satisfaction IN ('satisfied', 'basic')) / nullif(count_if(rated), 0) AS satisfaction_rate,
    ({{.WSatisfied}} * count_if(satisfaction = 'satisfied') + {{.WBasic}} * count_if(satisfaction = 'basic')
        + {{.WDissatisfied}} * count_if(satisfaction = 'dissatisfied')) / nullif(count_if(rated), 0) AS satisfaction_score,
    count_if(on_site) AS on_site,
    count_if(on_site) / nullif(count(*), 0) AS on_site_rate,
    count_if(reopened) AS reopened,
    count_if(reopened) / nullif(count_if(finished), 0) AS reopen_rate,
    count_if(ex_all OR ex_sat OR ex_time) AS excluded
