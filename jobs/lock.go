package jobs

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked is returned by Lock when another scheduler runs on the same database.
var ErrLocked = errors.New("another scheduler is running on this database")

// ServeLock is the lock file that keeps a second `zhuqi serve` off a database.
type ServeLock struct {
	f *os.File
}

// LockPath is the lock file of the scheduler of the database at db.
func LockPath(db string) string { return db + ".serve.lock" }

// Lock takes the scheduler lock of database db: an flock'ed file beside it holding the
// pid. It returns an error wrapping ErrLocked, with the holder's pid, when another
// process has it. The lock goes when the process ends, however it ends.
func Lock(db string) (*ServeLock, error) {
	path := LockPath(db)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("scheduler lock %s: %w", path, err)
	}
	if err := flock(f); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		pid := strings.TrimSpace(string(b))
		if _, perr := strconv.Atoi(pid); perr != nil {
			pid = "unknown"
		}
		return nil, fmt.Errorf("%w: %s (pid %s holds %s); stop it before starting another, or give this one another --db", ErrLocked, db, pid, path)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &ServeLock{f: f}, nil
}

// Unlock releases the lock.
func (l *ServeLock) Unlock() error { return l.f.Close() }
