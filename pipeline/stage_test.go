package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// streamRows makes n valid rows of snapHeader; row i+2 of the file holds ticket M<i>.
func streamRows(n int) [][]string {
	var rows [][]string
	for i := 0; i < n; i++ {
		rows = append(rows, []string{fmt.Sprintf("M%04d", i), "潍坊华星机械有限公司", "奎文区", "用地", "2026-10-03 14:05", "", "办理中", "", ""})
	}
	return rows
}

// TestStageRows_Streamed covers files read in many Arrow batches: every row loads; a file
// that breaks after DuckDB has taken several batches, or whose ingest is cancelled while
// it is read, loads nothing.
func TestStageRows_Streamed(t *testing.T) {
	dir := t.TempDir()
	cfg := zhuqi.Default()
	cfg.Ingest.BatchRows = 7

	// Through stageRows, and through the direct path (new tickets read in Go).
	for _, staging := range []string{"arrow", stagingDirect} {
		t.Run("OK_ManyBatches/"+staging, func(t *testing.T) {
			if staging == stagingDirect {
				t.Setenv(fastPathEnv, "on") // the direct path's case
			}
			s := MustOpenStore(t)
			rows := streamRows(100)
			rows[40] = make([]string, len(snapHeader)) // a blank row
			p := writeFile(t, dir, "many_2026-10-31.csv", gbk(t, csvBytes(t, snapHeader, rows)))
			rep, err := s.Ingest(context.Background(), cfg, p, Options{sqlOnly: staging != stagingDirect})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Staging != staging || rep.Read != 99 || rep.Loaded != 99 || rep.Blank != 1 {
				t.Errorf("staging %s read %d loaded %d blank %d, want %s 99 99 1", rep.Staging, rep.Read, rep.Loaded, rep.Blank, staging)
			}
			got := queryStrings(t, s, "SELECT min(row_number) || '-' || max(row_number) || '/' || count(*) FROM ticket_versions")
			if len(got) != 1 || got[0] != "2-101/99" {
				t.Errorf("rows %v, want 2-101/99", got)
			}
		})
	}

	t.Run("Err_MidFileAfterSeveralBatches", func(t *testing.T) {
		for _, ext := range []string{"csv", "xlsx"} {
			t.Run(ext, func(t *testing.T) {
				s := MustOpenStore(t)
				rows := streamRows(100)
				long := strings.Repeat("长", 40000)
				p := filepath.Join(dir, "mid_2026-10-31."+ext)
				if ext == "csv" {
					rows[58][7] = long
					writeFile(t, dir, filepath.Base(p), gbk(t, csvBytes(t, snapHeader, rows)))
				} else {
					// writeXLSX puts a title row above the header, so rows[57] is on row 60;
					// excelize would cut the long cell to Excel's limit, so it is put in after.
					rows[57][7] = "LONGCELL"
					writeXLSX(t, p, snapHeader, rows)
					replaceInZip(t, p, "xl/worksheets/sheet1.xml", "LONGCELL", long)
				}
				before := fingerprint(t, s)
				_, err := s.Ingest(context.Background(), cfg, p, Options{})
				if !errors.Is(err, ErrFileUnreadable) || !strings.Contains(err.Error(), "row 60") {
					t.Fatalf("err = %v, want it to name row 60", err)
				}
				if got := fingerprint(t, s); got != before {
					t.Errorf("database changed:\n%s\n%s", before, got)
				}
			})
		}
	})

	t.Run("Err_CancelledWhileReading", func(t *testing.T) {
		s := MustOpenStore(t)
		p := writeFile(t, dir, "cancel_2026-10-31.csv", gbk(t, csvBytes(t, snapHeader, streamRows(2000))))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		before := fingerprint(t, s)
		batches := 0
		_, err := s.Ingest(ctx, cfg, p, Options{Progress: func(p Progress) {
			if p.Step == "read" {
				if batches++; batches == 3 {
					cancel()
				}
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if batches >= 2000/cfg.Ingest.BatchRows {
			t.Errorf("%d batches built after the cancel at the third", batches)
		}
		if got := fingerprint(t, s); got != before {
			t.Errorf("database changed:\n%s\n%s", before, got)
		}
	})
}

// replaceInZip replaces old with new in one member of a zip file.
func replaceInZip(t *testing.T, path, member, old, new string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		rc, _ := f.Open()
		var body bytes.Buffer
		body.ReadFrom(rc)
		rc.Close()
		data := body.Bytes()
		if f.Name == member && bytes.Contains(data, []byte(old)) {
			found = true
			data = bytes.ReplaceAll(data, []byte(old), []byte(new))
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		w.Write(data)
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%s of %s holds no %q", member, path, old)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStrptimeSplit: the 年 forms and the others keep their configured order, and a side
// with no forms parses nothing.
func TestStrptimeSplit(t *testing.T) {
	nian, other := strptimeSplit([]string{"%Y-%m-%d", "%Y年%m月%d日", "%Y/%m/%d", "%Y年%m月"})
	if want := "try_strptime(s, ['%Y年%m月%d日', '%Y年%m月'])"; nian != want {
		t.Errorf("年 forms: %s, want %s", nian, want)
	}
	if want := "try_strptime(s, ['%Y-%m-%d', '%Y/%m/%d'])"; other != want {
		t.Errorf("other forms: %s, want %s", other, want)
	}
	if nian, _ := strptimeSplit([]string{"%Y-%m-%d"}); nian != "NULL::TIMESTAMP" {
		t.Errorf("no 年 forms: %s", nian)
	}
}
