-- The tickets as the store stood at snapshot S = {{.Snapshot}} (DOMAIN §2.1, §7 --as-of):
-- each ticket's version from the latest snapshot at or before S (the latest ingest when two
-- files share a snapshot time), with the columns of the tickets view. A database holding
-- only the exports up to S has exactly these as its current versions.
-- With a cohort [Start, End), only tickets with a version created in it are read (the
-- caller still filters their version at S on created_at), so that the latest version is
-- sought among a period's tickets, not among all.
(SELECT * EXCLUDE (is_current, row_hash, raw_hash)
 FROM ticket_versions
 WHERE as_of <= {{.Snapshot}}
{{- if .Start}}
   AND ticket_id IN (SELECT ticket_id FROM ticket_versions
                     WHERE as_of <= {{.Snapshot}} AND created_at >= {{.Start}} AND created_at < {{.End}})
{{- end}}
 QUALIFY row_number() OVER (PARTITION BY ticket_id ORDER BY as_of DESC, ingest_id DESC) = 1)
