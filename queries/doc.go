// Package queries holds the official definitions: the SQL of every metric family
// (rates, the 133 rule and flags, durations, growth against targets, the department,
// region and cadre rankings) and a small Go API over it. Formulas are in DOMAIN.md §2–§4
// and at the top of each .sql file; their parameters come from the configuration's
// [rules] and [calendar].
//
// Every figure is judged at the snapshot time of the data (the as-of time of the latest
// ticket export), never the wall clock, so the same data gives the same answer tomorrow.
package queries
