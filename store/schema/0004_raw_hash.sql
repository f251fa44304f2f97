-- A hash of each version's source row as read (before parsing), so that a daily full
-- export re-parses only the rows that changed since the current version.

ALTER TABLE ticket_versions ADD COLUMN raw_hash UBIGINT;
COMMENT ON COLUMN ticket_versions.raw_hash IS 'Hash of the source row as read (cells in canonical column order, unknown columns, and the configuration in force). A later export whose row has the same raw hash as the current version is skipped without parsing; NULL for versions stored before this column existed.';

CREATE OR REPLACE VIEW tickets AS
SELECT * EXCLUDE (is_current, row_hash, raw_hash) FROM ticket_versions WHERE is_current;
COMMENT ON VIEW tickets IS 'The current state of every ticket: its version from the latest snapshot.';
