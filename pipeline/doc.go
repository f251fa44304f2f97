// Package pipeline ingests ticket exports and the growth and ranking tables into the
// DuckDB store: it detects a file's format and encoding, maps its headers to canonical
// columns, stages its rows (through DuckDB's CSV reader or as Arrow record batches),
// normalises and validates them in SQL, and commits rows, rejects, warnings and the
// ledger entry in one transaction.
//
// Store is the database; Store.Ingest is the entry point.
package pipeline
