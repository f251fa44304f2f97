-- When each ticket version stopped being its ticket's latest: the snapshot time of the
-- next version (NULL for the latest). The version of a ticket at snapshot S is then the
-- one with as_of <= S < superseded_at, a filter instead of a search of every ticket's
-- versions: queries judge an earlier snapshot (DOMAIN §2.1, --as-of) with it. Ingest keeps
-- it (pipeline/sql/tickets_versions.sql); the versions stored so far get it here.

ALTER TABLE ticket_versions ADD COLUMN superseded_at TIMESTAMP;

UPDATE ticket_versions v SET superseded_at = x.next_as_of
FROM (SELECT rowid AS rid, lead(as_of) OVER (PARTITION BY ticket_id ORDER BY as_of, ingest_id) AS next_as_of
      FROM ticket_versions
      WHERE ticket_id IN (SELECT ticket_id FROM ticket_versions WHERE NOT is_current)) x
WHERE v.rowid = x.rid AND x.next_as_of IS NOT NULL;

COMMENT ON COLUMN ticket_versions.superseded_at IS 'Snapshot time of the ticket''s next version, NULL for its latest: the version at snapshot S has as_of <= S < superseded_at.';

CREATE OR REPLACE VIEW tickets AS
SELECT * EXCLUDE (is_current, row_hash, raw_hash, assign_due, reply_due, w_created, w_assign, w_answer, w_resolved, w_due, timing_key, superseded_at)
FROM ticket_versions WHERE is_current;
COMMENT ON VIEW tickets IS 'The current state of every ticket: its version from the latest snapshot.';

COMMENT ON TABLE derived_state IS 'What derived data was last computed with. timing: the timing_key every ticket version carries, as of ticket ingest ingest_id (queries whose calendar has this key read the derived columns while that is still the latest ticket ingest); calendar: a hash of the calendar table and ad-hoc macros as last written (unchanged ones are not written again).';
