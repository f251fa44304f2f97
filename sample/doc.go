// Package sample generates realistic, deterministic sample exports of a prefecture
// city's enterprise-service program (ticket snapshots in CSV, GBK CSV, XLSX and JSON
// Lines, plus targets, actuals, benchmarks and deductions) for the demo, tests and
// benchmarks. Every ticket's lifecycle is derived from (seed, index) alone, so files of
// any size stream in bounded memory and the same options give the same bytes.
package sample
