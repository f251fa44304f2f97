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
	"github.com/zhuqi/zhuqi/store"
)

//go:embed sql/*.sql
var sqlFS embed.FS

var sqlTemplates = template.Must(template.ParseFS(sqlFS, "sql/*.sql"))

// normTable holds the parsed rows of a file with, per row, its problems (which make it
// a reject) and its warnings (which load it with a NULL or a kept label).
const normTable = "zq_norm"

// dupTable lists keys repeated inside the file and the row of their first occurrence.
const dupTable = "zq_dups"

// For tickets, rawTable holds every staged row's ticket id and raw hash; skipTable the
// rows unchanged since the current version; todoView the rows left to parse.
const (
	rawTable  = "zq_raw"
	skipTable = "zq_skip"
	todoView  = "zq_todo"
)

// createMacros defines the parsing macros of sql/macros.sql on conn, from cfg and its
// cell rules.
func createMacros(ctx context.Context, conn *sql.Conn, cfg *zhuqi.Config) error {
	type enum struct{ Name, Map string }
	r := cfg.Cells
	data := struct {
		TZ, ParseNian, ParseOther, MonthFormats                       string
		SpaceEdges, SpaceSet, ExcelSerial, ExcelEpoch, Unthousand     string
		Percent, YearSuffix, CreditPattern, CreditAlphabet, CreditSum string
		Precision, Scale, FractionScale, CreditM, CreditLen           int
		Enums                                                         []enum
	}{
		TZ: sqlString(cfg.Timezone), MonthFormats: sqlList(cfg.Timestamps.MonthFormats),
		ExcelSerial: sqlString(r.ExcelSerial), ExcelEpoch: sqlString(r.ExcelEpoch),
		Percent: sqlString(r.Percent), YearSuffix: sqlString(r.YearSuffix),
		Precision: r.Precision, Scale: r.Scale, FractionScale: r.FractionScale,
		CreditAlphabet: sqlString(r.CreditAlphabet), CreditM: len(r.CreditAlphabet), CreditLen: r.CreditLen(),
		CreditPattern: sqlString(fmt.Sprintf("[%s]{%d}", r.CreditAlphabet, r.CreditLen())),
		CreditSum:     creditSum(r),
	}
	data.ParseNian, data.ParseOther = strptimeSplit(cfg.Timestamps.Formats)
	var edges, set []string
	for _, c := range r.Space {
		ch := fmt.Sprintf("chr(%d)", c)
		edges = append(edges, fmt.Sprintf("starts_with(v, %s) OR ends_with(v, %s)", ch, ch))
		set = append(set, ch)
	}
	data.SpaceEdges, data.SpaceSet = strings.Join(edges, "\n      OR "), strings.Join(set, " || ")
	data.Unthousand = "s"
	for _, c := range r.Thousands {
		data.Unthousand = fmt.Sprintf("replace(%s, %s, '')", data.Unthousand, sqlString(string(c)))
	}
	names := make([]string, 0, len(cfg.Enums))
	for n := range cfg.Enums {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		labels := cfg.EnumLabels(n)
		var m strings.Builder
		m.WriteString("MAP {")
		for i, l := range labels {
			if i > 0 {
				m.WriteString(", ")
			}
			fmt.Fprintf(&m, "%s: %s", sqlString(l.Folded), sqlString(l.Value))
		}
		m.WriteString("}")
		if len(labels) == 0 {
			m.Reset()
			m.WriteString("MAP {'': ''}")
		}
		data.Enums = append(data.Enums, enum{Name: sqlName(n), Map: m.String()})
	}
	var b bytes.Buffer
	if err := sqlTemplates.ExecuteTemplate(&b, "macros.sql", data); err != nil {
		return err
	}
	for _, stmt := range store.SplitSQL(b.String()) {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create macros: %w\n%s", err, stmt)
		}
	}
	return nil
}

// creditSum is Σ value(Ci) × Wi over the characters of a credit code before its check
// character, written out term by term (a lambda over a list is ten times slower).
func creditSum(r zhuqi.CellRules) string {
	terms := make([]string, len(r.CreditWeights))
	for i, w := range r.CreditWeights {
		terms[i] = fmt.Sprintf("(strpos(%s, s[%d]) - 1) * %d", sqlString(r.CreditAlphabet), i+1, w)
	}
	return strings.Join(terms, " + ")
}

// strptimeSplit renders try_strptime over the timestamp forms written with 年 and over
// the rest, keeping their order. A form matches only text that holds its literals, so
// text without 年 need not try the 年 forms, nor text with 年 try the others first:
// trying every form on every cell cost most of an ingest's parsing.
func strptimeSplit(formats []string) (nian, other string) {
	var n, o []string
	for _, f := range formats {
		if strings.Contains(f, "年") {
			n = append(n, f)
		} else {
			o = append(o, f)
		}
	}
	render := func(fs []string) string {
		if len(fs) == 0 {
			return "NULL::TIMESTAMP"
		}
		return "try_strptime(s, " + sqlList(fs) + ")"
	}
	return render(n), render(o)
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

// check is one rule on a row: when Cond holds, the row is rejected (a problem) or
// loads with a warning.
type check struct {
	Cond, Code, Col, Value, Msg string
}

// normalizeSQL builds the query that parses and checks the staged rows of one file.
// It works in three layers so that every cell is trimmed once and parsed once: text
// (t_*), parsed values (p_*), then the checks, which read only t_* and p_*. A row's
// problems become its first reject code and the reasons joined; its warnings become a
// list, built only for rows that have one.
func normalizeSQL(cfg *zhuqi.Config, kind zhuqi.Kind, m *mapping, source string) string {
	var texts, parsed, final []string
	var problems, warns []check
	for _, c := range zhuqi.Columns(kind) {
		src := "NULL"
		if i, ok := m.Source[c.Name]; ok {
			src = fmt.Sprintf("c%d", i)
		}
		t, p := "t_"+c.Name, "p_"+c.Name
		texts = append(texts, fmt.Sprintf("zq_text(%s) AS %s", src, t))
		label := sqlString(c.Label())
		shown := fmt.Sprintf("%s || '的值「' || %s || '」'", label, t)

		if c.Required {
			problems = append(problems, check{Cond: t + " IS NULL", Code: "missing_required",
				Msg: "'必填字段' || " + label + " || '为空：请补填后重新导入本行 (required field is empty)'"})
		}
		var parse, badCode, badHint string
		value := p
		switch c.Type {
		case zhuqi.TypeText:
			parse = t
		case zhuqi.TypeTimestamp:
			parse, badCode, badHint = fmt.Sprintf("zq_ts(%s)", t), "bad_timestamp", timestampHint
		case zhuqi.TypeMonth:
			parse, badCode, badHint = fmt.Sprintf("zq_month(%s)", t), "bad_month", "请写成 2026-10 或 2026年10月 (use a month such as 2026-10)"
		case zhuqi.TypeDecimal:
			fn := "zq_dec"
			if c.Name == "yoy" {
				fn = "zq_pct"
			}
			parse, badCode, badHint = fmt.Sprintf("%s(%s)", fn, t), "bad_number", numberHint
		case zhuqi.TypeInteger:
			parse, badCode, badHint = fmt.Sprintf("zq_int(%s)", t), "bad_number", "请填写整数，如 2026 (use a whole number)"
		case zhuqi.TypeEnum, zhuqi.TypeBool:
			parse = fmt.Sprintf("zq_enum_%s(%s)", sqlName(c.Enum), t)
			empty := "NULL"
			if v, ok := cfg.EnumEmpty[c.Enum]; ok {
				empty = sqlString(v)
			}
			unknown := fmt.Sprintf("%s IS NOT NULL AND %s IS NULL", t, p)
			if c.Open {
				value = fmt.Sprintf("coalesce(%s, %s)", p, t)
				warns = append(warns, check{Cond: unknown, Code: "unknown_" + c.Enum, Col: c.Name, Value: t,
					Msg: fmt.Sprintf("%s || '不在分类表中，已按原文保留；如需归类，请在 zhuqi.toml 的 [[enums.%s]] 中添加别名 (not in the taxonomy; kept as written)'", shown, c.Enum)})
			} else {
				value = fmt.Sprintf("CASE WHEN %s IS NULL THEN %s ELSE %s END", t, empty, p)
				problems = append(problems, check{Cond: unknown, Code: "unknown_enum",
					Msg: fmt.Sprintf("%s || '不是可选值：请改为 %s 之一，或在 zhuqi.toml 的 [[enums.%s]] 中为它添加别名 (unknown label)'", shown, enumChoices(cfg, c.Enum), c.Enum)})
			}
			if c.Type == zhuqi.TypeBool {
				value = fmt.Sprintf("(%s = 'true')", value)
			}
		}
		parsed = append(parsed, fmt.Sprintf("%s AS %s", parse, p))
		if badCode != "" {
			bad := fmt.Sprintf("%s IS NOT NULL AND %s IS NULL", t, p)
			if c.Required {
				problems = append(problems, check{Cond: bad, Code: badCode, Msg: fmt.Sprintf("%s || '无法识别：%s'", shown, badHint)})
			} else {
				warns = append(warns, optionalWarning(c, bad, badHint))
			}
		}
		if kind == zhuqi.KindTickets && c.Name == "credit_code" {
			parsed[len(parsed)-1] = fmt.Sprintf("upper(%s) AS %s, zq_credit_ok(upper(%s)) AS ok_credit_code", t, p, t)
			value = fmt.Sprintf("CASE WHEN ok_credit_code THEN %s END", p)
			warns = append(warns, check{Cond: t + " IS NOT NULL AND NOT ok_credit_code", Code: "bad_credit_code", Col: c.Name, Value: t,
				Msg: fmt.Sprintf(shown+" || '不是有效的统一社会信用代码（GB 32100-2015 校验位不符），已置空：请核对企业的%d位代码 (invalid credit code)'", cfg.Cells.CreditLen())})
		}
		for _, o := range cfg.Cells.NotBefore {
			if kind != zhuqi.KindTickets || c.Name != o.Col {
				continue
			}
			before := fmt.Sprintf("p_%s < p_%s", o.Col, o.Of)
			warns = append(warns, check{Cond: before, Code: o.Code, Col: c.Name, Value: t,
				Msg: fmt.Sprintf("%s || '「' || %s || '」早于%s「' || t_%s || '」，已置空：请核对两个时间 (%s)'", label, t, columnZh(kind, o.Of), o.Of, o.En)})
			value = fmt.Sprintf("CASE WHEN %s THEN NULL ELSE %s END", before, value)
		}
		final = append(final, fmt.Sprintf("%s AS %s", value, c.Name))
	}
	problems = append(problems, check{Cond: "_pre IS NOT NULL", Code: "split_part(_pre, chr(9), 1)", Msg: "split_part(_pre, chr(9), 2)"})

	var code, msg, anyWarn, warnList []string
	for _, p := range problems {
		c := p.Code
		if !strings.HasPrefix(c, "split_part") {
			c = sqlString(c)
		}
		code = append(code, fmt.Sprintf("CASE WHEN %s THEN %s END", p.Cond, c))
		msg = append(msg, fmt.Sprintf("CASE WHEN %s THEN %s END", p.Cond, p.Msg))
	}
	for _, w := range warns {
		anyWarn = append(anyWarn, "("+w.Cond+")")
		warnList = append(warnList, fmt.Sprintf("CASE WHEN %s THEN %s END", w.Cond, w.structSQL()))
	}
	warnExpr := noWarnings
	if len(warns) > 0 {
		warnExpr = fmt.Sprintf("CASE WHEN coalesce(%s, false) THEN list_filter([%s]::%s, lambda w: w IS NOT NULL) ELSE %s END",
			strings.Join(anyWarn, " OR "), strings.Join(warnList, ",\n    "), warnsType, warnExpr)
	}

	extra := "NULL::JSON"
	if len(m.Unknown) > 0 {
		var kv []string
		for _, i := range m.Unknown {
			kv = append(kv, fmt.Sprintf("%s, c%d", sqlString(m.headerName(i)), i))
		}
		extra = "json_object(" + strings.Join(kv, ", ") + ")"
	}
	extra = fmt.Sprintf("CASE WHEN _more IS NULL OR _pre IS NOT NULL THEN %s ELSE json_merge_patch(coalesce(%s, '{}'::JSON), _more::JSON) END", extra, extra)

	// The reasons are text built only for rows that have a problem.
	return fmt.Sprintf(`SELECT _row, %s, extra,
  problem,
  CASE WHEN problem IS NOT NULL THEN concat_ws('；', %s) END AS reject_reason,
  %s AS warns
FROM (
  SELECT *, coalesce(%s) AS problem
  FROM (
    SELECT *, %s
    FROM (SELECT _row, _pre, %s AS extra, %s FROM %s)
  )
)`,
		strings.Join(final, ",\n  "),
		strings.Join(msg, ",\n    "),
		warnExpr,
		strings.Join(code, ",\n    "),
		strings.Join(parsed, ", "),
		extra, strings.Join(texts, ", "), source)
}

// columnZh is the Chinese name of column name of kind.
func columnZh(kind zhuqi.Kind, name string) string {
	for _, c := range zhuqi.Columns(kind) {
		if c.Name == name {
			return c.Zh
		}
	}
	return name
}

// numberHint says how to write a number.
const numberHint = "请填写数字，如 1234.5 (use a number such as 1234.5)"

// optionalWarning is the warning of an optional cell of column c, whose text is t_<name>,
// that holds no value of its type when cond: the cell loads empty. hint says how to write
// the value.
func optionalWarning(c zhuqi.Column, cond, hint string) check {
	code := "bad_optional"
	if c.Type == zhuqi.TypeDecimal {
		code = "bad_" + c.Name
	}
	t := "t_" + c.Name
	return check{Cond: cond, Code: code, Col: c.Name, Value: t,
		Msg: fmt.Sprintf("%s || '的值「' || %s || '」无法识别，已置空：%s'", sqlString(c.Label()), t, hint)}
}

// structSQL is warning w as an element of normTable's warns.
func (w check) structSQL() string {
	return fmt.Sprintf("{'code': %s, 'col': %s, 'value': %s, 'msg': %s}", sqlString(w.Code), sqlString(w.Col), w.Value, w.Msg)
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

// warnsType is the type of normTable's warns.
const warnsType = "STRUCT(code VARCHAR, col VARCHAR, value VARCHAR, msg VARCHAR)[]"

// noWarnings is normTable's warns of a row without warnings.
const noWarnings = "[]::" + warnsType

// rawHashSQL hashes every staged ticket row as read: the cells in canonical column order,
// the unknown columns, the reader's notes and a fingerprint of the configuration (so that
// a changed alias or label re-parses every row).
func rawHashSQL(m *mapping, cfgPrint string) string {
	var cells []string
	for _, c := range zhuqi.Columns(zhuqi.KindTickets) {
		if i, ok := m.Source[c.Name]; ok {
			cells = append(cells, fmt.Sprintf("c%d", i))
		} else {
			cells = append(cells, "NULL::VARCHAR")
		}
	}
	for _, i := range m.Unknown {
		cells = append(cells, sqlString(m.headerName(i)), fmt.Sprintf("c%d", i))
	}
	id := fmt.Sprintf("c%d", m.Source["ticket_id"])
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT _row, zq_text(%s) AS ticket_id, hash(%s, _pre, _more, %s) AS raw_hash FROM %s`,
		rawTable, id, strings.Join(cells, ", "), sqlString(cfgPrint), stageTable)
}

// skipSQL lists the staged rows to skip: those whose raw hash equals their ticket's current
// version, unless they repeat a ticket id seen earlier in the file (those are rejected).
func skipSQL() string {
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT r._row, r.ticket_id, r.raw_hash FROM %s r
JOIN ticket_versions v ON v.is_current AND v.ticket_id = r.ticket_id AND v.raw_hash = r.raw_hash
LEFT JOIN %s d ON d.ticket_id = r.ticket_id
WHERE d.first_row IS NULL OR d.first_row = r._row`, skipTable, rawTable, dupTable)
}

// todoSQL is the staged rows left to parse after the skip.
func todoSQL() string {
	return fmt.Sprintf(`CREATE OR REPLACE TEMP VIEW %s AS
SELECT s.* FROM %s s ANTI JOIN %s k ON k._row = s._row`, todoView, stageTable, skipTable)
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
	from := normTable
	if kind == zhuqi.KindTickets {
		from = rawTable // every row, parsed or skipped
	}
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
SELECT %s, min(_row) AS first_row FROM %s WHERE %s GROUP BY ALL HAVING count(*) > 1`,
		dupTable, key, from, strings.Join(notNull, " AND "))
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
