package jobs

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// OpenForWriting reports which of paths a process (one this user may inspect) has open
// for writing, from /proc/*/fd and the flags in /proc/*/fdinfo.
func OpenForWriting(paths []string) map[string]bool {
	want := map[string]string{}
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			if real, err := filepath.EvalSymlinks(abs); err == nil {
				abs = real
			}
			want[abs] = p
		}
	}
	out := map[string]bool{}
	procs, _ := os.ReadDir("/proc")
	for _, pe := range procs {
		if _, err := strconv.Atoi(pe.Name()); err != nil {
			continue
		}
		fdDir := filepath.Join("/proc", pe.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err != nil {
				continue
			}
			p, ok := want[target]
			if !ok {
				continue
			}
			info, err := os.ReadFile(filepath.Join("/proc", pe.Name(), "fdinfo", fd.Name()))
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(info), "\n") {
				if v, ok := strings.CutPrefix(line, "flags:"); ok {
					flags, err := strconv.ParseInt(strings.TrimSpace(v), 8, 64)
					if err == nil && flags&int64(os.O_WRONLY|os.O_RDWR) != 0 {
						out[p] = true
					}
				}
			}
		}
	}
	return out
}
