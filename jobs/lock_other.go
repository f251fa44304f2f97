//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package jobs

import "os"

// flock is not available: the scheduler lock is advisory only on this system.
func flock(f *os.File) error { return nil }
