package pipeline

import (
	"fmt"
	"path/filepath"
	"testing"
)

// benchRows makes n valid ticket rows from the fixture's first row.
func benchRows(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		r := append([]string(nil), messyRows[0]...)
		r[0] = fmt.Sprintf("B%08d", i)
		r[5] = fmt.Sprintf("2026-%02d-%02d 14:05", i%12+1, i%28+1)
		rows[i] = r
	}
	return rows
}

// BenchmarkIngest measures one file of 100,000 tickets through each path.
func BenchmarkIngest(b *testing.B) {
	const n = 100000
	dir := b.TempDir()
	data := csvBytes(b, messyHeader, benchRows(n))
	files := map[string]string{
		"csv-duckdb": writeFile(b, dir, "u.csv", data),
		"csv-gbk":    writeFile(b, dir, "g.csv", gbk(b, data)),
	}
	x := filepath.Join(dir, "x.xlsx")
	writeXLSX(b, x, messyHeader, benchRows(n))
	files["xlsx"] = x
	for _, name := range []string{"csv-duckdb", "csv-gbk", "xlsx"} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := MustOpenStore(b)
				b.StartTimer()
				rep := mustIngest(b, s, files[name], Options{})
				if rep.Loaded != n {
					b.Fatalf("loaded %d of %d", rep.Loaded, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
