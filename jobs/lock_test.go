package jobs

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLock_SecondRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.duckdb")
	l, err := Lock(db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(db)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second lock: %v", err)
	}
	l.Unlock()
	l, err = Lock(db)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	l.Unlock()
}

// holdDB has a child process open the database read-only for ms milliseconds, and
// returns once it holds it.
func holdDB(t *testing.T, db string, ms int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ZHUQI_TEST_HOLD="+filepath.Join(db, strconv.Itoa(ms)))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "held\n" {
		t.Fatalf("holder: %q", line)
	}
	return cmd
}

// TestEnv_OpenWaitsForABusyDatabase: a reader in another process blocks the writer; a
// run waits for it, and gives up with a clear message when it stays too long.
func TestEnv_OpenWaitsForABusyDatabase(t *testing.T) {
	te := newTestEnv(t, at("2026-11-03 08:00"))
	te.Now = time.Now
	te.Sleep = Sleep
	st, err := te.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	t.Run("ErrGivesUp", func(t *testing.T) {
		h := holdDB(t, te.DB, 1500)
		defer h.Wait()
		te.LockWait = 200 * time.Millisecond
		_, err := te.Open(context.Background())
		if err == nil || !strings.Contains(err.Error(), "is busy") || !strings.Contains(err.Error(), "jobs.lock_wait") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("OK_Waits", func(t *testing.T) {
		h := holdDB(t, te.DB, 500)
		defer h.Wait()
		te.LockWait = 20 * time.Second
		st, err := te.Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if !strings.Contains(te.logs.String(), "database busy") {
			t.Errorf("log: %s", te.logs)
		}
	})
}

// TestLock_SameDatabaseByAnotherPath: the lock is the database's, not its path's: a
// symbolic link to the database, to its folder, or a hard link beside it is refused too.
func TestLock_SameDatabaseByAnotherPath(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "z.duckdb")
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, []byte("db"), 0o644); err != nil {
		t.Fatal(err)
	}
	fileLink := filepath.Join(dir, "link.duckdb")
	dirLink := filepath.Join(dir, "datalink")
	hard := filepath.Join(filepath.Dir(db), "hard.duckdb") // (a hard link in another folder is not seen)
	for _, err := range []error{os.Symlink(db, fileLink), os.Symlink(filepath.Dir(db), dirLink), os.Link(db, hard)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	l, err := Lock(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{fileLink, filepath.Join(dirLink, "z.duckdb"), hard} {
		if o, err := Lock(other); !errors.Is(err, ErrLocked) {
			if o != nil {
				o.Unlock()
			}
			t.Errorf("lock through %s: %v, want ErrLocked", other, err)
		}
	}
	l.Unlock()
	l, err = Lock(fileLink)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	l.Unlock()
}
