package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

// Explanation is one entity's place in a ranking traced to its tickets (DOMAIN §4,
// `zhuqi explain`): the derivation from counts to rates to points to total to rank, then
// the tickets that cost it points, the tickets excluded after review and the deductions.
type Explanation struct {
	Ranking      string        `json:"ranking"`
	Name         string        `json:"name"`
	Period       string        `json:"period"`
	AsOf         string        `json:"as_of"`
	RulesVersion string        `json:"rules_version"`
	Rank         *int64        `json:"rank"`
	Ranked       int           `json:"ranked"` // entities ranked
	PrevRank     *int64        `json:"prev_rank"`
	Total        *float64      `json:"total"`
	Status       string        `json:"status"`
	Note         string        `json:"note,omitempty"`
	Steps        []Step        `json:"steps"`
	Costly       []CostlyEntry `json:"costly_tickets"`
	Excluded     []Excluded    `json:"excluded"`
	Deductions   []Deducted    `json:"deductions"`
}

// Step is one line of a derivation: what, how, and the figure.
type Step struct {
	Item    string `json:"item"`
	Formula string `json:"formula"`
	Value   string `json:"value"`
}

// CostlyEntry is a ticket that cost its entity points: how many, and why.
type CostlyEntry struct {
	TicketID     string   `json:"ticket_id"`
	Points       float64  `json:"points_lost"`
	Why          []string `json:"why"`
	Status       string   `json:"status"`
	Satisfaction string   `json:"satisfaction"`
	ReplyDue     string   `json:"reply_due"`
	Answered     string   `json:"answered"`
}

// Excluded is a ticket taken out after review, with its paper trail.
type Excluded struct {
	TicketID string `json:"ticket_id"`
	Scope    string `json:"scope"`
	DocNo    string `json:"doc_no"`
	Reason   string `json:"reason"`
}

// Deducted is a deduction from the efficiency part.
type Deducted struct {
	Points float64 `json:"points"`
	Reason string  `json:"reason"`
}

// ErrUnknownEntity is returned by Explain when the ranking does not list the name.
var ErrUnknownEntity = fmt.Errorf("not in the ranking")

// Explain traces entity name of ranking kind (departments, regions, cadres) of period p,
// judged at the session's snapshot time.
func Explain(ctx context.Context, q *queries.Q, kind, name string, p queries.Period) (*Explanation, error) {
	rk, err := q.Rank(ctx, kind, p)
	if err != nil {
		return nil, err
	}
	ev, err := q.Evidence(ctx, rk)
	if err != nil {
		return nil, err
	}
	L, _ := lang("zh")
	return explain(L, q.Rules(), rk.Kind, p.Label, rk.AsOf.Format("2006-01-02 15:04"), rk.RulesVersion, rk.Rows, ev, name)
}

// explain builds the explanation of name from the rows of a ranking and its evidence, in
// the words of L.
func explain(L labels, r zhuqi.Rules, kind, period, asOf, rules string, rows []queries.RankRow, ev *queries.Evidence, name string) (*Explanation, error) {
	var row *queries.RankRow
	ranked := 0
	for i := range rows {
		if rows[i].Rank != nil {
			ranked++
		}
		if rows[i].Name == name {
			row = &rows[i]
		}
	}
	if row == nil {
		var names []string
		for _, x := range rows {
			names = append(names, x.Name)
		}
		return nil, fmt.Errorf("%q %w %s %s: use one of %s", name, ErrUnknownEntity, kind, period, strings.Join(names, "、"))
	}
	x := &Explanation{Ranking: kind, Name: name, Period: period, AsOf: asOf, RulesVersion: rules, Rank: row.Rank, Ranked: ranked,
		PrevRank: row.PrevRank, Total: row.Total, Status: row.Status, Note: row.Note,
		Costly: []CostlyEntry{}, Excluded: []Excluded{}, Deductions: []Deducted{}}
	var c struct {
		counted, finished, solved, rated, good, respN, assigned, replyN, replied, excluded int64
		weight, deducted                                                                   float64
	}
	var tickets []queries.EvidenceRow
	for _, e := range ev.Rows {
		if e.Entity != name {
			continue
		}
		switch e.Type {
		case queries.EvidenceDeduction:
			x.Deductions = append(x.Deductions, Deducted{Points: -*e.Parts[2], Reason: e.Note})
			c.deducted -= *e.Parts[2]
			continue
		case queries.EvidenceImputed:
			continue
		}
		tickets = append(tickets, e)
		c.counted += e.Counted
		c.finished += e.Finished
		c.solved += e.Solved
		c.rated += e.Rated
		c.good += e.Satisfied + e.Basic
		c.respN += e.ResponseCounted
		c.assigned += e.AssignedInTime
		c.replyN += e.ReplyCounted
		c.replied += e.Replied
		if e.Weight != nil {
			c.weight += *e.Weight
		}
		if e.Excluded != "" {
			c.excluded++
			for _, s := range strings.Split(e.Excluded, ",") {
				x.Excluded = append(x.Excluded, Excluded{TicketID: e.TicketID, Scope: L.t("scope." + s), DocNo: e.DocNo, Reason: e.ExclusionReason})
			}
		}
	}
	ratio := func(n, d int64) *float64 {
		if d == 0 {
			return nil
		}
		f := float64(n) / float64(d)
		return &f
	}
	wscore := func() *float64 {
		if c.rated == 0 {
			return nil
		}
		f := c.weight / float64(c.rated)
		return &f
	}()
	step := func(item, formula, value string) { x.Steps = append(x.Steps, Step{item, formula, value}) }
	collected := L.t("x.collected.plain", len(tickets))
	if c.excluded > 0 {
		collected = L.t("x.collected.formula", len(tickets), c.excluded, int64(len(tickets))-c.counted)
	}
	step(L.t("x.collected"), collected, count(c.counted))
	g := func(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }
	switch kind {
	case queries.Departments:
		d := r.Department
		step(L.t("x.completion"), L.t("x.ratio", L.t("x.finished"), c.finished, L.t("x.collected"), c.counted), pct(ratio(c.finished, c.counted)))
		step(L.t("x.ontime"), L.t("x.ratio", L.t("x.replied"), c.replied, L.t("x.replydue"), c.replyN), pct(ratio(c.replied, c.replyN)))
		step(L.t("x.score"), L.t("x.wratio", c.weight, c.rated), pct(wscore))
		effect := fmt.Sprintf("%s × %s + %s × %s", g(d.EffectReply), L.t("x.ontime"), g(d.EffectCompletion), L.t("x.completion"))
		if c.replyN == 0 && row.Rank != nil {
			effect = L.t("x.imputed.reply", g(d.EffectCompletion), L.t("x.completion"))
		}
		step(L.t("col.effect"), effect, score(row.Effect))
		service := fmt.Sprintf("%s × %s", g(d.Service), L.t("x.score"))
		if c.rated == 0 && row.Rank != nil {
			service = L.t("x.imputed.service")
		}
		step(L.t("col.service"), service, score(row.Service))
		step(L.t("col.efficiency"), L.t("x.efficiency", g(d.Efficiency), g(c.deducted)), score(row.Efficiency))
		step(L.t("col.total"), L.t("x.total.dept"), score(row.Total))
	case queries.Regions:
		rr := r.Region
		step(L.t("kpi.response"), L.t("x.ratio", L.t("x.assigned"), c.assigned, L.t("x.respN"), c.respN), pct(row.ResponseRate))
		step(L.t("kpi.resolution"), L.t("x.ratio", L.t("x.solved"), c.solved, L.t("x.collected"), c.counted), pct(row.ResolutionRate))
		sat := L.t("x.ratio", L.t("x.good"), c.good, L.t("x.rated"), c.rated)
		if c.rated == 0 && row.Rank != nil {
			sat = L.t("x.imputed.rate")
		}
		step(L.t("kpi.satisfaction"), sat, pct(row.SatisfactionRate))
		step(L.t("col.total"), fmt.Sprintf("%s × (%s × %s + %s × %s + %s × %s)", g(rr.Scale), g(rr.Response), L.t("kpi.response"),
			g(rr.Resolution), L.t("kpi.resolution"), g(rr.Satisfaction), L.t("kpi.satisfaction")), score(row.Total))
	case queries.Cadres:
		cr := r.Cadre
		var most int64
		for _, o := range rows {
			if o.Rank != nil && o.Solved > most {
				most = o.Solved
			}
		}
		step(L.t("x.solved"), L.t("x.most", most), count(c.solved))
		step(L.t("x.score"), L.t("x.wratio", c.weight, c.rated), pct(wscore))
		step(L.t("col.total"), fmt.Sprintf("%s × %s ÷ %d + %s × %s", g(cr.SolvedWeight), L.t("x.solved"), most, g(cr.SatisfactionWeight), L.t("x.score")), score(row.Total))
	}
	rankText := L.t("x.notranked")
	if row.Rank != nil {
		rankText = L.t("x.rank", *row.Rank, ranked)
	}
	prev := L.t("x.noprev")
	if row.PrevRank != nil {
		prev = L.t("x.prev", *row.PrevRank)
	}
	step(L.t("col.rank"), prev, rankText)

	// What each ticket cost: the points it would have added had it been on time, finished,
	// solved and rated satisfied, given its entity's counts.
	per := func(part float64, n int64) float64 {
		if n == 0 {
			return 0
		}
		return part / float64(n)
	}
	for _, e := range tickets {
		var lost float64
		var why []string
		late := e.ReplyCounted - e.Replied
		unfinished := e.Counted - e.Finished
		unsolved := e.Counted - e.Solved
		slow := e.ResponseCounted - e.AssignedInTime
		short := float64(e.Rated)
		if e.Weight != nil {
			short -= *e.Weight
		}
		switch kind {
		case queries.Departments:
			d := r.Department
			lost = per(d.EffectReply, c.replyN)*float64(late) + per(d.EffectCompletion, c.counted)*float64(unfinished) + per(d.Service, c.rated)*short
		case queries.Regions:
			rr := r.Region
			bad := e.Rated - e.Satisfied - e.Basic
			lost = per(rr.Scale*rr.Response, c.respN)*float64(slow) + per(rr.Scale*rr.Resolution, c.counted)*float64(unsolved) + per(rr.Scale*rr.Satisfaction, c.rated)*float64(bad)
		case queries.Cadres:
			lost = per(r.Cadre.SatisfactionWeight, c.rated) * short
		}
		if late > 0 {
			why = append(why, L.t("x.why.late"))
		}
		if kind == queries.Regions && slow > 0 {
			why = append(why, L.t("x.why.slow"))
		}
		if kind == queries.Departments && unfinished > 0 {
			why = append(why, L.t("x.why.unfinished"))
		}
		if kind == queries.Regions && unsolved > 0 {
			why = append(why, L.t("x.why.unsolved"))
		}
		if e.Dissatisfied > 0 {
			why = append(why, L.t("x.why.dissatisfied"))
		} else if short > 0 {
			why = append(why, L.t("x.why.basic"))
		}
		if lost <= 0 {
			continue
		}
		entry := CostlyEntry{TicketID: e.TicketID, Points: round2(lost), Why: why, Status: L.or("status."+e.Status, e.Status),
			Satisfaction: L.or("sat."+e.Satisfaction, e.Satisfaction), ReplyDue: stampp(e.ReplyDue), Answered: stampp(e.AnswerTime)}
		x.Costly = append(x.Costly, entry)
	}
	sort.SliceStable(x.Costly, func(i, j int) bool {
		if x.Costly[i].Points != x.Costly[j].Points {
			return x.Costly[i].Points > x.Costly[j].Points
		}
		return x.Costly[i].TicketID < x.Costly[j].TicketID
	})
	return x, nil
}

func stampp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// WriteExplanation writes x in format: table (Chinese, for a terminal: the derivation,
// then the tickets that cost points, at most maxCostly of them, the exclusions and the
// deductions), csv (the steps) or json (everything).
func WriteExplanation(w io.Writer, format string, x *Explanation, maxCostly int) error {
	switch format {
	case "json":
		b, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "csv":
		return tabular.WriteCSV(w, stepsTable(x, "item", "formula", "value"))
	case "table":
	default:
		return tabular.CheckFormat(format)
	}
	L, _ := lang("zh")
	fmt.Fprintf(w, "%s「%s」%s  数据截至 %s  规则 %s\n\n", L.t("x.title."+x.Ranking), x.Name, x.Period, x.AsOf, x.RulesVersion)
	if err := tabular.WriteText(w, stepsTable(x, "项目", "计算", "结果")); err != nil {
		return err
	}
	if x.Note != "" {
		fmt.Fprintf(w, "说明：%s\n", x.Note)
	}
	fmt.Fprintf(w, "\n失分诉求（%d 件，按失分从多到少）\n", len(x.Costly))
	if len(x.Costly) == 0 {
		fmt.Fprintln(w, "  无")
	} else {
		t := &tabular.Table{Columns: []tabular.Column{tabular.Col("诉求编号", tabular.Text), tabular.Col("失分", tabular.Score),
			tabular.Col("原因", tabular.Text), tabular.Col("状态", tabular.Text), tabular.Col("评价", tabular.Text),
			tabular.Col("答复期限", tabular.Text), tabular.Col("答复时间", tabular.Text)}}
		for i, c := range x.Costly {
			if maxCostly > 0 && i == maxCostly {
				break
			}
			t.Rows = append(t.Rows, []any{c.TicketID, c.Points, strings.Join(c.Why, "、"), c.Status, c.Satisfaction, c.ReplyDue, orDash(c.Answered)})
		}
		if err := tabular.WriteText(w, t); err != nil {
			return err
		}
		if maxCostly > 0 && len(x.Costly) > maxCostly {
			fmt.Fprintf(w, "  ……另有 %d 件，见 --format csv 或 json\n", len(x.Costly)-maxCostly)
		}
	}
	fmt.Fprintf(w, "\n审核剔除（%d 项）\n", len(x.Excluded))
	if len(x.Excluded) == 0 {
		fmt.Fprintln(w, "  无")
	} else {
		t := &tabular.Table{Columns: []tabular.Column{tabular.Col("诉求编号", tabular.Text), tabular.Col("剔除范围", tabular.Text),
			tabular.Col("文号", tabular.Text), tabular.Col("剔除原因", tabular.Text)}}
		for _, e := range x.Excluded {
			t.Rows = append(t.Rows, []any{e.TicketID, e.Scope, e.DocNo, e.Reason})
		}
		if err := tabular.WriteText(w, t); err != nil {
			return err
		}
	}
	if x.Ranking == queries.Departments {
		fmt.Fprintf(w, "\n扣分（%d 项）\n", len(x.Deductions))
		if len(x.Deductions) == 0 {
			fmt.Fprintln(w, "  无")
		}
		for _, d := range x.Deductions {
			fmt.Fprintf(w, "  −%s 分  %s\n", score(&d.Points), d.Reason)
		}
	}
	return nil
}

// stepsTable lays the derivation out under the column names given.
func stepsTable(x *Explanation, item, formula, value string) *tabular.Table {
	t := &tabular.Table{Columns: []tabular.Column{tabular.Col(item, tabular.Text), tabular.Col(formula, tabular.Text), tabular.Col(value, tabular.Text)}}
	for _, s := range x.Steps {
		t.Rows = append(t.Rows, []any{s.Item, s.Formula, s.Value})
	}
	return t
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
