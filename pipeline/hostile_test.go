package pipeline

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
)

// TestIngest_Hostile: files that are broken or built to hurt are refused with a clear
// error, load nothing and crash nothing.
func TestIngest_Hostile(t *testing.T) {
	dir := t.TempDir()
	good := csvBytes(t, messyHeader, messyRows[:2])
	cfg := zhuqi.Default()
	cfg.Ingest.XLSXUnzipLimit = 8 << 20
	cfg.Ingest.MaxLineBytes = 1 << 20

	bomb := filepath.Join(dir, "bomb.xlsx")
	writeXLSX(t, bomb, messyHeader, messyRows[:2])
	inflate(t, bomb, "xl/worksheets/sheet1.xml", 64<<20)

	cases := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"Err_LineWithoutEnd", "endless.csv", append(append([]byte(nil), good...), bytes.Repeat([]byte("a"), 3<<20)...), "longer than"},
		{"Err_CSVNamedXLSX", "tickets.xlsx", good, "named .xlsx but its contents are CSV text"},
		{"Err_XLSXNamedCSV", "tickets.csv", mustRead(t, bomb), "named .csv but its contents are an Excel workbook"},
		{"Err_BinaryNamedCSV", "tickets.csv", append([]byte("诉求编号,企业名称\n"), 0, 1, 2, 0, 0), "NUL bytes"},
		{"Err_OldXLS", "tickets.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "save it as .xlsx"},
		{"Err_ZipNotWorkbook", "tickets.xlsx", zipOf(t, "readme.txt", []byte("hello")), "not a readable Excel workbook"},
		{"Err_Empty", "empty.csv", nil, "is empty"},
		{"Err_ZipBomb", "bomb2.xlsx", mustRead(t, bomb), "zip bomb"},
		{"Err_HugeCell", "huge.csv", csvBytes(t, messyHeader, [][]string{append([]string{"T1", strings.Repeat("企", 33000)}, messyRows[0][2:]...)}), "more than 32767"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := MustOpenStore(t)
			p := writeFile(t, t.TempDir(), tc.file, tc.data)
			before := fingerprint(t, s)
			_, err := s.Ingest(context.Background(), cfg, p, Options{})
			if !errors.Is(err, ErrFileUnreadable) {
				t.Fatalf("err = %v, want ErrFileUnreadable", err)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
				t.Errorf("err = %v, want it to name the file and say %q", err, tc.want)
			}
			if got := fingerprint(t, s); got != before {
				t.Errorf("database changed")
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func zipOf(t *testing.T, name string, data []byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create(name)
	w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// inflate rewrites one member of a zip so that it unpacks to size bytes (padding XML
// whitespace), which compresses to almost nothing: a small zip bomb.
func inflate(t *testing.T, path, member string, size int) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		var body bytes.Buffer
		body.ReadFrom(rc)
		rc.Close()
		data := body.Bytes()
		if f.Name == member {
			i := bytes.Index(data, []byte("<sheetData>"))
			data = append(append(append([]byte(nil), data[:i]...), bytes.Repeat([]byte(" "), size)...), data[i:]...)
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		w.Write(data)
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestIngest_XLSXLyingSizes: a workbook whose sheet declares a small size but inflates to
// 64 MiB is refused as damaged once it passes its declared size (Go's zip reader checks
// it), not unpacked whole, and not taken for a sheet without a header.
func TestIngest_XLSXLyingSizes(t *testing.T) {
	src := filepath.Join(t.TempDir(), "small.xlsx")
	writeXLSX(t, src, messyHeader, messyRows[:2])
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		var body bytes.Buffer
		body.ReadFrom(rc)
		rc.Close()
		data := body.Bytes()
		if f.Name != "xl/worksheets/sheet1.xml" {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
			w.Write(data)
			continue
		}
		i := bytes.Index(data, []byte("<sheetData>"))
		data = append(append(append([]byte(nil), data[:i]...), bytes.Repeat([]byte(" "), 64<<20)...), data[i:]...)
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
		fw.Write(data)
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: 4096})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(packed.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	s := MustOpenStore(t)
	p := writeFile(t, t.TempDir(), "liar.xlsx", out.Bytes())
	before := fingerprint(t, s)
	_, err = s.Ingest(context.Background(), zhuqi.Default(), p, Options{})
	if !errors.Is(err, ErrFileUnreadable) || !strings.Contains(err.Error(), "workbook is damaged") || !strings.Contains(err.Error(), "liar.xlsx") {
		t.Fatalf("err = %v, want ErrFileUnreadable saying the workbook is damaged", err)
	}
	t.Log(err)
	if got := fingerprint(t, s); got != before {
		t.Errorf("database changed")
	}
}
