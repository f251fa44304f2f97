package reports_test

import "testing"

// docKinds are the documents of every kind and period the layout check and the golden
// images cover.
var docKinds = []struct{ kind, period string }{
	{"briefing", "2026-10"}, {"briefing", "2026-Q3"}, {"ranking", "2026-10"},
	{"cadres", "2026-W42"}, {"cadres", "2026-10"}, {"overdue", "2026-10-31"},
}

// TestLayout_EveryDocument lays out every page of every document kind in both languages
// and checks the layout's rules: every table cell's text fits its cell without a break
// inside a word, no page holds only the tail of a table of fewer than 5 rows, and nothing
// is drawn beyond the margins.
func TestLayout_EveryDocument(t *testing.T) {
	q := openQ(t)
	for _, lang := range []string{"zh", "en"} {
		for _, d := range docKinds {
			t.Run(d.kind+"-"+d.period+"."+lang, func(t *testing.T) {
				dc := document(t, q, d.kind, d.period, lang)
				problems, tables, cells := dc.problems, dc.tables, dc.cells
				for _, p := range problems {
					t.Error(p)
				}
				if tables == 0 || cells == 0 {
					t.Errorf("nothing checked: %d tables, %d cells", tables, cells)
				}
			})
		}
	}
}
