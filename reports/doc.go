// Package reports turns query results into documents: the monthly (or quarterly)
// leadership briefing, the ranking publication, the weekly cadre recognition and the
// daily overdue list, as PDF and HTML, with charts as PNG and SVG, and the ranking also
// as XLSX and CSV (DOMAIN §5).
//
// Every figure comes from the queries API (Metrics, Rank, Growth, Flags, Publication);
// this package only lays them out. A document is first built as a small model (headings,
// paragraphs, KPI tiles, tables, charts) and that one model is rendered to PDF with
// signintech/gopdf and to HTML with html/template, so both show the same numbers.
//
// Output is deterministic: the same database and options give byte-identical files. The
// PDF creation date is the data's snapshot time and no part carries the wall clock.
package reports
