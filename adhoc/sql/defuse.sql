-- zq_defuse(s): text that a spreadsheet would take for a formula stays text in a CSV file,
-- as in every other CSV output (internal/tabular.DefuseFormula):
--   s starts with = + - @, a tab, CR or LF, or full-width ＝ ＋ － ＠  →  '' || s
CREATE OR REPLACE TEMP MACRO zq_defuse(s) AS
    CASE WHEN left(s, 1) IN ('=', '+', '-', '@', chr(9), chr(13), chr(10), '＝', '＋', '－', '＠')
         THEN '''' || s ELSE s END;
