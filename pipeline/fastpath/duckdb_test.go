package fastpath

// Where the fast path writes bytes as DuckDB does (JSON text, lower case, the decimal
// cast, the timestamp cast), these tests ask the DuckDB this build links: a DuckDB that
// changes one of them fails here before the two ingest paths drift apart.

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/zhuqi/zhuqi"
)

func duckDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestJSONString_AsDuckDB(t *testing.T) {
	db := duckDB(t)
	var cells []string
	for c := 1; c < utf8.RuneSelf; c++ {
		cells = append(cells, string(rune(c)), "a"+string(rune(c))+"b")
	}
	cells = append(cells, "é/ü", "\u2028\u2029", "中文，全角", `含"引号"`, `反斜杠\`, "\x7f<>&'", "{\"json\": 1}", "😀")
	for _, c := range cells {
		var got string
		if err := db.QueryRow(`SELECT json_object('k', ?)::VARCHAR`, c).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := `{"k":` + string(appendJSONString(nil, []byte(c))) + `}`; got != want {
			t.Errorf("json_object of %q: DuckDB %s, Go %s", c, got, want)
		}
	}
}

// TestCaseless_AsDuckDB: every character caseless lets the fast path match as written is
// one DuckDB's lower() leaves as it is.
func TestCaseless_AsDuckDB(t *testing.T) {
	db := duckDB(t)
	var kept []string
	for _, span := range [][2]rune{{0x20, 0x3000}, {0x3000, 0x3100}, {0x4E00, 0x4F00}, {0xFF00, 0xFFF0}, {0x10400, 0x10500}} {
		for r := span[0]; r < span[1]; r++ {
			if s := string(r); utf8.ValidRune(r) && caseless(s) {
				kept = append(kept, s)
			}
		}
	}
	if len(kept) < 1000 {
		t.Fatalf("only %d characters caseless", len(kept))
	}
	for _, s := range kept {
		var got string
		if err := db.QueryRow(`SELECT lower(?)`, s).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != s {
			t.Errorf("lower(%q) = %q in DuckDB, yet caseless", s, got)
		}
	}
}

// TestDecimal_AsDuckDB: a number the fast path reads is the value DuckDB's cast to
// DECIMAL(Precision, Scale) gives, for numbers of every length around the limits.
func TestDecimal_AsDuckDB(t *testing.T) {
	db := duckDB(t)
	rules := zhuqi.DefaultCells()
	c := newCellRules(rules)
	typ := fmt.Sprintf("DECIMAL(%d, %d)", rules.Precision, rules.Scale)
	var read int
	for _, sign := range []string{"", "-", "+"} {
		for i := 0; i <= rules.Precision-rules.Scale+1; i++ {
			for f := -1; f <= rules.Scale+1; f++ {
				s := sign + strings.Repeat("9", i)
				if f >= 0 {
					s += "." + strings.Repeat("5", f)
				}
				n, ok := c.decimal([]byte(s))
				if !ok {
					continue
				}
				read++
				var got sql.NullString
				if err := db.QueryRow(`SELECT try_cast(? AS `+typ+`)::VARCHAR`, s).Scan(&got); err != nil {
					t.Fatal(err)
				}
				want := formatDecimal(n, rules.Scale)
				if !got.Valid || got.String != want {
					t.Errorf("%q: DuckDB reads %v, the fast path %v", s, got, want)
				}
			}
		}
	}
	if read < 50 {
		t.Errorf("only %d numbers read", read)
	}
}

// formatDecimal writes n units of 10^-scale as DuckDB writes a DECIMAL of that scale.
func formatDecimal(n int64, scale int) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	p := int64(1)
	for range scale {
		p *= 10
	}
	return fmt.Sprintf("%s%d.%0*d", sign, n/p, scale, n%p)
}

// TestParseTime_AsDuckDB: a timestamp the fast path reads is the one DuckDB's cast gives.
func TestParseTime_AsDuckDB(t *testing.T) {
	db := duckDB(t)
	var read int
	for _, d := range []string{"2026-10-03", "2026/10/3", "2024-2-29", "2000-01-01", "2039-12-31", "1999-12-31", "2026-1-9", "2023/2/28"} {
		for _, tm := range []string{"", " 0:00", " 8:05", " 14:05", " 23:59:59", " 09:07:05", " 24:00", " 12:60"} {
			s := d + tm
			us, ok := parseTime([]byte(s))
			if !ok {
				continue
			}
			read++
			var got time.Time
			if err := db.QueryRow(`SELECT try_cast(? AS TIMESTAMP)`, s).Scan(&got); err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			if got.UnixMicro() != us {
				t.Errorf("%q: DuckDB %v, the fast path %v", s, got, time.UnixMicro(us).UTC())
			}
		}
	}
	if read < 40 {
		t.Errorf("only %d timestamps read", read)
	}
}
