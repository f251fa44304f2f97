// Package adhoc serves analysts: read-only SQL on a Zhuqi database (one statement at a
// time, from a script or an interactive prompt, cancellable), the schema with its
// comments, and an export of the data as Hive-partitioned Parquet or CSV.
//
// A DuckDB reader blocks writers in other processes, so a Session opens the database
// read-only for each batch of statements and closes it afterwards: an open prompt never
// holds the file while it waits for typing.
package adhoc
