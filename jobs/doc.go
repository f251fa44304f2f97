// Package jobs is Zhuqi's scheduler (DOMAIN §6): it runs the inbox ingest and the
// scheduled reports and publications, each for the period it covers, records every run
// in the runs ledger, catches up what it missed, and delivers the outputs.
//
// Plan is a pure function from the schedules and the ledger to the runs that are due;
// Scheduler drives it with robfig/cron in production, and tests call Tick with any
// time. Runner executes one run: it opens the database for the run and closes it after,
// so that other DuckDB clients can read between runs, retries transient failures, and
// records the outcome. Inbox finds complete files in the inbox folder, ingests them and
// moves them to archive/ or failed/.
package jobs
