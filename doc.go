// Package zhuqi holds the domain of the Zhuqi (助企) pipeline: the kinds of input it
// ingests, their canonical columns, and the versioned configuration (header aliases,
// enumeration labels, the category taxonomy, timestamp forms) that every other package
// reads. It has no I/O beyond loading a configuration file.
//
// The packages below it depend on it and never on each other's internals:
// pipeline (ingest into DuckDB), queries (metrics), reports (documents), jobs (schedules),
// and cmd/zhuqi (the command line).
package zhuqi
