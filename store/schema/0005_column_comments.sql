-- Column comments for ad-hoc SQL (`zhuqi schema`, DuckDB's duckdb_columns()): every column
-- of the tables of DOMAIN §7 says what it holds. The views (tickets, targets, actuals,
-- benchmarks, deductions) show the comments of the table they read.

COMMENT ON TABLE schema_migrations IS 'The schema files (pipeline/schema/NNNN_*.sql) applied to this database, with when.';
COMMENT ON COLUMN schema_migrations.name IS 'File name of the migration, e.g. schema/0001_init.sql.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied (local time).';

COMMENT ON COLUMN ingests.ingest_id IS 'Number of the ingest, from 1 in order; the other tables refer to it.';
COMMENT ON COLUMN ingests.file IS 'The file as given to zhuqi ingest.';
COMMENT ON COLUMN ingests.sha256 IS 'SHA-256 of the file''s bytes; the same file is not ingested twice.';
COMMENT ON COLUMN ingests.kind IS 'tickets, targets, actuals, benchmarks or deductions.';
COMMENT ON COLUMN ingests.format IS 'csv or xlsx.';
COMMENT ON COLUMN ingests.encoding IS 'Text encoding detected for a CSV file (utf-8, gb18030 …); NULL for XLSX.';
COMMENT ON COLUMN ingests.sheet IS 'The worksheet read from an XLSX file; NULL for CSV.';
COMMENT ON COLUMN ingests.rows_read IS 'Data rows read from the file (header excluded).';
COMMENT ON COLUMN ingests.rows_loaded IS 'Rows loaded (read − rejected).';
COMMENT ON COLUMN ingests.rows_rejected IS 'Rows not loaded; see the rejects table.';
COMMENT ON COLUMN ingests.warnings IS 'Cells loaded with a warning; see the warnings table.';
COMMENT ON COLUMN ingests.report IS 'The ingest report as JSON (counts, rejects and warnings by code, timings).';
COMMENT ON COLUMN ingests.config_version IS 'Name and hash of the configuration the file was read with.';
COMMENT ON COLUMN ingests.started_at IS 'When the ingest started (wall clock, local time).';
COMMENT ON COLUMN ingests.finished_at IS 'When the ingest finished (wall clock, local time).';

COMMENT ON COLUMN rejects.ingest_id IS 'The ingest that read the row (ingests.ingest_id).';
COMMENT ON COLUMN rejects.file IS 'The file the row came from.';
COMMENT ON COLUMN rejects.row_number IS 'Row number as a spreadsheet shows it: the header is row 1.';
COMMENT ON COLUMN rejects.reason IS 'What is wrong and how to fix it (Chinese and English).';
COMMENT ON COLUMN rejects.raw IS 'The row as read: a JSON map header → cell.';

COMMENT ON COLUMN warnings.ingest_id IS 'The ingest that read the cell (ingests.ingest_id).';
COMMENT ON COLUMN warnings.file IS 'The file the cell came from.';
COMMENT ON COLUMN warnings.row_number IS 'Row number as a spreadsheet shows it: the header is row 1.';
COMMENT ON COLUMN warnings.column_name IS 'The column of the cell (Zhuqi''s name, e.g. resolved_at).';
COMMENT ON COLUMN warnings.value IS 'The cell as written.';
COMMENT ON COLUMN warnings.code IS 'Kind of warning, e.g. bad_optional, bad_credit_code, resolved_before_created, new_label.';
COMMENT ON COLUMN warnings.message IS 'What was stored instead and why.';

COMMENT ON COLUMN ticket_versions.ticket_id IS '诉求编号: the ticket''s id in the case platform.';
COMMENT ON COLUMN ticket_versions.as_of IS 'Snapshot time of the export this version came from.';
COMMENT ON COLUMN ticket_versions.ingest_id IS 'The ingest that stored this version (ingests.ingest_id).';
COMMENT ON COLUMN ticket_versions.row_number IS 'Row of the version in its file; the header is row 1.';
COMMENT ON COLUMN ticket_versions.is_current IS 'Whether this is the version from the latest snapshot that has the ticket (the tickets view).';
COMMENT ON COLUMN ticket_versions.enterprise IS '企业名称: the enterprise that raised the problem.';
COMMENT ON COLUMN ticket_versions.credit_code IS '统一社会信用代码 (GB 32100-2015); NULL when missing or invalid.';
COMMENT ON COLUMN ticket_versions.region IS '县市区: the county, district or development zone.';
COMMENT ON COLUMN ticket_versions.street IS '镇街: the town or street office.';
COMMENT ON COLUMN ticket_versions.industry IS '行业: the enterprise''s industry.';
COMMENT ON COLUMN ticket_versions.category IS '诉求类别: the kind of problem (用地, 融资, 用工 …).';
COMMENT ON COLUMN ticket_versions.source IS '来源: how the problem came in (hotline, platform, visit …).';
COMMENT ON COLUMN ticket_versions.department IS '承办部门: the department handling the ticket; NULL when not assigned to one.';
COMMENT ON COLUMN ticket_versions.cadre IS '服务专员: the cadre serving the enterprise.';
COMMENT ON COLUMN ticket_versions.content IS '诉求内容: the problem as described.';
COMMENT ON COLUMN ticket_versions.created_at IS '提报时间: when the problem was raised (local time); the cohort of a period.';
COMMENT ON COLUMN ticket_versions.assigned_at IS '交办时间: when it was assigned to a department.';
COMMENT ON COLUMN ticket_versions.deadline IS '办理时限: the explicit response deadline, if any (00:00 means the end of that day).';
COMMENT ON COLUMN ticket_versions.responded_at IS '答复时间: when the enterprise got an answer.';
COMMENT ON COLUMN ticket_versions.resolved_at IS '办结时间: when the ticket was finished.';
COMMENT ON COLUMN ticket_versions.on_site IS '当场办结: finished on the spot.';

COMMENT ON COLUMN target_rows.ingest_id IS 'The ingest that stored the row (ingests.ingest_id).';
COMMENT ON COLUMN target_rows.row_number IS 'Row in its file; the header is row 1.';
COMMENT ON COLUMN target_rows.entity_type IS 'What kind of entity: e.g. region, enterprise, park.';
COMMENT ON COLUMN target_rows.entity IS 'The entity''s name.';
COMMENT ON COLUMN target_rows.metric IS 'The metric, e.g. output_value, tax, investment, new_projects.';
COMMENT ON COLUMN target_rows.year IS 'The year the target is for.';
COMMENT ON COLUMN target_rows.target IS 'The annual target, in unit (万元 by default).';
COMMENT ON COLUMN target_rows.unit IS 'Unit of target when not 万元 (e.g. 个 for counts).';
COMMENT ON COLUMN target_rows.extra IS 'Columns of the file that Zhuqi does not know, as a JSON map header → cell.';

COMMENT ON COLUMN actual_rows.ingest_id IS 'The ingest that stored the row (ingests.ingest_id).';
COMMENT ON COLUMN actual_rows.row_number IS 'Row in its file; the header is row 1.';
COMMENT ON COLUMN actual_rows.entity_type IS 'What kind of entity: e.g. region, enterprise, park.';
COMMENT ON COLUMN actual_rows.entity IS 'The entity''s name.';
COMMENT ON COLUMN actual_rows.metric IS 'The metric, e.g. output_value, tax, investment, new_projects.';
COMMENT ON COLUMN actual_rows.month IS 'The month, as its first day.';
COMMENT ON COLUMN actual_rows.value IS 'The value of the month (not cumulative), 万元 unless the target''s unit says otherwise.';
COMMENT ON COLUMN actual_rows.extra IS 'Columns of the file that Zhuqi does not know, as a JSON map header → cell.';

COMMENT ON COLUMN benchmark_rows.ingest_id IS 'The ingest that stored the row (ingests.ingest_id).';
COMMENT ON COLUMN benchmark_rows.row_number IS 'Row in its file; the header is row 1.';
COMMENT ON COLUMN benchmark_rows.metric IS 'The metric the benchmark is for.';
COMMENT ON COLUMN benchmark_rows.scope IS 'The entity type it applies to (targets.entity_type).';
COMMENT ON COLUMN benchmark_rows.month IS 'The month, as its first day.';
COMMENT ON COLUMN benchmark_rows.yoy IS 'Year-to-date growth of the reference group as a fraction (0.062 = 6.2%).';
COMMENT ON COLUMN benchmark_rows.extra IS 'Columns of the file that Zhuqi does not know, as a JSON map header → cell.';

COMMENT ON COLUMN deduction_rows.ingest_id IS 'The ingest that stored the row (ingests.ingest_id).';
COMMENT ON COLUMN deduction_rows.row_number IS 'Row in its file; the header is row 1.';
COMMENT ON COLUMN deduction_rows.department IS 'The department deducted from (as in tickets.department).';
COMMENT ON COLUMN deduction_rows.month IS 'The month of the deduction, as its first day.';
COMMENT ON COLUMN deduction_rows.points IS 'Points taken from the 20 efficiency points of the department ranking.';
COMMENT ON COLUMN deduction_rows.reason IS 'Why (e.g. 超时办理, 推诿扯皮).';
COMMENT ON COLUMN deduction_rows.extra IS 'Columns of the file that Zhuqi does not know, as a JSON map header → cell.';

COMMENT ON COLUMN publication_rows.publication_id IS 'The publication (publications.publication_id).';
COMMENT ON COLUMN publication_rows.name IS 'The department, region or cadre.';
COMMENT ON COLUMN publication_rows.collected IS 'Collected tickets in the period (created in it, not cancelled).';
COMMENT ON COLUMN publication_rows.response_rate IS 'Regions: 响应率, assigned within 1 working day / collected.';
COMMENT ON COLUMN publication_rows.resolution_rate IS 'Regions: 解决率, solved / collected.';
COMMENT ON COLUMN publication_rows.satisfaction_rate IS 'Regions: 满意率, (satisfied + basic) / rated.';
COMMENT ON COLUMN publication_rows.solved IS 'Cadres: solved tickets in the period.';
COMMENT ON COLUMN publication_rows.satisfaction_score IS 'Cadres: Σ weight / rated (satisfied 1.0, basic 0.8, dissatisfied 0).';
COMMENT ON COLUMN publication_rows.prev_rank IS 'Rank in the previous period; NULL when not ranked then.';
