-- Table macros for ad-hoc SQL: the official metrics and rankings of a period, computed by
-- the same templates as `zhuqi metrics` and `zhuqi rank` (facts.sql, rates.sql, sla.sql,
-- durations.sql, rank_*.sql) with the rules and calendar of the configuration in force
-- when they were written. Written into the database by every ingest (so the DuckDB CLI
-- has them) and as TEMP macros by every `zhuqi sql` statement (the configuration in use).
--
--   metrics(period)            one row: the §7 metrics columns of the whole office
--   metrics_by(period, dim)    one row per value of dim (region, street, department,
--                              category, source, level, cadre, industry, month):
--                              dimension, value, then the metrics columns
--   ticket_facts(period)       one row per collected ticket with the facts the metrics
--                              count (finished, solved, assigned_in_time, flag,
--                              working days to assign/answer/finish …), per facts.sql
--   department_ranking(period) 要素保障大比拼: rank, name, collected, effect, service,
--                              efficiency, total, prev_rank, rank_change, status,
--                              rules_version, note
--   region_ranking(period)     三率: … response_rate, resolution_rate, satisfaction_rate …
--   cadre_ranking(period)      赛比评 (a week: the star; longer: the top): … solved,
--                              satisfaction_score …
-- period is a label of DOMAIN §7 ('2026-10', '2026-W42', '2026-Q3', '2026-H1', '2026',
-- '2026-10-YTD', '2026-10-03', '2026-01-01..2026-03-31'); P = [start, end) local time.
-- Ranks are competition ranks (1, 2, 2, 4) on the total; rank_change = prev_rank − rank
-- against the previous period of the same kind (for a range: the same number of days
-- before; for year-to-date: the same span a year before).

-- zq_kind, zq_start_of, zq_end_of, zq_prev_label, zq_prev_start, zq_prev_end(period):
-- the period's kind, bounds [start, end) and the previous period of the same kind. They
-- are scalar expressions, not subqueries, so that for a literal period the optimizer
-- folds them into constants and the facts read only the period's tickets, as the
-- commands' queries (with literal bounds) do. Each is one flat CASE on the label's form
-- over the small zq_?s helpers (the start of a month, week … of the label): DuckDB
-- expands nested macros when it creates the ones that use them, and a CASE over another
-- macro's CASE multiplies their size.
CREATE OR REPLACE {{.Temp}}MACRO zq_bad(period) AS
    error('period ' || coalesce(trim(period), 'NULL') || ': use 2026-10, 2026-W42, 2026-Q3, 2026-H1, 2026, 2026-10-YTD, 2026-10-03 or 2026-01-01..2026-03-31');
CREATE OR REPLACE {{.Temp}}MACRO zq_y(period) AS TRY_CAST(left(trim(period), 4) AS INTEGER);
CREATE OR REPLACE {{.Temp}}MACRO zq_ms(period) AS make_date(zq_y(period), TRY_CAST(substr(trim(period), 6, 2) AS INTEGER), 1);
CREATE OR REPLACE {{.Temp}}MACRO zq_ws(period) AS make_date(zq_y(period), 1, 4)
    - CAST(isodow(make_date(zq_y(period), 1, 4)) - 1 AS INTEGER) + 7 * (TRY_CAST(substr(trim(period), 7, 2) AS INTEGER) - 1);
CREATE OR REPLACE {{.Temp}}MACRO zq_qs(period) AS make_date(zq_y(period), 3 * TRY_CAST(substr(trim(period), 7, 1) AS INTEGER) - 2, 1);
CREATE OR REPLACE {{.Temp}}MACRO zq_hs(period) AS make_date(zq_y(period), 6 * TRY_CAST(substr(trim(period), 7, 1) AS INTEGER) - 5, 1);
CREATE OR REPLACE {{.Temp}}MACRO zq_ys(period) AS make_date(zq_y(period), 1, 1);
CREATE OR REPLACE {{.Temp}}MACRO zq_ds(period) AS TRY_CAST(trim(period) AS DATE);
CREATE OR REPLACE {{.Temp}}MACRO zq_rs(period) AS TRY_CAST(split_part(trim(period), '..', 1) AS DATE);
CREATE OR REPLACE {{.Temp}}MACRO zq_re(period) AS TRY_CAST(split_part(trim(period), '..', 2) AS DATE) + INTERVAL 1 DAY;

CREATE OR REPLACE {{.Temp}}MACRO zq_kind(period) AS CASE
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}') THEN 'month'
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Ww][0-9]{2}') THEN 'week'
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Qq][1-4]') THEN 'quarter'
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Hh][12]') THEN 'half'
    WHEN regexp_full_match(trim(period), '[0-9]{4}') THEN 'year'
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[Yy][Tt][Dd]') THEN 'ytd'
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN 'day'
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}[.][.][0-9]{4}-[0-9]{2}-[0-9]{2}') THEN 'range'
    ELSE zq_bad(period)
END;

CREATE OR REPLACE {{.Temp}}MACRO zq_start_of(period) AS CAST(CASE
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}') THEN zq_ms(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Ww][0-9]{2}') THEN zq_ws(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Qq][1-4]') THEN zq_qs(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Hh][12]') THEN zq_hs(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}') THEN zq_ys(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[Yy][Tt][Dd]') THEN zq_ys(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN zq_ds(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}[.][.][0-9]{4}-[0-9]{2}-[0-9]{2}') THEN zq_rs(period)
    ELSE zq_bad(period)
END AS TIMESTAMP);

CREATE OR REPLACE {{.Temp}}MACRO zq_end_of(period) AS CAST(CASE
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}') THEN zq_ms(period) + INTERVAL 1 MONTH
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Ww][0-9]{2}') THEN zq_ws(period) + INTERVAL 7 DAY
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Qq][1-4]') THEN zq_qs(period) + INTERVAL 3 MONTH
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Hh][12]') THEN zq_hs(period) + INTERVAL 6 MONTH
    WHEN regexp_full_match(trim(period), '[0-9]{4}') THEN zq_ys(period) + INTERVAL 1 YEAR
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[Yy][Tt][Dd]') THEN zq_ms(period) + INTERVAL 1 MONTH
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN zq_ds(period) + INTERVAL 1 DAY
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}[.][.][0-9]{4}-[0-9]{2}-[0-9]{2}') THEN zq_re(period)
    ELSE zq_bad(period)
END AS TIMESTAMP);

CREATE OR REPLACE {{.Temp}}MACRO zq_prev_label(period) AS CASE
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}') THEN strftime(zq_ms(period) - INTERVAL 1 MONTH, '%Y-%m')
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Ww][0-9]{2}') THEN CAST(isoyear(zq_ws(period) - INTERVAL 7 DAY) AS VARCHAR) || '-W' || lpad(CAST(week(zq_ws(period) - INTERVAL 7 DAY) AS VARCHAR), 2, '0')
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Qq][1-4]') THEN CAST(year(zq_qs(period) - INTERVAL 3 MONTH) AS VARCHAR) || '-Q' || CAST(quarter(zq_qs(period) - INTERVAL 3 MONTH) AS VARCHAR)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Hh][12]') THEN CAST(year(zq_hs(period) - INTERVAL 6 MONTH) AS VARCHAR) || '-H' || CASE WHEN month(zq_hs(period) - INTERVAL 6 MONTH) <= 6 THEN '1' ELSE '2' END
    WHEN regexp_full_match(trim(period), '[0-9]{4}') THEN strftime(zq_ys(period) - INTERVAL 1 YEAR, '%Y')
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[Yy][Tt][Dd]') THEN strftime(zq_ys(period) - INTERVAL 1 YEAR, '%Y') || '-' || strftime(zq_ms(period), '%m') || '-YTD'
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN strftime(zq_ds(period) - INTERVAL 1 DAY, '%Y-%m-%d')
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}[.][.][0-9]{4}-[0-9]{2}-[0-9]{2}') THEN strftime(zq_rs(period) - (zq_re(period) - zq_rs(period)), '%Y-%m-%d') || '..' || strftime(zq_rs(period) - INTERVAL 1 DAY, '%Y-%m-%d')
    ELSE zq_bad(period)
END;

CREATE OR REPLACE {{.Temp}}MACRO zq_prev_start(period) AS CAST(CASE
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}') THEN zq_ms(period) - INTERVAL 1 MONTH
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Ww][0-9]{2}') THEN zq_ws(period) - INTERVAL 7 DAY
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Qq][1-4]') THEN zq_qs(period) - INTERVAL 3 MONTH
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Hh][12]') THEN zq_hs(period) - INTERVAL 6 MONTH
    WHEN regexp_full_match(trim(period), '[0-9]{4}') THEN zq_ys(period) - INTERVAL 1 YEAR
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[Yy][Tt][Dd]') THEN zq_ys(period) - INTERVAL 1 YEAR
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN zq_ds(period) - INTERVAL 1 DAY
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}[.][.][0-9]{4}-[0-9]{2}-[0-9]{2}') THEN zq_rs(period) - (zq_re(period) - zq_rs(period))
    ELSE zq_bad(period)
END AS TIMESTAMP);

CREATE OR REPLACE {{.Temp}}MACRO zq_prev_end(period) AS CAST(CASE
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}') THEN zq_ms(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Ww][0-9]{2}') THEN zq_ws(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Qq][1-4]') THEN zq_qs(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[Hh][12]') THEN zq_hs(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}') THEN zq_ys(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[Yy][Tt][Dd]') THEN zq_ms(period) + INTERVAL 1 MONTH - INTERVAL 1 YEAR
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN zq_ds(period)
    WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}[.][.][0-9]{4}-[0-9]{2}-[0-9]{2}') THEN zq_rs(period)
    ELSE zq_bad(period)
END AS TIMESTAMP);

-- zq_period(period): one row with the period's label, kind, bounds [period_start,
-- period_end) and the previous period of the same kind [prev_start, prev_end).
CREATE OR REPLACE {{.Temp}}MACRO zq_period(period) AS TABLE
SELECT trim(period) AS label, zq_kind(period) AS kind, zq_start_of(period) AS period_start,
    zq_end_of(period) AS period_end, zq_prev_label(period) AS prev_label,
    zq_prev_start(period) AS prev_start, zq_prev_end(period) AS prev_end;

CREATE OR REPLACE {{.Temp}}MACRO {{template "zq_wj"}};

CREATE OR REPLACE {{.Temp}}MACRO {{template "zq_day"}};

CREATE OR REPLACE {{.Temp}}MACRO {{template "zq_assign_due"}};

CREATE OR REPLACE {{.Temp}}MACRO {{template "zq_reply_due"}};

-- zq_facts / zq_facts_lean / zq_facts_listing(zq_start, zq_end, zq_at): the per-ticket
-- facts of facts.sql (wide, lean and listing forms) for the cohort created in
-- [zq_start, zq_end), judged (zq_j) as `zhuqi` judges (DOMAIN §2.1):
--   zq_at NULL: the current tickets at the snapshot time of the latest ticket export;
--   else at T′ = zq_at: the tickets as they stood at the latest snapshot at or before T′
--   when it was taken after zq_start (asof_tickets.sql), else the current tickets rewound
--   to T′ (rewound_tickets.sql, 按时间戳回溯).
{{- range .Facts}}
CREATE OR REPLACE {{$.Temp}}MACRO {{.Name}}(zq_start, zq_end, zq_at := NULL) AS TABLE
WITH zq_cal AS (
{{template "zq_cal" $.Cal}}
),
zq_j AS (
    SELECT CASE WHEN zq_at IS NULL THEN 'current' WHEN s > zq_start THEN 'snapshot' ELSE 'rewound' END AS mode,
        CASE WHEN zq_at IS NULL THEN latest WHEN s > zq_start THEN s ELSE zq_at END AS t
    FROM (SELECT max(as_of) AS latest, max(as_of) FILTER (as_of <= zq_at) AS s FROM ingests WHERE kind = 'tickets')
),
zq_src AS (
    SELECT * EXCLUDE (is_current, row_hash, raw_hash, superseded_at) FROM ticket_versions
    WHERE is_current AND (SELECT mode FROM zq_j) = 'current'
    UNION ALL
    SELECT * FROM {{$.SnapshotSource}} WHERE (SELECT mode FROM zq_j) = 'snapshot'
    UNION ALL
    SELECT * FROM {{$.RewoundSource}} WHERE (SELECT mode FROM zq_j) = 'rewound'
),
zq_reopened AS (SELECT DISTINCT ticket_id FROM ticket_versions WHERE status = 'reopened' AND as_of <= (SELECT t FROM zq_j)),
zq_asof AS (SELECT t FROM zq_j)
SELECT * FROM (
{{template "facts.sql" .Data}}
);
{{end}}

CREATE OR REPLACE {{.Temp}}MACRO ticket_facts(period) AS TABLE
SELECT * FROM zq_facts_listing(zq_start_of(period), zq_end_of(period));

-- metrics(period) and metrics_by(period, dim): the aggregates of rates.sql, sla.sql and
-- durations.sql over zq_facts, in the column order of `zhuqi metrics`; durations in
-- working days (median = the list's 1st element, p90 the 2nd), rounded to 2 decimals.
CREATE OR REPLACE {{.Temp}}MACRO metrics(period) AS TABLE
SELECT {{.MetricColumns}}
FROM (SELECT
{{.Aggregates}}
FROM zq_facts(zq_start_of(period), zq_end_of(period)));

CREATE OR REPLACE {{.Temp}}MACRO metrics_by(period, dim) AS TABLE
SELECT dim AS dimension, value, {{.MetricColumns}}
FROM (SELECT CASE dim
        WHEN 'region' THEN region WHEN 'street' THEN street WHEN 'department' THEN department
        WHEN 'category' THEN category WHEN 'source' THEN source WHEN 'level' THEN level
        WHEN 'cadre' THEN cadre WHEN 'industry' THEN industry
        WHEN 'month' THEN strftime(created_month, '%Y-%m')
        ELSE error('metrics_by: unknown dimension ' || coalesce(dim, 'NULL') || ': use {{.Dimensions}}')
    END AS value,
{{.Aggregates}}
FROM zq_facts(zq_start_of(period), zq_end_of(period))
GROUP BY ALL)
ORDER BY value COLLATE zh NULLS LAST;

-- zq_rank_*(zq_start, zq_end, zq_at): the rank_*.sql scores of [zq_start, zq_end) over
-- zq_facts_lean judged at zq_at.
{{- range .Inner}}
CREATE OR REPLACE {{$.Temp}}MACRO {{.Name}}(zq_start, zq_end, zq_at := NULL) AS TABLE
{{.SQL}};
{{end}}
CREATE OR REPLACE {{.Temp}}MACRO zq_rank_cadres(zq_start, zq_end, weekly, zq_at := NULL) AS TABLE
SELECT * FROM zq_rank_cadres_week(zq_start, zq_end, zq_at := zq_at) WHERE weekly
UNION ALL
SELECT * FROM zq_rank_cadres_month(zq_start, zq_end, zq_at := zq_at) WHERE NOT weekly;

-- department_ranking, region_ranking, cadre_ranking(period): competition ranks on the
-- total, with the previous period's rank, status and note as `zhuqi rank` prints them.
-- The previous rank (DOMAIN §2.1) is the rank in the latest publication of the previous
-- period when one has this ranking, else the previous period judged at the same age:
-- at T′ = end(P′) + (T − end(P)), T the latest ticket snapshot.
{{- range .Rankings}}
CREATE OR REPLACE {{$.Temp}}MACRO {{.Name}}(period) AS TABLE
WITH cur AS (
    SELECT *, CASE WHEN eligible AND total IS NOT NULL
        THEN rank() OVER (PARTITION BY eligible AND total IS NOT NULL ORDER BY total DESC) END AS rank
    FROM {{.Inner}}(zq_start_of(period), zq_end_of(period){{.Extra}})
),
pp AS (SELECT zq_prev_label(period) AS prev_label),
pub AS (
    SELECT r.name, r.rank AS prev_rank FROM publication_rows r
    WHERE r.ranking = '{{.Kind}}' AND r.publication_id = (
        SELECT pb.publication_id FROM publications pb
        WHERE pb.kind = 'ranking' AND pb.period = (SELECT prev_label FROM pp)
        ORDER BY pb.version DESC LIMIT 1)
),
judged AS (
    SELECT name, CASE WHEN eligible AND total IS NOT NULL
        THEN rank() OVER (PARTITION BY eligible AND total IS NOT NULL ORDER BY total DESC) END AS prev_rank
    FROM {{.Inner}}(zq_prev_start(period), zq_prev_end(period){{.Extra}},
        zq_at := zq_prev_end(period) + ((SELECT max(as_of) FROM ingests WHERE kind = 'tickets') - zq_end_of(period)))
),
prev AS (
    SELECT * FROM pub
    UNION ALL
    SELECT * FROM judged WHERE NOT EXISTS (SELECT 1 FROM pub)
)
SELECT c.rank, c.name, c.collected, {{.Components}}, c.total,
    p.prev_rank, p.prev_rank - c.rank AS rank_change,
    CASE WHEN c.rank IS NOT NULL THEN 'ranked' ELSE 'not_ranked' END AS status,
    {{.RulesVersion}} AS rules_version,
    CASE WHEN c.rank IS NOT NULL THEN {{.Imputed}} ELSE {{.NotRanked}} END AS note
FROM cur c LEFT JOIN prev p ON p.name = c.name AND p.prev_rank IS NOT NULL
ORDER BY c.eligible DESC, c.total DESC NULLS LAST, c.name COLLATE zh;
{{end}}
