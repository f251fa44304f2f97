-- The tables and views of the database (schema main, internal ones left out), each column
-- with its type and comment, in name and column order. A view column without a comment of
-- its own shows the comment of the same column of a table the view reads (tickets shows
-- ticket_versions' comments).
WITH rels AS (
    SELECT table_name AS name, 'table' AS kind, comment, NULL AS sql FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND NOT temporary
    UNION ALL
    SELECT view_name, 'view', comment, sql FROM duckdb_views()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND NOT temporary
),
cols AS (
    SELECT table_name, column_name, column_index, data_type, comment FROM duckdb_columns()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
),
inherited AS (
    SELECT r.name, c.column_name, min(c.comment) AS comment
    FROM rels r JOIN cols c ON r.kind = 'view' AND c.table_name <> r.name
        AND regexp_matches(r.sql, '\b(FROM|JOIN)\s+' || c.table_name || '\b', 'i')
    WHERE c.comment IS NOT NULL AND c.comment <> ''
    GROUP BY ALL
)
SELECT r.name, r.kind, r.comment, c.column_name, c.data_type, coalesce(nullif(c.comment, ''), i.comment) AS column_comment
FROM rels r
JOIN cols c ON c.table_name = r.name
LEFT JOIN inherited i ON i.name = r.name AND i.column_name = c.column_name
ORDER BY r.name, c.column_index
