-- The 133 rule and flags at the snapshot time T (DOMAIN §2), by the chosen dimensions:
--   response_rate      (响应率)   = assigned within {{.AssignDays}} working day(s) of created_at / collected
--   on_time_reply_rate (按时答复率) = answered by the response deadline
--                                  / tickets whose deadline is before T or that were answered
--   red   = late by at most {{.RedMaxLate}} working days (督办)
--   black = open or answered more than {{.RedMaxLate}} working days late (问责)
-- Rates are NULL when their denominator is 0.
-- (A list of aggregates over the facts table; metrics.go puts the families together.)
    count_if(assigned_in_time) AS assigned_in_time,
    count_if(assigned_in_time) / nullif(count(*), 0) AS response_rate,
    count_if(replied_on_time) AS replied_on_time,
    count_if(reply_counted) AS reply_due,
    count_if(replied_on_time) / nullif(count_if(reply_counted), 0) AS on_time_reply_rate,
    count_if(flag = 'red') AS red,
    count_if(flag = 'black') AS black
