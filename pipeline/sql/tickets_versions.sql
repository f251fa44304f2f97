-- Ticket versions (DOMAIN §1.2). A loaded row becomes a new version of its ticket unless
-- its row_hash (a hash of every normalised column) equals the ticket's current version.
-- The new version becomes current when its snapshot is not older than the current one's
-- (an older snapshot ingested late is kept as history only).
CREATE OR REPLACE TEMP TABLE zq_changed AS
SELECT i.*, (c.as_of IS NULL OR c.as_of <= {{.AsOf}}) AS becomes_current
FROM (
    SELECT n._row, {{.Cols}}, hash({{.Cols}}) AS row_hash
    FROM zq_loaded n
) i
LEFT JOIN (SELECT ticket_id, as_of, row_hash FROM ticket_versions WHERE is_current) c USING (ticket_id)
WHERE c.ticket_id IS NULL OR c.row_hash <> i.row_hash;

UPDATE ticket_versions v SET is_current = false
FROM zq_changed c
WHERE v.is_current AND c.becomes_current AND v.ticket_id = c.ticket_id;

INSERT INTO ticket_versions (ticket_id, as_of, ingest_id, row_number, row_hash, is_current, {{.ColsNoID}})
SELECT ticket_id, {{.AsOf}}, {{.IngestID}}, _row, row_hash, becomes_current, {{.ColsNoID}}
FROM zq_changed;
