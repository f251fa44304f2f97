-- The table macros stored in the database (written by ingest) and their parameters; the
-- zq_ helpers they use are left out.
SELECT function_name AS macro, '(' || array_to_string(parameters, ', ') || ')' AS parameters
FROM duckdb_functions()
WHERE function_type = 'table_macro' AND database_name = current_database() AND schema_name = 'main'
    AND NOT internal AND function_name NOT LIKE 'zq\_%' ESCAPE '\'
ORDER BY function_name
