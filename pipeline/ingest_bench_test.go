package pipeline

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline/fastpath"
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
		"csv-utf8": writeFile(b, dir, "u.csv", data),
		"csv-gbk":  writeFile(b, dir, "g.csv", gbk(b, data)),
	}
	x := filepath.Join(dir, "x.xlsx")
	writeXLSX(b, x, messyHeader, benchRows(n))
	files["xlsx"] = x
	for _, name := range []string{"csv-utf8", "csv-gbk", "xlsx"} {
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

// BenchmarkDirectParse measures the Go side of the direct path alone: parsing ticket lines
// into column slices and making them into Arrow record batches (DuckDB's write excluded).
func BenchmarkDirectParse(b *testing.B) {
	const n = 100000
	lines := bytes.Split(bytes.TrimSpace(csvBytes(b, messyHeader, benchRows(n))), []byte("\n"))
	cfg := zhuqi.Default()
	m, _, err := findHeader(cfg, zhuqi.KindTickets, "b.csv", [][]string{messyHeader})
	if err != nil {
		b.Fatal(err)
	}
	r := fastpath.New(cfg, layout(m, ',', 122880, false))
	read := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, line := range lines[1:] {
			// Some rows are resolved before they were created: those are left to SQL.
			if r.Parse(bytes.TrimSuffix(line, []byte("\r")), int64(k+2), 0) {
				read++
			}
			if r.Full() {
				r.Record().Release()
			}
		}
		r.Record().Release()
	}
	if read < n*b.N/2 {
		b.Fatalf("%d of %d rows read in Go", read, n*b.N)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(n*b.N), "ns/row")
}
