-- The tickets as the store stood at snapshot S = {{.Snapshot}} (DOMAIN §2.1, §7 --as-of):
-- each ticket's version from the latest snapshot at or before S (the latest ingest when two
-- files share a snapshot time), with the columns of the tickets view: the version with
-- as_of <= S < superseded_at (the snapshot of the ticket's next version; NULL for its
-- latest). A database holding only the exports up to S has exactly these as its current
-- versions. (Written as two selects, each filter reaches the table scan.)
-- With a cohort [Start, End), only the versions at S created in it.
(SELECT * EXCLUDE (is_current, row_hash, raw_hash, superseded_at)
 FROM ticket_versions
 WHERE as_of <= {{.Snapshot}} AND superseded_at IS NULL
{{- if .Start}}
   AND created_at >= {{.Start}} AND created_at < {{.End}}
{{- end}}
 UNION ALL
 SELECT * EXCLUDE (is_current, row_hash, raw_hash, superseded_at)
 FROM ticket_versions
 WHERE as_of <= {{.Snapshot}} AND superseded_at > {{.Snapshot}}
{{- if .Start}}
   AND created_at >= {{.Start}} AND created_at < {{.End}}
{{- end}})
