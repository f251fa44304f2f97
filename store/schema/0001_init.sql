-- The ingest ledger, rejects and warnings, ticket versions and the four fact tables.
-- Timestamps are local wall-clock times of the configured timezone (Asia/Shanghai).

CREATE SEQUENCE ingest_seq START 1;

CREATE TABLE ingests (
    ingest_id      BIGINT PRIMARY KEY,
    file           VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    encoding       VARCHAR,
    sheet          VARCHAR,
    as_of          TIMESTAMP NOT NULL,
    as_of_source   VARCHAR NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_loaded    BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    versions_added BIGINT NOT NULL,
    warnings       BIGINT NOT NULL,
    report         JSON,
    config_version VARCHAR,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP NOT NULL
);
COMMENT ON TABLE ingests IS 'One row per ingested file: its SHA-256, kind, snapshot time (as_of), row counts and the ingest report as JSON. A file whose SHA-256 is already here is not ingested again.';
COMMENT ON COLUMN ingests.as_of IS 'The snapshot time of the export: --as-of, else a date in the file name, else the file modification time. A bare date means the end of that day.';
COMMENT ON COLUMN ingests.as_of_source IS 'Where as_of came from: flag, filename or mtime.';
COMMENT ON COLUMN ingests.versions_added IS 'Ticket versions stored; a ticket unchanged since its previous snapshot adds none.';

CREATE TABLE rejects (
    ingest_id  BIGINT NOT NULL,
    file       VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    code       VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    raw        JSON NOT NULL
);
COMMENT ON TABLE rejects IS 'Rows that were not loaded, with the file, the row number as a spreadsheet shows it (header = row 1), the raw row as JSON (header → cell) and a reason that says how to fix it.';
COMMENT ON COLUMN rejects.code IS 'missing_required, bad_timestamp, unknown_enum, bad_number, duplicate_id, too_many_fields or bad_line.';

CREATE TABLE warnings (
    ingest_id   BIGINT NOT NULL,
    file        VARCHAR NOT NULL,
    row_number  BIGINT NOT NULL,
    column_name VARCHAR NOT NULL,
    value       VARCHAR,
    code        VARCHAR NOT NULL,
    message     VARCHAR NOT NULL
);
COMMENT ON TABLE warnings IS 'Cells that loaded with a warning: an unparseable optional field or an invalid credit code (stored as NULL), resolved_at before created_at (resolved_at stored as NULL), a label outside an open taxonomy (kept as written). value keeps the original text.';

CREATE TABLE ticket_versions (
    ticket_id    VARCHAR NOT NULL,
    as_of        TIMESTAMP NOT NULL,
    ingest_id    BIGINT NOT NULL,
    row_number   BIGINT NOT NULL,
    row_hash     UBIGINT NOT NULL,
    is_current   BOOLEAN NOT NULL,
    enterprise   VARCHAR NOT NULL,
    credit_code  VARCHAR,
    region       VARCHAR NOT NULL,
    street       VARCHAR,
    industry     VARCHAR,
    category     VARCHAR NOT NULL,
    source       VARCHAR,
    level        VARCHAR NOT NULL,
    department   VARCHAR,
    cadre        VARCHAR,
    content      VARCHAR,
    created_at   TIMESTAMP NOT NULL,
    assigned_at  TIMESTAMP,
    deadline     TIMESTAMP,
    responded_at TIMESTAMP,
    resolved_at  TIMESTAMP,
    status       VARCHAR NOT NULL,
    outcome      VARCHAR NOT NULL,
    satisfaction VARCHAR NOT NULL,
    on_site      BOOLEAN NOT NULL,
    amount       DECIMAL(18, 4),
    extra        JSON
);
COMMENT ON TABLE ticket_versions IS 'Every distinct state of every ticket, one row per (ticket, snapshot) in which it changed. is_current marks the version from the latest snapshot.';
COMMENT ON COLUMN ticket_versions.row_hash IS 'Hash of the normalised row; a snapshot whose row hashes equal the current version adds no version.';
COMMENT ON COLUMN ticket_versions.status IS 'new, assigned, in_progress, responded, resolved, closed, reopened or cancelled.';
COMMENT ON COLUMN ticket_versions.outcome IS 'resolved, partial, planned, explained, unresolved or unknown (empty).';
COMMENT ON COLUMN ticket_versions.satisfaction IS 'satisfied, basic, dissatisfied or unrated.';
COMMENT ON COLUMN ticket_versions.level IS 'general, regular (the default when empty) or major.';
COMMENT ON COLUMN ticket_versions.amount IS 'Amount involved, in 万元.';
COMMENT ON COLUMN ticket_versions.extra IS 'Columns of the export that Zhuqi does not know, as a JSON map header → cell.';

CREATE VIEW tickets AS
SELECT * EXCLUDE (is_current, row_hash) FROM ticket_versions WHERE is_current;
COMMENT ON VIEW tickets IS 'The current state of every ticket: its version from the latest snapshot.';

CREATE TABLE target_rows (
    ingest_id   BIGINT NOT NULL,
    row_number  BIGINT NOT NULL,
    entity_type VARCHAR NOT NULL,
    entity      VARCHAR NOT NULL,
    metric      VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    target      DECIMAL(18, 4) NOT NULL,
    unit        VARCHAR,
    extra       JSON
);
COMMENT ON TABLE target_rows IS 'Every target row ever ingested; the view targets keeps the latest per (entity_type, entity, metric, year).';
CREATE VIEW targets AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY entity_type, entity, metric, year ORDER BY ingest_id DESC, row_number DESC) AS rn
    FROM target_rows) WHERE rn = 1;
COMMENT ON VIEW targets IS 'Annual targets per entity and metric (values in 万元 unless unit says otherwise); a later file replaces an earlier one''s row for the same key.';

CREATE TABLE actual_rows (
    ingest_id   BIGINT NOT NULL,
    row_number  BIGINT NOT NULL,
    entity_type VARCHAR NOT NULL,
    entity      VARCHAR NOT NULL,
    metric      VARCHAR NOT NULL,
    month       DATE NOT NULL,
    value       DECIMAL(18, 4) NOT NULL,
    extra       JSON
);
COMMENT ON TABLE actual_rows IS 'Every actuals row ever ingested; the view actuals keeps the latest per (entity_type, entity, metric, month).';
CREATE VIEW actuals AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY entity_type, entity, metric, month ORDER BY ingest_id DESC, row_number DESC) AS rn
    FROM actual_rows) WHERE rn = 1;
COMMENT ON VIEW actuals IS 'Monthly values per entity and metric; month is the first day of the month.';

CREATE TABLE benchmark_rows (
    ingest_id  BIGINT NOT NULL,
    row_number BIGINT NOT NULL,
    metric     VARCHAR NOT NULL,
    scope      VARCHAR NOT NULL,
    month      DATE NOT NULL,
    yoy        DECIMAL(18, 6) NOT NULL,
    extra      JSON
);
COMMENT ON TABLE benchmark_rows IS 'Every benchmark row ever ingested; the view benchmarks keeps the latest per (metric, scope, month).';
CREATE VIEW benchmarks AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY metric, scope, month ORDER BY ingest_id DESC, row_number DESC) AS rn
    FROM benchmark_rows) WHERE rn = 1;
COMMENT ON VIEW benchmarks IS 'Year-to-date growth of a reference group (yoy as a fraction, 0.062 = 6.2%) for an entity type (scope) and month.';

CREATE TABLE deduction_rows (
    ingest_id  BIGINT NOT NULL,
    row_number BIGINT NOT NULL,
    department VARCHAR NOT NULL,
    month      DATE NOT NULL,
    points     DECIMAL(9, 2) NOT NULL,
    reason     VARCHAR,
    extra      JSON
);
COMMENT ON TABLE deduction_rows IS 'Every deduction row ever ingested; the view deductions keeps the latest per (department, month, reason).';
CREATE VIEW deductions AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY department, month, reason ORDER BY ingest_id DESC, row_number DESC) AS rn
    FROM deduction_rows) WHERE rn = 1;
COMMENT ON VIEW deductions IS 'Points deducted from a department''s efficiency score in a month, with the reason.';
