package pipeline

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"github.com/zhuqi/zhuqi"
)

//go:embed sql/*.sql
var sqlFS embed.FS

var sqlTemplates = template.Must(template.ParseFS(sqlFS, "sql/*.sql"))

// normTable holds the parsed rows of a file with, per row, its problems (which make it
// a reject) and its warnings (which load it with a NULL or a kept label).
const normTable = "zq_norm"

// dupTable lists keys repeated inside the file and the row of their first occurrence.
const dupTable = "zq_dups"

// createMacros defines the parsing macros of sql/macros.sql on conn.
func createMacros(ctx context.Context, conn *sql.Conn, cfg *zhuqi.Config) error {
	type enum struct{ Name, Map string }
	data := struct {
		TZ, Formats, MonthFormats string
		Enums                     []enum
	}{TZ: sqlString(cfg.Timezone), Formats: sqlList(cfg.Timestamps.Formats), MonthFormats: sqlList(cfg.Timestamps.MonthFormats)}
	names := make([]string, 0, len(cfg.Enums))
	for n := range cfg.Enums {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var m strings.Builder
		m.WriteString("MAP {")
		seen := map[string]bool{}
		for _, v := range cfg.Enums[n] {
			for _, l := range append([]string{v.Value}, v.Labels...) {
				f := zhuqi.Fold(l)
				if seen[f] {
					continue
				}
				seen[f] = true
				if len(seen) > 1 {
					m.WriteString(", ")
				}
				fmt.Fprintf(&m, "%s: %s", sqlString(f), sqlString(v.Value))
			}
		}
		m.WriteString("}")
		if len(seen) == 0 {
			m.Reset()
			m.WriteString("MAP {'': ''}")
		}
		data.Enums = append(data.Enums, enum{Name: sqlName(n), Map: m.String()})
	}
	var b bytes.Buffer
	if err := sqlTemplates.ExecuteTemplate(&b, "macros.sql", data); err != nil {
		return err
	}
	for _, stmt := range splitSQL(b.String()) {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create macros: %w\n%s", err, stmt)
		}
	}
	return nil
}

func sqlList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = sqlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// sqlName keeps letters, digits and underscores, for names built from configuration.
func sqlName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// timestampHint says which forms a timestamp may take, for reasons that say how to fix.
const timestampHint = "请写成 2026-10-03 14:05、2026/10/3 14:05、2026年10月3日 14时05分 或 Excel 日期 (use a date and time such as 2026-10-03 14:05)"

// normalizeSQL builds the statement that parses and checks the staged rows of one file.
func normalizeSQL(cfg *zhuqi.Config, kind zhuqi.Kind, m *mapping) string {
	var inner, outer, problems, warns []string
	for _, c := range zhuqi.Columns(kind) {
		src := "NULL"
		if i, ok := m.Source[c.Name]; ok {
			src = fmt.Sprintf("c%d", i)
		}
		t := "t_" + c.Name
		inner = append(inner, fmt.Sprintf("zq_text(%s) AS %s", src, t))
		label := sqlString(c.Label())
		shown := fmt.Sprintf("%s || '的值「' || %s || '」'", label, t)

		if c.Required {
			problems = append(problems, fmt.Sprintf(
				"CASE WHEN %s IS NULL THEN {'code': 'missing_required', 'msg': '必填字段' || %s || '为空：请补填后重新导入本行 (required field is empty)'} END", t, label))
		}
		var parsed, badCode, badHint string
		switch c.Type {
		case zhuqi.TypeText:
			parsed = t
		case zhuqi.TypeTimestamp:
			parsed, badCode, badHint = fmt.Sprintf("zq_ts(%s)", t), "bad_timestamp", timestampHint
		case zhuqi.TypeMonth:
			parsed, badCode, badHint = fmt.Sprintf("zq_month(%s)", t), "bad_month", "请写成 2026-10 或 2026年10月 (use a month such as 2026-10)"
		case zhuqi.TypeDecimal:
			fn := "zq_dec"
			if c.Name == "yoy" {
				fn = "zq_pct"
			}
			parsed, badCode, badHint = fmt.Sprintf("%s(%s)", fn, t), "bad_number", "请填写数字，如 1234.5 (use a number such as 1234.5)"
		case zhuqi.TypeInteger:
			parsed, badCode, badHint = fmt.Sprintf("zq_int(%s)", t), "bad_number", "请填写整数，如 2026 (use a whole number)"
		case zhuqi.TypeEnum, zhuqi.TypeBool:
			lookup := fmt.Sprintf("zq_enum_%s(%s)", sqlName(c.Enum), t)
			empty := "NULL"
			if v, ok := cfg.EnumEmpty[c.Enum]; ok {
				empty = sqlString(v)
			}
			if c.Open {
				parsed = fmt.Sprintf("coalesce(%s, %s)", lookup, t)
				warns = append(warns, fmt.Sprintf(
					"CASE WHEN %s IS NOT NULL AND %s IS NULL THEN {'code': 'unknown_%s', 'col': '%s', 'value': %s, 'msg': %s || '不在分类表中，已按原文保留；如需归类，请在 zhuqi.toml 的 [[enums.%s]] 中添加别名 (not in the taxonomy; kept as written)'} END",
					t, lookup, c.Enum, c.Name, t, shown, c.Enum))
			} else {
				parsed = fmt.Sprintf("CASE WHEN %s IS NULL THEN %s ELSE %s END", t, empty, lookup)
				problems = append(problems, fmt.Sprintf(
					"CASE WHEN %s IS NOT NULL AND %s IS NULL THEN {'code': 'unknown_enum', 'msg': %s || '不是可选值：请改为 %s 之一，或在 zhuqi.toml 的 [[enums.%s]] 中为它添加别名 (unknown label)'} END",
					t, lookup, shown, enumChoices(cfg, c.Enum), c.Enum))
			}
			if c.Type == zhuqi.TypeBool {
				parsed = fmt.Sprintf("(%s = 'true')", parsed)
			}
		}
		if badCode != "" {
			if c.Required {
				problems = append(problems, fmt.Sprintf(
					"CASE WHEN %s IS NOT NULL AND %s IS NULL THEN {'code': '%s', 'msg': %s || '无法识别：%s'} END",
					t, parsed, badCode, shown, badHint))
			} else {
				code := "bad_optional"
				if c.Type == zhuqi.TypeDecimal {
					code = "bad_" + c.Name
				}
				warns = append(warns, fmt.Sprintf(
					"CASE WHEN %s IS NOT NULL AND %s IS NULL THEN {'code': '%s', 'col': '%s', 'value': %s, 'msg': %s || '无法识别，已置空：%s'} END",
					t, parsed, code, c.Name, t, shown, badHint))
			}
		}
		switch {
		case kind == zhuqi.KindTickets && c.Name == "credit_code":
			parsed = fmt.Sprintf("CASE WHEN zq_credit_ok(upper(%s)) THEN upper(%s) END", t, t)
			warns = append(warns, fmt.Sprintf(
				"CASE WHEN %s IS NOT NULL AND NOT zq_credit_ok(upper(%s)) THEN {'code': 'bad_credit_code', 'col': 'credit_code', 'value': %s, 'msg': %s || '不是有效的统一社会信用代码（GB 32100-2015 校验位不符），已置空：请核对企业的18位代码 (invalid credit code)'} END",
				t, t, t, shown))
		case kind == zhuqi.KindTickets && c.Name == "resolved_at":
			warns = append(warns, fmt.Sprintf(
				"CASE WHEN zq_ts(t_resolved_at) < zq_ts(t_created_at) THEN {'code': 'resolved_before_created', 'col': 'resolved_at', 'value': %s, 'msg': '「办结时间」(resolved_at)「' || %s || '」早于提报时间「' || t_created_at || '」，已置空：请核对两个时间 (resolved before created)'} END",
				t, t))
			parsed = fmt.Sprintf("CASE WHEN zq_ts(%s) < zq_ts(t_created_at) THEN NULL ELSE %s END", t, parsed)
		}
		outer = append(outer, fmt.Sprintf("%s AS %s", parsed, c.Name))
	}
	problems = append(problems, "CASE WHEN _pre IS NOT NULL THEN {'code': split_part(_pre, chr(9), 1), 'msg': split_part(_pre, chr(9), 2)} END")

	extra := "NULL::JSON"
	if len(m.Unknown) > 0 {
		var kv []string
		for _, i := range m.Unknown {
			kv = append(kv, fmt.Sprintf("%s, c%d", sqlString(m.headerName(i)), i))
		}
		extra = "json_object(" + strings.Join(kv, ", ") + ")"
	}
	extra = fmt.Sprintf("CASE WHEN _more IS NULL OR _pre IS NOT NULL THEN %s ELSE json_merge_patch(coalesce(%s, '{}'::JSON), _more::JSON) END", extra, extra)

	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT *,
  list_filter([%s], lambda p: p IS NOT NULL) AS problems,
  list_filter([%s]::STRUCT(code VARCHAR, col VARCHAR, value VARCHAR, msg VARCHAR)[], lambda w: w IS NOT NULL) AS warns
FROM (
  SELECT _row, _pre, %s, %s, extra
  FROM (SELECT _row, _pre, %s AS extra, %s FROM %s)
)`, normTable,
		strings.Join(problems, ",\n    "),
		strings.Join(warns, ",\n    "),
		strings.Join(tNames(kind), ", "),
		strings.Join(outer, ",\n    "),
		extra,
		strings.Join(inner, ", "), stageTable)
}

func tNames(kind zhuqi.Kind) []string {
	var out []string
	for _, c := range zhuqi.Columns(kind) {
		out = append(out, "t_"+c.Name)
	}
	return out
}

func enumChoices(cfg *zhuqi.Config, enum string) string {
	var out []string
	for _, v := range cfg.Enums[enum] {
		if len(v.Labels) > 0 {
			out = append(out, v.Labels[0])
		} else {
			out = append(out, v.Value)
		}
	}
	return strings.ReplaceAll(strings.Join(out, "、"), "'", "''")
}

// dupSQL finds keys repeated inside the file.
func dupSQL(kind zhuqi.Kind) string {
	key := strings.Join(zhuqi.Key(kind), ", ")
	var notNull []string
	for _, k := range zhuqi.Key(kind) {
		if k != "reason" {
			notNull = append(notNull, k+" IS NOT NULL")
		}
	}
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT %s, min(_row) AS first_row FROM %s WHERE %s GROUP BY ALL HAVING count(*) > 1`,
		dupTable, key, normTable, strings.Join(notNull, " AND "))
}

// dupJoin joins normTable n to dupTable d on the key (NULL-safe).
func dupJoin(kind zhuqi.Kind) string {
	var on []string
	for _, k := range zhuqi.Key(kind) {
		on = append(on, fmt.Sprintf("d.%s IS NOT DISTINCT FROM n.%s", k, k))
	}
	return fmt.Sprintf("LEFT JOIN %s d ON %s", dupTable, strings.Join(on, " AND "))
}

// rawSQL rebuilds a staged row as JSON (header → cell) for rejects.
func rawSQL(m *mapping, width int) string {
	var kv []string
	for i := 0; i < width; i++ {
		kv = append(kv, fmt.Sprintf("%s, s.c%d", sqlString(m.headerName(i)), i))
	}
	obj := "json_object(" + strings.Join(kv, ", ") + ")"
	return fmt.Sprintf("CASE WHEN s._more IS NULL THEN %s ELSE json_merge_patch(%s, s._more::JSON) END", obj, obj)
}
