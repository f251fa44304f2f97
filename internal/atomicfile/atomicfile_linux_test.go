package atomicfile

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A child process whose files may not grow beyond a limit (RLIMIT_FSIZE, as a full disk
// would stop it) writes a set of files.
func TestMain(m *testing.M) {
	if dir := os.Getenv("ATOMICFILE_TEST_LIMITED"); dir != "" {
		signal.Ignore(syscall.SIGXFSZ)
		lim := syscall.Rlimit{Cur: 64 << 10, Max: 64 << 10}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
			fmt.Println("setrlimit:", err)
			os.Exit(3)
		}
		_, err := WriteSet(dir, []File{
			{"report.pdf", bytes.Repeat([]byte("p"), 10<<10)},
			{"charts/a.png", bytes.Repeat([]byte("c"), 10<<10)},
			{"report.xlsx", bytes.Repeat([]byte("x"), 1<<20)},
			{"report.csv", []byte("a,b\n")},
		})
		fmt.Println("error:", err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestWriteSet_FullDiskLeavesNothing: a write that fails part way leaves the folder as it
// was, with no file of the set and no temporary folder.
func TestWriteSet_FullDiskLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "report.pdf"), []byte("last month's"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_TEST_LIMITED="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v %s", err, out)
	}
	if !strings.Contains(string(out), "file too large") {
		t.Fatalf("child did not fail writing: %s", out)
	}
	var left []string
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error {
		if r, _ := filepath.Rel(dir, p); r != "." {
			left = append(left, r)
		}
		return nil
	})
	if strings.Join(left, " ") != "report.pdf" {
		t.Errorf("left %v, want only the earlier report.pdf", left)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "report.pdf")); string(b) != "last month's" {
		t.Errorf("report.pdf = %q", b)
	}
}

func TestWriteSet(t *testing.T) {
	dir := t.TempDir()
	paths, err := WriteSet(dir, []File{{"a.pdf", []byte("a")}, {"charts/b.png", []byte("b")}})
	if err != nil || len(paths) != 2 {
		t.Fatal(paths, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "charts", "b.png")); string(b) != "b" {
		t.Errorf("b.png = %q", b)
	}
	os.Remove(filepath.Join(dir, "a.pdf"))
	os.Mkdir(filepath.Join(dir, "a.pdf"), 0o755)
	if _, err := WriteSet(dir, []File{{"charts/b.png", []byte("new")}, {"a.pdf", []byte("a")}}); err == nil {
		t.Fatal("a folder in the way: no error")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "charts", "b.png")); string(b) != "b" {
		t.Errorf("b.png = %q after a failed set", b)
	}
}
