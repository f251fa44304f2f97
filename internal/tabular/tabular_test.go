package tabular

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func sample() *Table {
	rate := 34485.0 / 35363.0
	return &Table{
		Columns: []Column{{"name", Text}, {"collected", Int}, {"resolution_rate", Rate}, {"total", Score}},
		Rows: [][]any{
			{"潍坊市行政审批服务局", int64(35363), rate, 97.4567},
			{"=HYPERLINK(\"http://x\")", int64(0), nil, nil},
		},
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "csv", sample()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(recs[1], "|"), "潍坊市行政审批服务局|35363|0.975172|97.46"; got != want {
		t.Errorf("row 1 = %q, want %q", got, want)
	}
	if got, want := strings.Join(recs[2], "|"), "'=HYPERLINK(\"http://x\")|0||"; got != want {
		t.Errorf("row 2 = %q, want %q (formula defused, NULL empty)", got, want)
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "json", sample()); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if got, want := rows[0]["resolution_rate"], 0.975172; got != want {
		t.Errorf("rate = %v, want %v", got, want)
	}
	if rows[1]["resolution_rate"] != nil {
		t.Errorf("NULL rate = %v, want null", rows[1]["resolution_rate"])
	}
	if !strings.HasPrefix(strings.TrimSpace(b.String()[strings.Index(b.String(), "{"):]), `{"name"`) {
		t.Errorf("column order lost: %s", b.String())
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "table", sample()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("lines = %d:\n%s", len(lines), b.String())
	}
	if !strings.Contains(lines[2], "97.5%") || !strings.Contains(lines[2], "97.46") {
		t.Errorf("row = %q, want 97.5%% and 97.46", lines[2])
	}
	w := DisplayWidth(lines[1])
	for _, l := range lines[2:] {
		if got := DisplayWidth(l); got != w {
			t.Errorf("line %q is %d columns wide, header rule %d", l, got, w)
		}
	}
}

func TestCheckFormat(t *testing.T) {
	if err := CheckFormat("xml"); err == nil || !strings.Contains(err.Error(), "table, csv, json") {
		t.Errorf("CheckFormat(xml) = %v", err)
	}
}

// TestHuman_Points: a change of rates shows its sign, and a change that rounds to
// nothing shows none ("-0.0 pp" reads as a fall).
func TestHuman_Points(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{0.012, "+1.2 pp"}, {-0.012, "-1.2 pp"}, {-0.0001, "0.0 pp"}, {0.0001, "0.0 pp"}, {0, "0.0 pp"}} {
		if got := Human(Points, c.v); got != c.want {
			t.Errorf("Human(Points, %v) = %q, want %q", c.v, got, c.want)
		}
	}
}
