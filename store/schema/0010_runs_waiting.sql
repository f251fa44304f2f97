-- A run of a period the data does not yet cover waits for a later export (DOMAIN §2.2).
COMMENT ON COLUMN runs.status IS 'running, succeeded, failed (after every attempt), interrupted (the scheduler stopped during the run; tried again), or waiting (the period is not yet covered by an export taken after its end; tried again, announced after a day).';
