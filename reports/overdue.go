package reports

import (
	"context"
	"strconv"

	"github.com/zhuqi/zhuqi/queries"
)

// overdue builds the daily overdue list (督办清单): the red and black flags at the
// snapshot time among tickets created before the end of p, longest overdue first.
func overdue(ctx context.Context, q *queries.Q, p queries.Period, L labels) (*document, []queries.Flag, error) {
	all, err := q.Flags(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	var flags []queries.Flag
	var red, black int
	for _, f := range all {
		if !f.CreatedAt.Before(p.End) {
			continue
		}
		flags = append(flags, f)
		if f.Flag == "red" {
			red++
		} else {
			black++
		}
	}
	doc := &document{Title: L.t("overdue"), Subtitle: L.periodName(p), Meta: L.meta(p, q.AsOf, q.RulesVersion())}
	doc.heading(L.t("h.overdue"))
	doc.paragraph(L.t("overdue.intro", stamp(q.AsOf), red, strconv.FormatFloat(q.Rules().RedMaxLateDays, 'f', -1, 64), black))
	if len(flags) == 0 {
		doc.paragraph(L.t("flags.none"))
	} else {
		doc.addTable(flagTable(L, flags))
	}
	return doc, flags, nil
}
