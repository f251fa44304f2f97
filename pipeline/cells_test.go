package pipeline

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// edgeRow is a generated edge case: the cells of one row by canonical column, the rest
// of the row as generated.
type edgeRow map[string]string

// ruleEdges generates, from each entry of the cell rules (by its field name), rows the
// fast path must read exactly as SQL does or leave to SQL (TestDirect_SameAsSQL puts
// them into its files). A new entry without edges fails TestCellRules_EveryEntryHasEdges.
func ruleEdges(r zhuqi.CellRules) map[string][]edgeRow {
	code := func(body string) string { return body + string(r.CreditCheck(body)) }
	body := "91370700MA3C8H1P2"
	out := map[string][]edgeRow{}
	for _, sp := range r.Space {
		if sp == '\n' || sp == '\r' {
			// A line break inside a cell makes a record span lines: the fast path reads
			// only files whose records are lines (scan.Lines), so these are SQL's alone.
			continue
		}
		s := string(sp)
		out["Space"] = append(out["Space"],
			edgeRow{"enterprise": s + "华星机械"}, edgeRow{"enterprise": "华星机械" + s}, edgeRow{"enterprise": s},
			edgeRow{"credit_code": code(body) + s}, edgeRow{"amount": s + "12.5"}, edgeRow{"created_at": "2026-10-03 10:00" + s},
			edgeRow{"status": s + "已办结"}, edgeRow{"enterprise": "华星" + s + "机械"})
	}
	for _, sep := range r.Thousands {
		s := string(sep)
		out["Thousands"] = append(out["Thousands"], edgeRow{"amount": "1" + s + "234.5"}, edgeRow{"amount": "12" + s + "34" + s + "567"}, edgeRow{"amount": s + "5"})
	}
	intDigits := r.Precision - r.Scale
	for _, n := range []string{strings.Repeat("9", intDigits), strings.Repeat("9", intDigits+1), "-" + strings.Repeat("9", intDigits), "1." + strings.Repeat("5", r.Scale)} {
		out["Precision"] = append(out["Precision"], edgeRow{"amount": n})
	}
	for _, n := range []string{"1." + strings.Repeat("5", r.Scale), "1." + strings.Repeat("5", r.Scale+1), "0." + strings.Repeat("0", r.Scale-1) + "1"} {
		out["Scale"] = append(out["Scale"], edgeRow{"amount": n})
	}
	out["FractionScale"] = []edgeRow{{"amount": "0." + strings.Repeat("1", r.FractionScale)}}
	out["Percent"] = []edgeRow{{"amount": "6.2" + r.Percent}, {"amount": r.Percent}}
	out["YearSuffix"] = []edgeRow{{"amount": "2026" + r.YearSuffix}}
	out["ExcelEpoch"] = []edgeRow{{"created_at": "46000"}, {"resolved_at": "46000.75"}}
	out["ExcelSerial"] = []edgeRow{{"created_at": "46000.5"}, {"created_at": "4600"}, {"created_at": "460000"}}
	for i, c := range r.CreditAlphabet {
		// Each character at some place of the body, and as the check character of a code
		// that does not end with it.
		b := []byte(body)
		b[i%len(b)] = byte(c)
		good := code(string(b))
		bad := good[:len(good)-1] + string(r.CreditAlphabet[(strings.IndexByte(r.CreditAlphabet, good[len(good)-1])+1)%len(r.CreditAlphabet)])
		out["CreditAlphabet"] = append(out["CreditAlphabet"], edgeRow{"credit_code": good}, edgeRow{"credit_code": bad})
	}
	for _, c := range "IOSVZiosvz" {
		b := []byte(code(body))
		b[3] = byte(c)
		out["CreditAlphabet"] = append(out["CreditAlphabet"], edgeRow{"credit_code": string(b)})
	}
	out["CreditWeights"] = []edgeRow{{"credit_code": strings.ToLower(code(body))}, {"credit_code": code(body)[1:]}, {"credit_code": code(body) + "0"}, {"credit_code": code(body[:len(body)-1] + "A")}}
	for _, y := range []string{fmt.Sprintf("%d-01-01 00:00", r.FirstYear), fmt.Sprintf("%d-12-31 23:59:59", r.FirstYear-1)} {
		out["FirstYear"] = append(out["FirstYear"], edgeRow{"created_at": y})
	}
	for _, y := range []string{fmt.Sprintf("%d-12-31 23:59:59", r.LastYear), fmt.Sprintf("%d-01-01 00:00", r.LastYear+1)} {
		out["LastYear"] = append(out["LastYear"], edgeRow{"created_at": y})
	}
	for _, o := range r.NotBefore {
		for _, later := range []string{"2026-10-03 09:59:59", "2026-10-03 10:00", "2026-10-03 10:00:01", ""} {
			out["NotBefore"] = append(out["NotBefore"], edgeRow{o.Of: "2026-10-03 10:00", o.Col: later, "status": "已办结"})
		}
	}
	return out
}

// TestCellRules_EveryEntryHasEdges: every entry of the rule table has generated edge
// cells in TestDirect_SameAsSQL.
func TestCellRules_EveryEntryHasEdges(t *testing.T) {
	edges := ruleEdges(zhuqi.DefaultCells())
	typ := reflect.TypeOf(zhuqi.CellRules{})
	for i := 0; i < typ.NumField(); i++ {
		if name := typ.Field(i).Name; len(edges[name]) == 0 {
			t.Errorf("cell rule %s has no edge cells in ruleEdges", name)
		}
	}
}

// TestCellRules_BothPaths: changing one entry of the rule table changes what both ingest
// paths do: the fast path and the SQL normalisation read the same table.
func TestCellRules_BothPaths(t *testing.T) {
	t.Setenv(fastPathEnv, "") // each configuration below decides
	header := []string{"诉求编号", "企业名称", "统一社会信用代码", "县市区", "诉求类别", "提报时间", "办结时间", "办理状态"}
	def := zhuqi.DefaultCells()
	for _, c := range []struct {
		name   string
		change func(r *zhuqi.CellRules)
		// cell makes row i's varying cells; query reads what was stored of them, and want
		// is its answer under the built-in rules and under the changed ones.
		cell          func(r zhuqi.CellRules, i int) (code, enterprise, resolved string)
		query         string
		before, after string
	}{{
		name:   "credit weights",
		change: func(r *zhuqi.CellRules) { r.CreditWeights = append([]int{2}, r.CreditWeights[1:]...) },
		cell: func(r zhuqi.CellRules, i int) (string, string, string) {
			body := fmt.Sprintf("91370700MA3C%05d", i)
			return body + string(r.CreditCheck(body)), "华星机械", ""
		},
		// A code made by the changed weights fails the built-in check, unless both
		// weights give the same check character.
		query:  "SELECT count(credit_code) FILTER (WHERE credit_code IS NOT NULL) > 30 AND count(*) = 40 FROM ticket_versions",
		before: "false", after: "true",
	}, {
		name:   "space",
		change: func(r *zhuqi.CellRules) { r.Space = strings.ReplaceAll(r.Space, "\u3000", "") },
		cell: func(r zhuqi.CellRules, i int) (string, string, string) {
			return "", "华星机械\u3000", ""
		},
		query:  "SELECT DISTINCT enterprise = '华星机械' FROM ticket_versions",
		before: "true", after: "false",
	}, {
		name:   "not before",
		change: func(r *zhuqi.CellRules) { r.NotBefore = nil },
		cell: func(r zhuqi.CellRules, i int) (string, string, string) {
			return "", "华星机械", "2026-10-02 09:00"
		},
		query:  "SELECT DISTINCT resolved_at IS NULL FROM ticket_versions",
		before: "true", after: "false",
	}} {
		t.Run(c.name, func(t *testing.T) {
			changed := def
			changed.CreditWeights = append([]int(nil), def.CreditWeights...)
			c.change(&changed)
			var rows [][]string
			for i := 0; i < 40; i++ {
				code, ent, res := c.cell(changed, i)
				rows = append(rows, []string{fmt.Sprintf("R%03d", i), ent, code, "奎文区", "用地", "2026-10-03 14:05", res, "已办结"})
			}
			path := writeFile(t, t.TempDir(), "tickets_2026-10-31.csv", csvBytes(t, header, rows))
			for _, rules := range []struct {
				name  string
				cells zhuqi.CellRules
				want  string
			}{{"built-in", def, c.before}, {"changed", changed, c.after}} {
				for _, fast := range []bool{true, false} {
					cfg := zhuqi.Default()
					cfg.Cells = rules.cells
					cfg.Ingest.FastPath = &fast
					s := MustOpenStore(t)
					rep, err := s.Ingest(context.Background(), cfg, path, Options{})
					if err != nil {
						t.Fatal(err)
					}
					if got := strings.Join(queryStrings(t, s, c.query), " "); got != rules.want {
						t.Errorf("%s rules, fast path %v: %s = %s, want %s", rules.name, fast, c.query, got, rules.want)
					}
					// Under the built-in rules the fast path leaves these rows to SQL; under
					// the changed ones it reads them itself.
					if wantDirect := rules.name == "changed" && fast; (rep.Direct == int64(len(rows))) != wantDirect {
						t.Errorf("%s rules, fast path %v: %d of %d rows read by the fast path", rules.name, fast, rep.Direct, len(rows))
					}
				}
			}
		})
	}
}

// withRuleEdges puts the rows of ruleEdges into recs (header recs[0], columns by col),
// every other row from row first on, after row from; it returns the next free row.
func withRuleEdges(t *testing.T, recs [][]string, col map[string]int, from int) int {
	t.Helper()
	edges := ruleEdges(zhuqi.DefaultCells())
	names := make([]string, 0, len(edges))
	for n := range edges {
		names = append(names, n)
	}
	sort.Strings(names)
	r := from
	for _, n := range names {
		for _, e := range edges[n] {
			if r >= len(recs)-4 {
				t.Fatalf("the file has too few rows for every edge row (%d)", len(recs))
			}
			for name, cell := range e {
				i, ok := col[name]
				if !ok {
					t.Fatalf("generated header has no column %s", name)
				}
				recs[r][i] = cell
			}
			r += 2
		}
	}
	return r
}
