-- The calendar table and the ad-hoc macros are written apart (queries.WriteCalendar and
-- WriteMacros), each with its own hash in derived_state.

COMMENT ON TABLE derived_state IS 'What derived data was last computed with. timing: the timing_key every current ticket version carries, as of ticket ingest ingest_id (queries whose calendar has this key read the derived columns while that is still the latest ticket ingest); calendar: a hash of the calendar table as last written; macros: a hash of the ad-hoc table macros as last written (unchanged ones are not written again).';
COMMENT ON COLUMN derived_state.name IS 'timing, calendar or macros.';
