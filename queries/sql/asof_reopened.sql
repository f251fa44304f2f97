-- Tickets reopened in any version stored at or before time S = {{.Snapshot}}.
(SELECT DISTINCT ticket_id FROM ticket_versions WHERE status = 'reopened' AND as_of <= {{.Snapshot}})
