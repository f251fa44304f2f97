package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func testPublication(id string, rows int) *Publication {
	p := &Publication{ID: id, Kind: "ranking", Period: "2026-10", Version: 1, RulesVersion: "default@0123abcd",
		AsOf: "2026-10-31 18:00:00", Inputs: []byte(`[{"kind":"tickets"}]`), InputsSHA256: "aa",
		Body: []byte(`{"publication_id":"` + id + `"}`), BodySHA256: "bb", PublishedAt: "2026-11-03 09:00:00"}
	for i := range rows {
		rank := int64(i + 1)
		total := 100 - float64(i)/10
		p.Rows = append(p.Rows, []any{"departments", i + 1, &rank, fmt.Sprintf("部门%03d", i), int64(10 + i),
			nil, nil, nil, nil, nil, nil, nil, nil, &total, nil, nil, "ranked", nil})
	}
	return p
}

// TestSavePublication: a publication is recorded with every row (over several insert
// batches) and its files in one transaction; a bad row records nothing; the files of a
// stored publication can be replaced.
func TestSavePublication(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "zhuqi.duckdb"))
	defer s.Close()
	const n = 2*publicationRowBatch + 50
	if err := s.SavePublication(ctx, testPublication("ranking-2026-10-v1", n), []string{"a.json"}); err != nil {
		t.Fatal(err)
	}
	var rows, last int
	var name, files string
	var total float64
	if err := s.DB.QueryRow(`SELECT count(*), max(position), max_by(name, position), min(total) FROM publication_rows WHERE publication_id = 'ranking-2026-10-v1'`).Scan(&rows, &last, &name, &total); err != nil {
		t.Fatal(err)
	}
	if rows != n || last != n || name != fmt.Sprintf("部门%03d", n-1) || total != 100-float64(n-1)/10 {
		t.Errorf("rows %d, last position %d %s total %v; want %d rows, the last 部门%03d", rows, last, name, total, n, n-1)
	}
	if err := s.DB.QueryRow(`SELECT files::VARCHAR FROM publications WHERE publication_id = 'ranking-2026-10-v1'`).Scan(&files); err != nil {
		t.Fatal(err)
	}
	if files != `["a.json"]` {
		t.Errorf("files %s", files)
	}

	bad := testPublication("ranking-2026-10-v2", publicationRowBatch+1)
	bad.Rows[publicationRowBatch] = bad.Rows[publicationRowBatch][:3]
	if err := s.SavePublication(ctx, bad, nil); err == nil {
		t.Error("a row of 3 values recorded")
	}
	var v2 int
	if err := s.DB.QueryRow(`SELECT (SELECT count(*) FROM publications WHERE publication_id = 'ranking-2026-10-v2') + (SELECT count(*) FROM publication_rows WHERE publication_id = 'ranking-2026-10-v2')`).Scan(&v2); err != nil {
		t.Fatal(err)
	}
	if v2 != 0 {
		t.Errorf("a failed save left %d rows", v2)
	}

	if err := s.SetPublicationFiles(ctx, "ranking-2026-10-v1", []string{"a.json", "b.csv"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.QueryRow(`SELECT files::VARCHAR FROM publications WHERE publication_id = 'ranking-2026-10-v1'`).Scan(&files); err != nil {
		t.Fatal(err)
	}
	if files != `["a.json","b.csv"]` {
		t.Errorf("files %s after SetPublicationFiles", files)
	}
}
