-- Ticket versions (DOMAIN §1.2). A loaded row becomes a new version of its ticket unless
-- its row_hash (a hash of every normalised column) equals the ticket's current version.
-- (Rows whose raw hash equals the current version's were skipped before parsing.)
-- zq_hashed keeps the keys and hashes of every loaded row, zq_changed those of the rows that
-- become versions; the columns come from zq_loaded when inserted.
-- The new version becomes current when its snapshot is not older than the current one's
-- (an older snapshot ingested late is kept as history only). Each new version gets its
-- timing columns (timing.sql).
-- (Hashes are taken below the joins, and nothing wide is carried through a join: else
-- DuckDB may build its hash table on the wide side, which cost seconds per million rows.)
CREATE OR REPLACE TEMP TABLE zq_hashed AS
SELECT i._row, i.ticket_id, i.row_hash, r.raw_hash
FROM (SELECT n._row, n.ticket_id, hash({{.ColsN}}) AS row_hash FROM zq_loaded n) i
JOIN (SELECT _row, raw_hash FROM zq_raw) r USING (_row);

CREATE OR REPLACE TEMP TABLE zq_changed AS
SELECT h._row, h.ticket_id, h.row_hash, h.raw_hash, (c.as_of IS NULL OR c.as_of <= {{.AsOf}}) AS becomes_current,
    c.ticket_id IS NOT NULL AS had_current
FROM zq_hashed h
LEFT JOIN (SELECT ticket_id, as_of, row_hash FROM ticket_versions WHERE is_current) c USING (ticket_id)
WHERE c.ticket_id IS NULL OR c.row_hash <> h.row_hash;

-- A parsed row equal to its current version (its raw text changed, or the configuration
-- did) lends that version its raw hash, so the next export skips it again.
UPDATE ticket_versions v SET raw_hash = h.raw_hash
FROM zq_hashed h
WHERE v.is_current AND v.ticket_id = h.ticket_id AND v.raw_hash IS DISTINCT FROM h.raw_hash
  AND v.row_hash = h.row_hash;

-- (had_current keeps the join to the tickets that have a version: none, on a first load.)
UPDATE ticket_versions v SET is_current = false
FROM zq_changed c
WHERE v.is_current AND c.becomes_current AND c.had_current AND v.ticket_id = c.ticket_id;

-- The versions of rows Lo < _row <= Hi: the insert runs over ranges of rows, because
-- DuckDB holds memory outside its memory_limit for every row one statement inserts, until
-- the statement ends (about 130 MiB more per million rows).
{{define "tickets_insert" -}}
INSERT INTO ticket_versions (ticket_id, as_of, ingest_id, row_number, row_hash, is_current, {{.ColsNoID}}, raw_hash,
    {{template "timing_columns"}})
SELECT n.ticket_id, {{.AsOf}}, {{.IngestID}}, n._row, c.row_hash, c.becomes_current, {{.ColsNoIDN}}, c.raw_hash,
    {{template "timing_values" .}}
FROM zq_changed c JOIN zq_loaded n USING (_row), zq_calk k
WHERE _row > {{.Lo}} AND _row <= {{.Hi}}
{{- end}}
