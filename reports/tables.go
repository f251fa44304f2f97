package reports

import (
	"sort"
	"strings"

	"github.com/zhuqi/zhuqi/queries"
)

// rankTable lays out ranking rows of kind (departments, regions, cadres) for a document.
func rankTable(L labels, kind string, rows []queries.RankRow, marks []string) *table {
	t := &table{Columns: []column{{L.t("col.rank"), 0.6, true}, {L.t("col.name"), 2.2, false}, {L.t("col.collected"), 0.8, true}}}
	switch kind {
	case queries.Departments:
		t.Columns = append(t.Columns, column{L.t("col.effect"), 1.1, true}, column{L.t("col.service"), 1.1, true}, column{L.t("col.efficiency"), 1.1, true})
	case queries.Regions:
		t.Columns = append(t.Columns, column{L.t("col.response"), 1, true}, column{L.t("col.resolution"), 1, true}, column{L.t("col.satisfaction"), 1, true})
	case queries.Cadres:
		t.Columns = append(t.Columns, column{L.t("col.solved"), 0.8, true}, column{L.t("col.score"), 1, true})
	}
	t.Columns = append(t.Columns, column{L.t("col.total"), 0.9, true}, column{L.t("col.prev"), 0.9, true}, column{L.t("col.change"), 0.9, true})
	for _, r := range rows {
		name := r.Name
		if r.Rank != nil && r.Note != "" {
			name += " *"
		}
		row := []string{intp(r.Rank), name, count(r.Collected)}
		switch kind {
		case queries.Departments:
			row = append(row, score(r.Effect), score(r.Service), score(r.Efficiency))
		case queries.Regions:
			row = append(row, pct(r.ResponseRate), pct(r.ResolutionRate), pct(r.SatisfactionRate))
		case queries.Cadres:
			row = append(row, count(r.Solved), pct(r.SatisfactionScore))
		}
		row = append(row, score(r.Total), intp(r.PrevRank), signed(r.RankChange))
		t.Rows = append(t.Rows, row)
	}
	t.Marks = marks
	return t
}

// rankNotes is the footnote for the ranked rows marked "*" (e.g. a service score taken
// as the mean of the ranked), in the document's language; "" when there is none.
func rankNotes(L labels, rows []queries.RankRow) string {
	var notes []string
	for _, r := range rows {
		if r.Rank == nil || r.Note == "" {
			continue
		}
		note := r.Note
		if zh, en, ok := strings.Cut(r.Note, " / "); ok {
			note = zh
			if L["sep"] != "、" {
				note = en
			}
		}
		notes = append(notes, r.Name+"："+note)
	}
	if len(notes) == 0 {
		return ""
	}
	if L["sep"] != "、" {
		return strings.ReplaceAll("* "+strings.Join(notes, "; "), "：", ": ")
	}
	return "* " + strings.Join(notes, "；")
}

// marks flags the rows named in bottom ("bottom") and risers ("riser").
func marks(rows []queries.RankRow, bottom, risers []queries.RankRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		for _, b := range bottom {
			if b.Name == r.Name {
				out[i] = "bottom"
			}
		}
		for _, b := range risers {
			if b.Name == r.Name && out[i] == "" {
				out[i] = "riser"
			}
		}
	}
	return out
}

// bottomRisers is the sentence naming the bottom three and the risers.
func bottomRisers(L labels, bottom, risers []queries.RankRow) string {
	var b, u []string
	for _, r := range bottom {
		b = append(b, L.t("bottom.item", r.Name, *r.Rank, score(r.Total)))
	}
	for _, r := range risers {
		u = append(u, L.t("riser.item", r.Name, *r.Rank, *r.RankChange))
	}
	colon := "："
	if L["sep"] != "、" {
		colon = ": "
	}
	none := L.t("none")
	return L.t("h.bottom") + colon + orNone(strings.Join(b, L.t("sep")), none) + "\n" + L.t("h.risers") + colon + orNone(strings.Join(u, L.t("sep")), none)
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// flagTable lists flagged tickets.
func flagTable(L labels, flags []queries.Flag) *table {
	t := &table{Columns: []column{{L.t("col.flag"), 0.6, false}, {L.t("col.ticket"), 2.1, false}, {L.t("col.enterprise"), 2.0, false},
		{L.t("col.region"), 1, false}, {L.t("col.department"), 1.3, false}, {L.t("col.category"), 1.1, false},
		{L.t("col.created"), 1.3, false}, {L.t("col.due"), 1.3, false}, {L.t("col.late"), 1, true}}}
	for _, f := range flags {
		dept := ""
		if f.Department != nil {
			dept = *f.Department
		}
		t.Rows = append(t.Rows, []string{L.t("flag." + f.Flag), f.TicketID, f.Enterprise, f.Region, dept, L.category(f.Category),
			stamp(f.CreatedAt), stamp(f.DueAt), score(&f.LateDays)})
		t.Marks = append(t.Marks, f.Flag)
	}
	return t
}

// other is the catch-all category, listed last.
const other = "其他"

// byCount orders category rows by tickets collected, most first, ties by name, with the
// catch-all 其他 last.
func byCount(cats []queries.MetricsRow) {
	sort.SliceStable(cats, func(i, j int) bool {
		a, b := cats[i], cats[j]
		if (a.Dim(0) == other) != (b.Dim(0) == other) {
			return b.Dim(0) == other
		}
		if a.Collected != b.Collected {
			return a.Collected > b.Collected
		}
		return a.Dim(0) < b.Dim(0)
	})
}

// topBottom lays out the first and the last n of the ranked rows of kind, with a row
// between them saying how many are left out; all of them when there are at most 2n.
func topBottom(L labels, kind string, ranked []queries.RankRow, n int, bottom, risers []queries.RankRow) *table {
	if len(ranked) <= 2*n {
		return rankTable(L, kind, ranked, marks(ranked, bottom, risers))
	}
	head, tail := ranked[:n], ranked[len(ranked)-n:]
	t := rankTable(L, kind, head, marks(head, bottom, risers))
	rest := rankTable(L, kind, tail, marks(tail, bottom, risers))
	gap := make([]string, len(t.Columns))
	gap[0] = L.t("omitted", len(ranked)-2*n)
	t.Rows = append(append(t.Rows, gap), rest.Rows...)
	t.Marks = append(append(t.Marks, omitted), rest.Marks...)
	return t
}

// omitted marks a table row that stands for rows left out: its first cell, the marker
// text, spans the row.
const omitted = "omitted"
