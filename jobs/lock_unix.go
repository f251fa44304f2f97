//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package jobs

import (
	"os"
	"syscall"
)

func flock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
