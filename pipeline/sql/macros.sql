-- Parsing macros for ingest, rendered for every file from the configuration (zhuqi.toml:
-- timezone, timestamp forms, enumeration labels) and the cell rules (zhuqi.CellRules, the
-- one home of each rule, which the fast path reads too).
-- Each takes trimmed, non-empty text or NULL and returns the parsed value, or NULL when
-- the text cannot be parsed (the caller turns that into a reject or a warning).
--
--   zq_text(s)       trimmed text (CellRules.Space at both ends), '' → NULL
--   zq_ts(s)         timestamp: a spreadsheet serial number (CellRules.ExcelSerial, fraction =
--                    time of day, day 0 = CellRules.ExcelEpoch), ISO 8601, one of
--                    [timestamps].formats, or RFC 3339 with an offset, converted to local
--                    time in the configured timezone
--   zq_month(s)      first day of the month: a serial number or one of [timestamps].month_formats
--   zq_dec(s)        DECIMAL(Precision, Scale); CellRules.Thousands separators allowed
--   zq_pct(s)        a fraction, DECIMAL(Precision, FractionScale); "6.2%" = 0.062
--   zq_int(s)        whole number; CellRules.YearSuffix allowed after it ("2026年")
--   zq_credit_ok(s)  GB 32100-2015: n = len(W)+1 characters of the alphabet A (0-9A-Y
--                    without I O S V Z), m = len(A); the check character is
--                    Cn = (m − Σ(i=1..n-1) value(Ci) × Wi mod m) mod m, with value(c) = its
--                    place in A and W = CellRules.CreditWeights (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28).
-- trim() with a set of characters costs far more than the byte tests that tell whether a
-- cell starts or ends with one of them at all, which few cells do.
CREATE OR REPLACE TEMP MACRO zq_trim(v) AS CASE
    WHEN {{.SpaceEdges}}
        THEN nullif(trim(v, {{.SpaceSet}}), '')
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
    WHEN regexp_full_match(s, {{.ExcelSerial}})
        THEN TIMESTAMP {{.ExcelEpoch}} + to_seconds(CAST(round(CAST(s AS DOUBLE) * 86400) AS BIGINT))
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
    WHEN regexp_full_match(s, {{.ExcelSerial}})
        THEN CAST(date_trunc('month', DATE {{.ExcelEpoch}} + CAST(floor(CAST(s AS DOUBLE)) AS INTEGER)) AS DATE)
    ELSE CAST(date_trunc('month', try_strptime(s, {{.MonthFormats}})) AS DATE)
END;

CREATE OR REPLACE TEMP MACRO zq_dec(s) AS try_cast({{.Unthousand}} AS DECIMAL({{.Precision}}, {{.Scale}}));

CREATE OR REPLACE TEMP MACRO zq_pct(s) AS CASE
    WHEN ends_with(s, {{.Percent}}) THEN try_cast(rtrim(s, {{.Percent}}) AS DECIMAL({{.Precision}}, {{.FractionScale}})) / 100
    ELSE try_cast(s AS DECIMAL({{.Precision}}, {{.FractionScale}}))
END;

CREATE OR REPLACE TEMP MACRO zq_int(s) AS try_cast(rtrim(s, {{.YearSuffix}}) AS INTEGER);

CREATE OR REPLACE TEMP MACRO zq_credit_ok(s) AS
    regexp_full_match(s, {{.CreditPattern}})
    AND ({{.CreditM}} - ({{.CreditSum}}) % {{.CreditM}}) % {{.CreditM}} = strpos({{.CreditAlphabet}}, s[{{.CreditLen}}]) - 1;
{{range .Enums}}
CREATE OR REPLACE TEMP MACRO zq_enum_{{.Name}}(s) AS {{.Map}}[lower(s)];
{{- end}}
