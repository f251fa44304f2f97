package jobs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrLocked is returned by Lock when another scheduler runs on the same database.
var ErrLocked = errors.New("another scheduler is running on this database")

// ServeLock is the lock that keeps a second `zhuqi serve` off a database.
type ServeLock struct {
	files []*os.File
}

// LockPath is the lock file of the scheduler of the database at db: beside the file db
// names once symbolic links are followed, so that every path to one database finds it.
func LockPath(db string) string { return realPath(db) + ".serve.lock" }

// identityLockPath is the lock file keyed on the database file's identity (device and
// inode), beside it; "" when the file does not exist yet or the system has no inodes.
func identityLockPath(db string) string {
	dev, ino, ok := fileID(db)
	if !ok {
		return ""
	}
	real := realPath(db)
	return filepath.Join(filepath.Dir(real), fmt.Sprintf(".zhuqi-%x-%x.serve.lock", dev, ino))
}

// realPath follows the symbolic links of db, or of its folder when db does not exist yet.
func realPath(db string) string {
	if p, err := filepath.EvalSymlinks(db); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	dir, base := filepath.Split(db)
	if dir == "" {
		dir = "."
	}
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
		return filepath.Join(d, base)
	}
	return db
}

// Lock takes the scheduler lock of database db: flock'ed files holding the pid, one
// beside the real file (symbolic links followed) and, once the database exists, one
// keyed on its device and inode, so that no other path (a symbolic link, a hard link) to the
// same database in its folder runs a second scheduler. It returns an error wrapping ErrLocked, with the
// holder's pid, when another process has either. The lock goes when the process ends,
// however it ends.
func Lock(db string) (*ServeLock, error) {
	l := &ServeLock{}
	for _, path := range []string{LockPath(db), identityLockPath(db)} {
		if path == "" {
			continue
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			l.Unlock()
			return nil, fmt.Errorf("scheduler lock %s: %w", path, err)
		}
		if err := flock(f); err != nil {
			b, _ := os.ReadFile(path)
			f.Close()
			l.Unlock()
			pid := strings.TrimSpace(string(b))
			if _, perr := strconv.Atoi(pid); perr != nil {
				pid = "unknown"
			}
			return nil, fmt.Errorf("%w: %s (pid %s holds %s); stop it before starting another, or give this one another --db", ErrLocked, db, pid, path)
		}
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		l.files = append(l.files, f)
	}
	return l, nil
}

// Unlock releases the lock.
func (l *ServeLock) Unlock() error {
	var err error
	for _, f := range l.files {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	l.files = nil
	return err
}
