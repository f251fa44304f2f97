package sample

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

var metrics = []struct {
	key, unit string
	base      float64 // a region's yearly value
}{{"revenue", "万元", 1_200_000}, {"output", "万元", 900_000}, {"investment", "万元", 300_000}, {"new_projects", "个", 60}, {"tax", "万元", 80_000}}

var reasons = []string{"未按时答复企业诉求", "企业投诉查实", "办结质量抽查不合格", "材料退回超过两次"}

// facts writes targets, actuals, benchmarks and deductions that fit the tickets: a
// year of history before the current one, targets that most entities meet.
func (g *gen) facts() ([]FileSummary, error) {
	r := rand.New(rand.NewPCG(uint64(g.opt.Seed), 42))
	y, m := g.opt.Until.Year(), int(g.opt.Until.Month())
	type entity struct {
		typ, name string
		scale     float64
		metrics   []int
	}
	var ents []entity
	for _, reg := range regions {
		ents = append(ents, entity{"region", reg, 0.5 + r.Float64(), []int{0, 1, 2, 3, 4}})
	}
	for i := 0; i < 22 && i < len(g.w.enterprises); i++ {
		ents = append(ents, entity{"enterprise", g.w.enterprises[i].name, 0.002 + 0.01*r.Float64(), []int{0, 4}})
	}
	var targets, actuals [][]string
	for _, e := range ents {
		for _, mi := range e.metrics {
			mt := metrics[mi]
			prev := mt.base * e.scale
			growth := 0.02 + 0.12*r.Float64()
			for _, yr := range []int{y - 1, y} {
				yearly := prev
				if yr == y {
					yearly = prev * (1 + growth)
				}
				target := yearly * (0.97 + 0.08*r.Float64())
				targets = append(targets, []string{e.typ, e.name, mt.key, strconv.Itoa(yr), num(target, mt.unit), mt.unit})
				last := 12
				if yr == y {
					last = m
				}
				for mo := 1; mo <= last; mo++ {
					v := yearly / 12 * (0.85 + 0.3*r.Float64())
					actuals = append(actuals, []string{e.typ, e.name, mt.key, fmt.Sprintf("%d-%02d", yr, mo), num(v, mt.unit)})
				}
			}
		}
	}
	var benchmarks [][]string
	for _, mt := range metrics {
		for _, scope := range []string{"enterprise", "region"} {
			for mo := 1; mo <= m; mo++ {
				benchmarks = append(benchmarks, []string{mt.key, scope, fmt.Sprintf("%d-%02d", y, mo), strconv.FormatFloat(0.04+0.04*r.Float64(), 'f', 4, 64)})
			}
		}
	}
	var deductions [][]string
	for d := g.start; !d.After(g.opt.Until); d = d.AddDate(0, 1, 0) {
		for k := 0; k < 6; k++ {
			points := float64(1+r.IntN(10)) / 2
			deductions = append(deductions, []string{departments[r.IntN(len(departments))], d.Format("2006-01"), strconv.FormatFloat(points, 'f', 1, 64), reasons[r.IntN(len(reasons))] + fmt.Sprintf("（第%d起）", k+1)})
		}
	}
	rejects := map[string]int64{}
	if g.opt.Messy {
		targets = append(targets, []string{"region", "", "revenue", strconv.Itoa(y), "1000", "万元"}, []string{"region", regions[0], "tax", strconv.Itoa(y - 2), "abc", "万元"})
		rejects["missing_required"], rejects["bad_number"] = 1, 1
	}
	// The snapshot date is in the file names, so that an ingest never takes the files'
	// modification time as their as-of time: the same sample gives the same database.
	stamp := g.opt.Until.Format("2006-01-02")
	files := []struct {
		name, kind string
		header     []string
		rows       [][]string
		rejects    map[string]int64
	}{
		{"targets_" + stamp + ".csv", "targets", []string{"entity_type", "entity", "metric", "year", "target", "unit"}, targets, rejects},
		{"actuals_" + stamp + ".csv", "actuals", []string{"entity_type", "entity", "metric", "month", "value"}, actuals, map[string]int64{}},
		{"benchmarks_" + stamp + ".csv", "benchmarks", []string{"metric", "scope", "month", "yoy"}, benchmarks, map[string]int64{}},
		{"deductions_" + stamp + ".csv", "deductions", []string{"department", "month", "points", "reason"}, deductions, map[string]int64{}},
	}
	var out []FileSummary
	for _, f := range files {
		p := filepath.Join(g.opt.Out, f.name)
		if err := writeCSV(p, f.header, f.rows); err != nil {
			return out, err
		}
		out = append(out, FileSummary{Path: p, Kind: f.kind, Format: "csv", AsOf: g.opt.Until, Rows: int64(len(f.rows)), Rejects: f.rejects, Warnings: map[string]int64{}})
	}
	return out, nil
}

func num(v float64, unit string) string {
	if unit == "个" {
		return strconv.Itoa(int(v + 0.5))
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func writeCSV(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	w := csv.NewWriter(bw)
	w.Write(header)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
