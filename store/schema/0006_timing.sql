-- Each ticket version's deadlines and working times, computed once when it is stored (with
-- the working-day calendar and rules in force) so that metric queries need not look every
-- timestamp up in the calendar again. Derived data: derived_state holds the key every
-- current version carries; the queries use the columns only when it is the key of their
-- own calendar, and compute the values themselves otherwise. Not part of the tickets view.

ALTER TABLE ticket_versions ADD COLUMN assign_due TIMESTAMP;
ALTER TABLE ticket_versions ADD COLUMN reply_due TIMESTAMP;
ALTER TABLE ticket_versions ADD COLUMN w_created BIGINT;
ALTER TABLE ticket_versions ADD COLUMN w_assign BIGINT;
ALTER TABLE ticket_versions ADD COLUMN w_answer BIGINT;
ALTER TABLE ticket_versions ADD COLUMN w_resolved BIGINT;
ALTER TABLE ticket_versions ADD COLUMN w_due BIGINT;
ALTER TABLE ticket_versions ADD COLUMN timing_key VARCHAR;

COMMENT ON COLUMN ticket_versions.assign_due IS 'Derived: assignment deadline, 24:00 of the AssignDays-th working day after created_at''s date (DOMAIN §2).';
COMMENT ON COLUMN ticket_versions.reply_due IS 'Derived: response deadline, the explicit deadline (00:00 meaning the end of that day), else 24:00 of the ReplyDays-th working day after created_at''s date.';
COMMENT ON COLUMN ticket_versions.w_created IS 'Derived: working time of created_at in seconds, 86400 × working days since the calendar''s first day plus the seconds since midnight on a working day; differences of w_ columns / 86400 are spans in working days.';
COMMENT ON COLUMN ticket_versions.w_assign IS 'Derived: working time of the assignment (assigned_at, else the earlier of responded_at and resolved_at).';
COMMENT ON COLUMN ticket_versions.w_answer IS 'Derived: working time of the answer (responded_at, else resolved_at).';
COMMENT ON COLUMN ticket_versions.w_resolved IS 'Derived: working time of resolved_at.';
COMMENT ON COLUMN ticket_versions.w_due IS 'Derived: working time of reply_due.';
COMMENT ON COLUMN ticket_versions.timing_key IS 'Key of the working-day calendar and rules the derived columns were computed with; they are recomputed when the configuration in force at ingest has another.';

CREATE TABLE derived_state (name VARCHAR PRIMARY KEY, key VARCHAR NOT NULL, ingest_id BIGINT);
COMMENT ON TABLE derived_state IS 'What derived data was last computed with. timing: the timing_key every current ticket version carries, as of ticket ingest ingest_id (queries whose calendar has this key read the derived columns while that is still the latest ticket ingest); calendar: a hash of the calendar table and ad-hoc macros as last written (unchanged ones are not written again).';
COMMENT ON COLUMN derived_state.name IS 'timing or calendar.';
COMMENT ON COLUMN derived_state.key IS 'The key or hash it was computed with.';
COMMENT ON COLUMN derived_state.ingest_id IS 'timing: the latest ticket ingest when it was computed; a later one by a zhuqi without derived columns makes the queries compute them.';

CREATE OR REPLACE VIEW tickets AS
SELECT * EXCLUDE (is_current, row_hash, raw_hash, assign_due, reply_due, w_created, w_assign, w_answer, w_resolved, w_due, timing_key)
FROM ticket_versions WHERE is_current;
COMMENT ON VIEW tickets IS 'The current state of every ticket: its version from the latest snapshot.';
