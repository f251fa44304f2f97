-- The scheduler's run ledger (DOMAIN §6): one row per run of a job for a period, and one
-- row per start of `zhuqi serve`, from which missed runs are caught up.

CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,
    job         VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    fire_time   TIMESTAMPTZ NOT NULL,
    trigger     VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,
    attempts    INTEGER NOT NULL,
    error       VARCHAR,
    outputs     JSON
);
COMMENT ON TABLE runs IS '运行记录 Run ledger of the scheduler (zhuqi serve, zhuqi jobs run): one row per run of a job for a period. A (job, period) that succeeded is not run again unless forced.';
COMMENT ON COLUMN runs.run_id IS 'Unique id of the run, also in the log lines of the run.';
COMMENT ON COLUMN runs.job IS 'ingest, overdue, cadres, briefing, ranking or bulletin.';
COMMENT ON COLUMN runs.period IS 'The period the run covers: 2026-10 (month), 2026-W42 (ISO week), 2026-Q3, 2026-11-03 (day); for ingest, the fire time 2026-11-03T08:15.';
COMMENT ON COLUMN runs.fire_time IS 'The scheduled time the run belongs to (the time of the call for a manual run).';
COMMENT ON COLUMN runs.trigger IS 'schedule (on time), catch-up (missed while the scheduler was down or asleep), or manual (zhuqi jobs run).';
COMMENT ON COLUMN runs.started_at IS 'When the run started.';
COMMENT ON COLUMN runs.finished_at IS 'When it ended; NULL while running.';
COMMENT ON COLUMN runs.status IS 'running, succeeded, failed (after every attempt), or interrupted (the scheduler stopped during the run; tried again).';
COMMENT ON COLUMN runs.attempts IS 'Attempts made, counting the first.';
COMMENT ON COLUMN runs.error IS 'The last error, for failed and interrupted runs.';
COMMENT ON COLUMN runs.outputs IS 'Files the run wrote, relative to the output folder, or for ingest the files ingested and where they went.';

CREATE TABLE serve_starts (
    started_at TIMESTAMPTZ NOT NULL,
    pid        INTEGER NOT NULL,
    host       VARCHAR
);
COMMENT ON TABLE serve_starts IS 'Each start of zhuqi serve. Missed runs are caught up from the later of the last start and a job''s last scheduled run.';
COMMENT ON COLUMN serve_starts.started_at IS 'When the scheduler started.';
COMMENT ON COLUMN serve_starts.pid IS 'Its process id.';
COMMENT ON COLUMN serve_starts.host IS 'Its host name.';
