-- Ticket versions (DOMAIN §1.2). A loaded row becomes a new version of its ticket unless
-- its row_hash (a hash of every normalised column) equals the ticket's current version.
-- (Rows whose raw hash equals the current version's were skipped before parsing.)
-- zq_changed keeps the keys and hashes of every loaded row, with what becomes of it: is_new
-- (a new version), becomes_current, had_current (its ticket has a current version) and
-- lends (equal to the current version parsed, but read from other text). The columns come
-- from zq_loaded when inserted.
-- NoCurrent: none of the loaded tickets has a current version (a first load), so the
-- current versions are not read.
-- The new version becomes current when its snapshot is not older than the current one's
-- (an older snapshot ingested late is kept as history only). Each new version gets its
-- timing columns (timing.sql).
-- (Hashes are taken below the joins, nothing wide is carried through a join, the current
-- versions are those of the loaded ids, and the updates filter zq_changed first and find
-- the current versions by rowid: else DuckDB may build a hash table of wide rows, or of
-- every row, or read every ticket id again, which cost seconds and hundreds of MiB per
-- million rows.)
CREATE OR REPLACE TEMP TABLE zq_changed AS
SELECT i._row, i.ticket_id, i.row_hash, r.raw_hash, c.cur_rowid,
    c.ticket_id IS NULL OR c.row_hash <> i.row_hash AS is_new,
    c.as_of IS NULL OR c.as_of <= {{.AsOf}} AS becomes_current,
    c.ticket_id IS NOT NULL AS had_current,
    coalesce(c.row_hash = i.row_hash AND c.raw_hash IS DISTINCT FROM r.raw_hash, false) AS lends
FROM (SELECT n._row, n.ticket_id, hash({{.ColsN}}) AS row_hash FROM zq_loaded n) i
JOIN (SELECT _row, raw_hash FROM zq_raw) r USING (_row)
LEFT JOIN (SELECT ticket_id, as_of, row_hash, raw_hash, rowid AS cur_rowid FROM ticket_versions
           WHERE is_current AND ticket_id IN (SELECT ticket_id FROM zq_loaded){{if .NoCurrent}} AND false{{end}}) c USING (ticket_id);

-- A parsed row equal to its current version (its raw text changed, or the configuration
-- did) lends that version its raw hash, so the next export skips it again.
UPDATE ticket_versions v SET raw_hash = c.raw_hash
FROM zq_changed c
WHERE c.lends AND v.rowid = c.cur_rowid;

-- The current version a new one replaces is superseded at the new one's snapshot.
UPDATE ticket_versions v SET is_current = false, superseded_at = {{.AsOf}}
FROM zq_changed c
WHERE c.is_new AND c.becomes_current AND c.had_current AND v.rowid = c.cur_rowid;

-- The versions of rows Lo < _row <= Hi: the insert runs over ranges of rows, because
-- DuckDB holds memory outside its memory_limit for every row one statement inserts, until
-- the statement ends (about 130 MiB more per million rows).
{{define "tickets_insert" -}}
INSERT INTO ticket_versions (ticket_id, as_of, ingest_id, row_number, row_hash, is_current, {{.ColsNoID}}, raw_hash,
    {{template "timing_columns"}})
SELECT n.ticket_id, {{.AsOf}}, {{.IngestID}}, n._row, c.row_hash, c.becomes_current, {{.ColsNoIDN}}, c.raw_hash,
    {{template "timing_values" .}}
FROM zq_changed c JOIN zq_loaded n USING (_row), zq_calk k
WHERE c.is_new AND _row > {{.Lo}} AND _row <= {{.Hi}}
{{- end}}

-- The rows the fast path read (pipeline/fastpath), as the view zq_arrow with extra as JSON text:
-- new tickets, each its ticket's first and current version, with row_hash computed as for
-- zq_changed.
{{define "tickets_direct" -}}
INSERT INTO ticket_versions (ticket_id, as_of, ingest_id, row_number, row_hash, is_current, {{.ColsNoID}}, raw_hash,
    {{template "timing_columns"}})
SELECT n.ticket_id, {{.AsOf}}, {{.IngestID}}, n._row, hash({{.ColsN}}), true, {{.ColsNoIDN}}, n.raw_hash,
    {{template "timing_values" .}}
FROM (SELECT * REPLACE (extra::JSON AS extra) FROM zq_arrow) n, zq_calk k
{{- end}}

-- A version of an older snapshot ingested late goes between its ticket's versions: the
-- superseded_at of those tickets' versions are set again from the versions' order.
{{define "tickets_late"}}
UPDATE ticket_versions v SET superseded_at = x.next_as_of
FROM (SELECT rowid AS rid, lead(as_of) OVER (PARTITION BY ticket_id ORDER BY as_of, ingest_id) AS next_as_of
      FROM ticket_versions
      WHERE ticket_id IN (SELECT ticket_id FROM zq_changed WHERE is_new AND NOT becomes_current)) x
WHERE v.rowid = x.rid AND v.superseded_at IS DISTINCT FROM x.next_as_of
{{- end}}
