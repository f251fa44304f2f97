-- The current versions rewound to time T′ = {{.At}}, when no snapshot at or before T′
-- holds the period (DOMAIN §2.1, 按时间戳回溯): an event counts only if its timestamp is
-- at or before T′.
--   collected at T′ = created_at ≤ T′ (and not cancelled now)
--   assigned_at, responded_at, resolved_at = the time when ≤ T′, else NULL
--   finished by T′ = status resolved or closed now and resolved_at ≤ T′; a ticket finished
--                    later (or with no resolved_at) counts as in progress at T′
--   satisfaction  = the rating only for a ticket finished by T′, else unrated
-- The outcome and the other columns are the current ones.
(SELECT * EXCLUDE (is_current, row_hash, raw_hash, superseded_at) REPLACE (
     CASE WHEN assigned_at <= {{.At}} THEN assigned_at END AS assigned_at,
     CASE WHEN responded_at <= {{.At}} THEN responded_at END AS responded_at,
     CASE WHEN resolved_at <= {{.At}} THEN resolved_at END AS resolved_at,
     CASE WHEN status IN ('resolved', 'closed') AND NOT coalesce(resolved_at <= {{.At}}, false)
          THEN 'in_progress' ELSE status END AS status,
     CASE WHEN status IN ('resolved', 'closed') AND resolved_at <= {{.At}}
          THEN satisfaction ELSE 'unrated' END AS satisfaction)
 FROM ticket_versions
 WHERE is_current AND created_at <= {{.At}})
