package pipeline

import (
	"fmt"
	"strings"
)

// noSpace says whether err is a write that failed for want of space.
func noSpace(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "No space left on device") || strings.Contains(msg, "File too large") || strings.Contains(msg, "Disk quota exceeded")
}

// spaceError explains an ingest that ran out of space: how far the database had grown,
// which is what the file needs beyond the space it had.
func spaceError(err error, db string, before, at, after int64) error {
	back := fmt.Sprintf("is back to %d MiB", after>>20)
	if after >= at {
		back = "gives the space back when it is next opened"
	}
	return fmt.Errorf("%w\n  磁盘空间不足 (out of space): the database %s grew by %d MiB to %d MiB before the write failed, and %s; the ingest needs more than those %d MiB: make at least %d MiB more room on that disk (more for a larger file), then ingest again",
		err, db, (at-before)>>20, at>>20, back, (at-before)>>20, max((at-before)>>20, 1))
}
