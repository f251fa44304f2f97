//go:build unix

package pipeline

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
)

// TestMain doubles as a child process that ingests one file, for the tests that measure
// or kill an ingest: ZHUQI_TEST_INGEST=database<TAB>file. The child prints "reading" when
// it starts loading rows, then the ingest's error (or "ok").
func TestMain(m *testing.M) {
	if arg := os.Getenv("ZHUQI_TEST_INGEST"); arg != "" {
		db, file, _ := strings.Cut(arg, "\t")
		var limit uint64
		if _, err := fmt.Sscan(os.Getenv("ZHUQI_TEST_FSIZE"), &limit); err == nil {
			// No file may grow beyond limit, as on a disk that fills up.
			signal.Ignore(syscall.SIGXFSZ)
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
				fmt.Println("setrlimit:", err)
				os.Exit(3)
			}
		}
		s, err := openStore(context.Background(), db)
		if err != nil {
			fmt.Println("open:", err)
			os.Exit(3)
		}
		said := false
		opt := Options{Progress: func(p Progress) {
			if p.Step == "read" && !said {
				said = true
				fmt.Println("reading")
			}
		}}
		cfg := zhuqi.Default()
		cfg.Ingest.BatchRows = 1000 // progress after the first thousand rows
		if _, err := s.Ingest(context.Background(), cfg, file, opt); err != nil {
			fmt.Println("error:", err)
		} else {
			fmt.Println("ok")
		}
		s.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childIngest starts a child process that ingests file into db, with its own TMPDIR and
// the environment variables env.
func childIngest(t testing.TB, db, file, tmp string, env ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "ZHUQI_TEST_INGEST="+db+"\t"+file, "TMPDIR="+tmp), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewReader(out)
}

// writeBomb writes a workbook whose sheet unpacks to size bytes of blanks, streaming.
func writeBomb(t testing.TB, path string, size int64) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "small.xlsx")
	writeXLSX(t, src, messyHeader, messyRows[:2])
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	blanks := bytes.Repeat([]byte(" "), 1<<20)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if f.Name == "xl/worksheets/sheet1.xml" {
			i := bytes.Index(data, []byte("<sheetData>"))
			w.Write(data[:i])
			for n := int64(0); n < size; n += int64(len(blanks)) {
				w.Write(blanks)
			}
			data = data[i:]
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestIngest_XLSXBombInBoundedMemory: a 1 MB workbook whose sheet unpacks to 1 GiB is
// refused, and the process that refused it peaked far below 1.5 GB (its rusage).
func TestIngest_XLSXBombInBoundedMemory(t *testing.T) {
	dir := t.TempDir()
	bomb := filepath.Join(dir, "bomb.xlsx")
	writeBomb(t, bomb, 1<<30)
	st, _ := os.Stat(bomb)
	started := time.Now()
	cmd, out := childIngest(t, filepath.Join(dir, "z.duckdb"), bomb, t.TempDir())
	b, _ := io.ReadAll(out)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v %s", err, b)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	peak := ru.Maxrss << 10 // KiB on Linux
	t.Logf("workbook of %d KiB refused in %v (wall, with the child's start), peak memory %d MiB: %s", st.Size()>>10, time.Since(started).Round(time.Millisecond), peak>>20, strings.TrimSpace(string(b)))
	if !strings.Contains(string(b), "zip bomb") {
		t.Errorf("not refused: %s", b)
	}
	if peak > 1500<<20 {
		t.Errorf("peak memory %d MiB, want under 1.5 GB", peak>>20)
	}
}

// TestIngest_KilledXLSXLeavesNoTempFile: an XLSX ingest killed while it reads rows leaves
// its unpacked sheet only in the database's folder for temporary files, and the next
// start removes it; nothing is left in the system's temporary folder.
func TestIngest_KilledXLSXLeavesNoTempFile(t *testing.T) {
	dir := t.TempDir()
	var rows [][]string
	for i := 0; i < 40000; i++ {
		r := append([]string(nil), messyRows[0]...)
		r[0] = fmt.Sprintf("K%06d", i)
		rows = append(rows, r)
	}
	file := filepath.Join(dir, "big_2026-10-31.xlsx")
	writeXLSX(t, file, messyHeader, rows)
	db := filepath.Join(dir, "z.duckdb")
	sysTmp := t.TempDir()
	cmd, out := childIngest(t, db, file, sysTmp)
	line, _ := out.ReadString('\n')
	if line != "reading\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q", line)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	left, _ := filepath.Glob(filepath.Join(db+".tmp", "ingest-*", "excelize-*"))
	t.Logf("left by the killed ingest: %v", left)

	s, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	assertNoTemp := func(when string) {
		t.Helper()
		for _, pattern := range []string{filepath.Join(sysTmp, "*"), filepath.Join(db+".tmp", "*")} {
			if m, _ := filepath.Glob(pattern); len(m) > 0 {
				t.Errorf("%s: temporary files left: %v", when, m)
			}
		}
	}
	assertNoTemp("after the restart")
	rep, err := s.Ingest(context.Background(), zhuqi.Default(), file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Loaded != int64(len(rows)) {
		t.Errorf("loaded %d, want %d", rep.Loaded, len(rows))
	}
	assertNoTemp("after the ingest")
}

// TestIngest_FullDiskGivesSpaceBack: an ingest that fills the disk (here: reaches the
// largest file the process may write) fails saying how much room it needs, and the
// database is not left grown: the next start gives the space back, and a small ingest loads.
func TestIngest_FullDiskGivesSpaceBack(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	s, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, s, writeFile(t, dir, "a_2026-10-30.csv", csvBytes(t, messyHeader, benchRows(1000))), Options{})
	s.Close()
	before := fileSizeOf(db)
	const limit = 12 << 20
	big := writeFile(t, dir, "b_2026-10-31.csv", csvBytes(t, messyHeader, benchRows(400000)))
	cmd, out := childIngest(t, db, big, t.TempDir(), fmt.Sprintf("ZHUQI_TEST_FSIZE=%d", limit))
	b, _ := io.ReadAll(out)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v %s", err, b)
	}
	t.Logf("%s", b)
	if !strings.Contains(string(b), "out of space") || !strings.Contains(string(b), "MiB more room") {
		t.Errorf("the error does not say how much room the ingest needs: %s", b)
	}
	grown := fileSizeOf(db)

	s, err = openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after := fileSizeOf(db)
	t.Logf("database %d KiB before, %d KiB after the failed ingest, %d KiB once opened again", before>>10, grown>>10, after>>10)
	if after > before+(2<<20) {
		t.Errorf("database left grown: %d KiB, was %d KiB", after>>10, before>>10)
	}
	rep := mustIngest(t, s, writeFile(t, dir, "c_2026-11-01.csv", csvBytes(t, messyHeader, benchRows(2000))), Options{})
	if rep.Loaded != 2000 {
		t.Errorf("loaded %d, want 2000", rep.Loaded)
	}
}

func fileSizeOf(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return -1
	}
	return st.Size()
}
