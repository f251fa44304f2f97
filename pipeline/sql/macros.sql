-- Parsing macros for ingest, rendered from the configuration (zhuqi.toml) for every file.
-- Each takes trimmed, non-empty text or NULL and returns the parsed value, or NULL when
-- the text cannot be parsed (the caller turns that into a reject or a warning).
--
--   zq_text(s)       trimmed text (spaces, tabs, line breaks, the ideographic space), '' → NULL
--   zq_ts(s)         timestamp: an Excel serial number (5 digits, fraction = time of day,
--                    day 0 = 1899-12-30), ISO 8601, one of [timestamps].formats, or RFC 3339
--                    with an offset, converted to local time in the configured timezone
--   zq_month(s)      first day of the month: an Excel serial or one of [timestamps].month_formats
--   zq_dec(s)        decimal; thousands separators allowed
--   zq_pct(s)        a fraction; "6.2%" = 0.062
--   zq_int(s)        whole number; a trailing 年 allowed ("2026年")
--   zq_credit_ok(s)  GB 32100-2015: 18 characters of 0-9A-Y without I O S V Z; the check
--                    character is C18 = (31 − Σ(i=1..17) value(Ci) × Wi mod 31) mod 31 with
--                    W = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
-- trim() with a set of characters costs far more than the byte tests that tell whether a
-- cell starts or ends with one of them at all, which few cells do.
CREATE OR REPLACE TEMP MACRO zq_trim(v) AS CASE
    WHEN starts_with(v, ' ') OR starts_with(v, chr(9)) OR starts_with(v, chr(10)) OR starts_with(v, chr(13))
      OR starts_with(v, chr(12288)) OR starts_with(v, chr(160))
      OR ends_with(v, ' ') OR ends_with(v, chr(9)) OR ends_with(v, chr(10)) OR ends_with(v, chr(13))
      OR ends_with(v, chr(12288)) OR ends_with(v, chr(160))
        THEN nullif(trim(v, ' ' || chr(9) || chr(10) || chr(13) || chr(12288) || chr(160)), '')
    ELSE nullif(v, '')
END;

CREATE OR REPLACE TEMP MACRO zq_text(s) AS zq_trim(CAST(s AS VARCHAR));

-- zq_ts tries DuckDB's own cast first for short text that cannot carry a UTC offset
-- ("2026-10-03 14:05", "2026/10/3"), the common case, before any pattern matching.
CREATE OR REPLACE TEMP MACRO zq_ts(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN length(s) <= 19 AND strpos(s, '+') = 0 AND strpos(s, 'Z') = 0 AND (length(s) < 17 OR s[17] <> '-')
         AND try_cast(s AS TIMESTAMP) IS NOT NULL
        THEN try_cast(s AS TIMESTAMP)
    WHEN regexp_full_match(s, '[1-9][0-9]{4}(\.[0-9]+)?')
        THEN TIMESTAMP '1899-12-30 00:00:00' + to_seconds(CAST(round(CAST(s AS DOUBLE) * 86400) AS BIGINT))
    WHEN regexp_matches(s, '[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
        THEN timezone({{.TZ}}, try_cast(s AS TIMESTAMPTZ))
    -- Forms written with 年 can only match text with 年, so each kind tries its own forms
    -- first; the others stay as a fallback, in the configured order.
    WHEN strpos(s, '年') > 0
        THEN coalesce({{.ParseNian}}, try_cast(s AS TIMESTAMP), {{.ParseOther}})
    ELSE coalesce(try_cast(s AS TIMESTAMP), {{.ParseOther}})
END;

CREATE OR REPLACE TEMP MACRO zq_month(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN regexp_full_match(s, '[1-9][0-9]{4}(\.[0-9]+)?')
        THEN CAST(date_trunc('month', DATE '1899-12-30' + CAST(floor(CAST(s AS DOUBLE)) AS INTEGER)) AS DATE)
    ELSE CAST(date_trunc('month', try_strptime(s, {{.MonthFormats}})) AS DATE)
END;

CREATE OR REPLACE TEMP MACRO zq_dec(s) AS try_cast(replace(replace(s, ',', ''), '，', '') AS DECIMAL(18, 4));

CREATE OR REPLACE TEMP MACRO zq_pct(s) AS CASE
    WHEN s LIKE '%\%' ESCAPE '\' THEN try_cast(rtrim(s, '%') AS DECIMAL(18, 6)) / 100
    ELSE try_cast(s AS DECIMAL(18, 6))
END;

CREATE OR REPLACE TEMP MACRO zq_int(s) AS try_cast(rtrim(s, '年') AS INTEGER);

CREATE OR REPLACE TEMP MACRO zq_credit_ok(s) AS
    regexp_full_match(s, '[0-9A-HJ-NPQRTUWXY]{18}')
    AND (31 - ({{.CreditSum}}) % 31) % 31 = strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', s[18]) - 1;
{{range .Enums}}
CREATE OR REPLACE TEMP MACRO zq_enum_{{.Name}}(s) AS {{.Map}}[lower(s)];
{{- end}}
