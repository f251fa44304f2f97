-- The working-day calendar as analysts see it, and frozen ranking publications.

CREATE TABLE calendar (
    date    DATE PRIMARY KEY,
    workday BOOLEAN NOT NULL,
    kind    VARCHAR NOT NULL,
    name    VARCHAR
);
COMMENT ON TABLE calendar IS '工作日历 Working-day calendar (DOMAIN §1.5): one row per date, from the configuration''s official holidays and make-up working days; written by ingest and publish. Years without data count Monday to Friday (kind = weekday).';
COMMENT ON COLUMN calendar.date IS 'The civil date.';
COMMENT ON COLUMN calendar.workday IS 'Whether deadlines count this date as a working day.';
COMMENT ON COLUMN calendar.kind IS 'workday, weekend, holiday (法定节假日), makeup (调休上班), or weekday when the year has no official data.';
COMMENT ON COLUMN calendar.name IS 'The holiday''s name for holidays and make-up days, e.g. 春节.';

CREATE TABLE publications (
    publication_id VARCHAR PRIMARY KEY,
    kind           VARCHAR NOT NULL,
    period         VARCHAR NOT NULL,
    version        INTEGER NOT NULL,
    rules_version  VARCHAR NOT NULL,
    as_of          TIMESTAMP NOT NULL,
    inputs         JSON NOT NULL,
    inputs_sha256  VARCHAR NOT NULL,
    body           JSON NOT NULL,
    body_sha256    VARCHAR NOT NULL,
    files          JSON NOT NULL,
    published_at   TIMESTAMP NOT NULL
);
COMMENT ON TABLE publications IS '排名通报 Frozen ranking publications (DOMAIN §4): one row per version. Publishing a period again with the same inputs and rules returns the stored version; new inputs make a new version and keep the old.';
COMMENT ON COLUMN publications.publication_id IS 'e.g. ranking-2026-10-v1.';
COMMENT ON COLUMN publications.kind IS 'What was published: ranking.';
COMMENT ON COLUMN publications.period IS 'The period label, e.g. 2026-10.';
COMMENT ON COLUMN publications.version IS '1 for the first publication of the period, then 2, 3 … when the inputs change.';
COMMENT ON COLUMN publications.rules_version IS 'The rules name and hash the rankings were computed with.';
COMMENT ON COLUMN publications.as_of IS 'Snapshot time of the ticket data the rankings judge.';
COMMENT ON COLUMN publications.inputs IS 'Every ingested file the database held: kind, file name, sha256, as_of.';
COMMENT ON COLUMN publications.inputs_sha256 IS 'SHA-256 of the inputs list; with rules_version it decides whether a new version is needed.';
COMMENT ON COLUMN publications.body IS 'The whole publication as canonical JSON: every ranking row, the bottom, risers and not-ranked lists.';
COMMENT ON COLUMN publications.body_sha256 IS 'SHA-256 of body, to check a published file against.';
COMMENT ON COLUMN publications.files IS 'Files emitted for this publication (names relative to the output folder).';
COMMENT ON COLUMN publications.published_at IS 'When this version was first stored (wall clock; not part of the body).';

CREATE TABLE publication_rows (
    publication_id     VARCHAR NOT NULL,
    ranking            VARCHAR NOT NULL,
    position           INTEGER NOT NULL,
    rank               INTEGER,
    name               VARCHAR NOT NULL,
    collected          BIGINT NOT NULL,
    effect             DOUBLE,
    service            DOUBLE,
    efficiency         DOUBLE,
    response_rate      DOUBLE,
    resolution_rate    DOUBLE,
    satisfaction_rate  DOUBLE,
    solved             BIGINT,
    satisfaction_score DOUBLE,
    total              DOUBLE,
    prev_rank          INTEGER,
    rank_change        INTEGER,
    status             VARCHAR NOT NULL,
    note               VARCHAR
);
COMMENT ON TABLE publication_rows IS 'The rows of each frozen publication, as published (columns of DOMAIN §7 rank).';
COMMENT ON COLUMN publication_rows.ranking IS 'departments (要素保障大比拼), regions (三率) or cadres (赛比评).';
COMMENT ON COLUMN publication_rows.position IS 'Row order in the publication, from 1.';
COMMENT ON COLUMN publication_rows.rank IS 'Competition rank (1, 2, 2, 4); NULL when not ranked.';
COMMENT ON COLUMN publication_rows.effect IS 'Departments: 25 × on-time reply rate + 25 × completion rate.';
COMMENT ON COLUMN publication_rows.service IS 'Departments: 30 × satisfaction score.';
COMMENT ON COLUMN publication_rows.efficiency IS 'Departments: 20 − deductions, not below 0.';
COMMENT ON COLUMN publication_rows.total IS 'The score ranked on, 2 decimals.';
COMMENT ON COLUMN publication_rows.rank_change IS 'Previous rank − rank: positive means moved up.';
COMMENT ON COLUMN publication_rows.status IS 'ranked or not_ranked.';
COMMENT ON COLUMN publication_rows.note IS 'Why not ranked, or what was imputed.';
