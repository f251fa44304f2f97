//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package jobs

import "os"

// flock is not available: the scheduler lock is advisory only on this system.
func flock(f *os.File) error { return nil }

// fileID is not available: the lock is keyed on the path with links followed.
func fileID(path string) (dev, ino uint64, ok bool) { return 0, 0, false }
