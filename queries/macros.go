package queries

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/store"
)

// MacroNames are the table macros for analysts (sql/macros.sql).
var MacroNames = []string{"metrics", "metrics_by", "ticket_facts", "department_ranking", "region_ranking", "cadre_ranking"}

// execQueryer is a *sql.DB or *sql.Conn.
type execQueryer interface {
	rowQueryer
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// MacroSQL renders sql/macros.sql: the statements that create the ad-hoc table macros
// (metrics, metrics_by, department_ranking, region_ranking, cadre_ranking and their zq_
// helpers) with the rules and calendar of cfg, as TEMP macros when temp is set. db is read
// for the span of the ticket dates, as the query session's calendar is.
func MacroSQL(ctx context.Context, db rowQueryer, cfg *zhuqi.Config, temp bool) ([]string, error) {
	cal, err := cfg.Calendar.Build()
	if err != nil {
		return nil, err
	}
	r := cfg.Rules
	calData, _, err := calendarData(ctx, db, cfg, cal, 0)
	if err != nil {
		return nil, err
	}
	aggs, err := metricAggregates(r)
	if err != nil {
		return nil, err
	}
	type facts struct {
		Name string
		Data map[string]any
	}
	var fs []facts
	for _, f := range []struct {
		name          string
		wide, listing bool
	}{{"zq_facts", true, false}, {"zq_facts_lean", false, false}, {"zq_facts_listing", true, true}} {
		d := ruleParams(r)
		d["Table"], d["Where"], d["Wide"], d["Listing"], d["Stored"], d["Evidence"] = "", "", f.wide, f.listing, false, false
		d["Source"], d["Reopened"] = "zq_src", "zq_reopened"
		d["NoExclusions"] = false // stored macros outlive the exclusions of today
		d["Start"], d["End"] = "zq_start", "zq_end"
		d["AsOf"] = "(SELECT t FROM zq_asof)"
		d["WAsOf"] = "(SELECT zq_wj(a.t, c.wbase, c.workday) FROM zq_cal c, zq_asof a WHERE c.d = a.t::DATE)"
		fs = append(fs, facts{f.name, d})
	}

	type inner struct{ Name, SQL string }
	var inners []inner
	for _, in := range []struct {
		name, kind string
		weekly     bool
	}{
		{"zq_rank_departments", Departments, false},
		{"zq_rank_regions", Regions, false},
		{"zq_rank_cadres_week", Cadres, true},
		{"zq_rank_cadres_month", Cadres, false},
	} {
		file, _, data, err := rankData(r, in.kind, in.weekly)
		if err != nil {
			return nil, err
		}
		cube, err := render("rank_cube.sql", cubeData("", "zq_facts_lean(zq_start, zq_end, zq_at := zq_at)", false))
		if err != nil {
			return nil, err
		}
		data["Table"] = "(" + strings.TrimSpace(stripComments(cube)) + ")"
		names, err := render("rank_names.sql", map[string]any{"Table": "", "Source": "tickets"})
		if err != nil {
			return nil, err
		}
		data["Names"] = namesSQL(in.kind, "("+strings.TrimSpace(stripComments(names))+")")
		data["Start"], data["End"] = "zq_start::DATE", "zq_end::DATE"
		text, err := render(file, data)
		if err != nil {
			return nil, err
		}
		inners = append(inners, inner{in.name, strings.TrimSpace(stripComments(text))})
	}

	type ranking struct {
		Name, Kind, Inner, Extra, Components, RulesVersion, Imputed, NotRanked string
	}
	notRanked := func(kind string, min int) string {
		return fmt.Sprintf("CASE WHEN c.collected = 0 THEN %s ELSE %s END",
			sqlString(notRankedNote(kind, Period{Kind: "month"}, RankRow{}, min)),
			sqlString(notRankedNote(kind, Period{Kind: "month"}, RankRow{Collected: 1}, min)))
	}
	version := sqlString(r.Version())
	rankings := []ranking{
		{
			Name: "department_ranking", Kind: Departments, Inner: "zq_rank_departments",
			Components: "c.effect, c.service, c.efficiency", RulesVersion: version,
			Imputed: fmt.Sprintf("CASE WHEN c.service_imputed AND c.reply_imputed THEN %s WHEN c.service_imputed THEN %s WHEN c.reply_imputed THEN %s ELSE '' END",
				sqlString(imputedNoteOf(true, true)), sqlString(imputedNoteOf(true, false)), sqlString(imputedNoteOf(false, true))),
			NotRanked: notRanked(Departments, r.Department.MinTickets),
		},
		{
			Name: "region_ranking", Kind: Regions, Inner: "zq_rank_regions",
			Components: "c.response_rate, c.resolution_rate, c.satisfaction_rate", RulesVersion: version,
			Imputed:   fmt.Sprintf("CASE WHEN c.service_imputed THEN %s ELSE '' END", sqlString(imputedNoteOf(true, false))),
			NotRanked: notRanked(Regions, r.Region.MinTickets),
		},
		{
			Name: "cadre_ranking", Kind: Cadres, Inner: "zq_rank_cadres", Extra: ", zq_kind(period) = 'week'",
			Components: "c.solved, c.satisfaction_score", RulesVersion: version,
			Imputed: "''",
			NotRanked: fmt.Sprintf("CASE WHEN zq_kind(period) = 'week' THEN %s ELSE %s END",
				sqlString(notRankedNote(Cadres, Period{Kind: "week"}, RankRow{}, r.Cadre.StarMinSolved)),
				sqlString(notRankedNote(Cadres, Period{Kind: "month"}, RankRow{}, r.Cadre.MinSolved))),
		},
	}
	var cols []string
	for _, c := range MetricsTable(nil, nil).Columns {
		switch {
		case strings.HasSuffix(c.Name, "_median"):
			cols = append(cols, fmt.Sprintf("round(%s_q[1], 2) AS %s", strings.TrimSuffix(c.Name, "_median"), c.Name))
		case strings.HasSuffix(c.Name, "_p90"):
			cols = append(cols, fmt.Sprintf("round(%s_q[2], 2) AS %s", strings.TrimSuffix(c.Name, "_p90"), c.Name))
		default:
			cols = append(cols, c.Name)
		}
	}
	tempKw := ""
	if temp {
		tempKw = "TEMP "
	}
	judged := func(file string, data map[string]any) (string, error) {
		text, err := render(file, data)
		return strings.TrimSpace(stripComments(text)), err
	}
	snapSrc, err := judged("asof_tickets.sql", map[string]any{"Snapshot": "(SELECT t FROM zq_j)", "Start": ""})
	if err != nil {
		return nil, err
	}
	rewSrc, err := judged("rewound_tickets.sql", map[string]any{"At": "(SELECT t FROM zq_j)"})
	if err != nil {
		return nil, err
	}
	text, err := render("macros.sql", map[string]any{
		"SnapshotSource": snapSrc, "RewoundSource": rewSrc,
		"Temp": tempKw, "Cal": calData, "Facts": fs, "Aggregates": aggs, "MetricColumns": strings.Join(cols, ", "),
		"Dimensions": strings.Join(Dimensions, ", "),
		"Inner":      inners, "Rankings": rankings,
	})
	if err != nil {
		return nil, err
	}
	return store.SplitSQL(text), nil
}

// InstallMacros creates the ad-hoc table macros of MacroSQL on db as TEMP macros: for
// one connection, on a read-only database too. The macros stored in the database file
// are written by pipeline.WriteMacros (queries writes nothing there).
func InstallMacros(ctx context.Context, db execQueryer, cfg *zhuqi.Config) error {
	stmts, err := MacroSQL(ctx, db, cfg, true)
	if err != nil {
		return fmt.Errorf("macros: %w", err)
	}
	for _, stmt := range stmts {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("macros: %w\n%s", err, stmt)
		}
	}
	return nil
}
