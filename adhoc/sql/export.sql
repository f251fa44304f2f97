-- What `zhuqi export` writes, one query per folder, each with a month column (YYYY-MM)
-- that becomes the Hive partition (OUT/NAME/month=YYYY-MM/):
--   tickets          the current state of every ticket; month = month of created_at
--   ticket_versions  every stored version of every ticket; month = month of created_at
--   publication_rows the rows of every frozen ranking publication with its id, period,
--                    version, rules version and as-of time; month = the month the
--                    published period starts in

-- name: tickets
SELECT *, strftime(created_at, '%Y-%m') AS month FROM tickets;

-- name: ticket_versions
SELECT *, strftime(created_at, '%Y-%m') AS month FROM ticket_versions;

-- name: publication_rows
SELECT p.period, p.version, p.rules_version, p.as_of, r.*,
    strftime(z.period_start, '%Y-%m') AS month
FROM publication_rows r JOIN publications p USING (publication_id),
    LATERAL (SELECT period_start FROM zq_period(p.period)) z;
