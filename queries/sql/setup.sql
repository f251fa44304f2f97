-- Session setup: the working-day calendar and the per-ticket facts every metric family
-- aggregates. Created as TEMP objects on the query connection, so they work on a read-only
-- database and always follow the configuration in use.
--
-- zq_cal: one row per date. cum = working days up to and including the date;
--   assign_due / reply_due = the {{.AssignDays}}-th / {{.ReplyDays}}-th working day after
--   the date ("N working days after t" ends at 24:00 of that day, DOMAIN §2).
-- Working time W(t) = 86400 × (working days before t's date) + (seconds since midnight
--   when t's date is a working day), in whole seconds; a span in working days is ΔW / 86400.

CREATE OR REPLACE TEMP TABLE zq_cal AS
{{template "zq_cal" .}};

-- zq_wj(t, wbase, workday): working time of t in whole seconds (see above) from t's zq_cal
-- values.
CREATE OR REPLACE TEMP MACRO {{template "zq_wj"}};

-- zq_w(t): the same, looked up in zq_cal. The facts query reads zq_cal as lists (faster
-- than this correlated form); this is for one-off use.
CREATE OR REPLACE TEMP MACRO zq_w(t) AS (
    SELECT zq_wj(t, c.wbase, c.workday) FROM zq_cal c WHERE c.d = t::DATE
);

-- zq_day(t, d0): t's position in the lists of the calendar that starts at d0.
CREATE OR REPLACE TEMP MACRO {{template "zq_day"}};

-- zq_assign_due, zq_reply_due: the due times (pipeline/sql/calendar.sql).
CREATE OR REPLACE TEMP MACRO {{template "zq_assign_due"}};

CREATE OR REPLACE TEMP MACRO {{template "zq_reply_due"}};

-- zq_reopened: tickets that were ever reopened in any stored version.
CREATE OR REPLACE TEMP TABLE zq_reopened AS
SELECT DISTINCT ticket_id FROM ticket_versions WHERE status = 'reopened';
