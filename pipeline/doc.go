// Package pipeline ingests ticket exports and the growth and ranking tables into the
// database (package store): it detects a file's format and encoding, maps its headers to
// canonical columns, stages its rows (through DuckDB's CSV reader or as Arrow record
// batches), normalises and validates them in SQL, and commits rows, rejects, warnings and
// the ledger entry in one transaction.
//
// Ingest is the entry point. WriteCalendar, WriteMacros and RefreshTiming write the
// tables derived from the ingested ones (calendar, derived_state, the stored macros).
package pipeline
