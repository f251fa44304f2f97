// Package progress draws a one-line progress bar on a terminal and stays quiet otherwise
// (in scripts, cron and CI logs).
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Bar is a progress line on a terminal. The zero Bar, and a Bar not on a terminal, draw
// nothing. It is safe for concurrent use.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	last  time.Time
	shown bool
}

// New returns a Bar that draws on f when f is a terminal.
func New(f *os.File) *Bar {
	return &Bar{w: f, on: f != nil && term.IsTerminal(int(f.Fd()))}
}

// Update redraws the line, at most ten times a second. total 0 means unknown.
func (b *Bar) Update(label string, done, total int64, unit string) {
	if b == nil || !b.on {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if now.Sub(b.last) < 100*time.Millisecond && done != total {
		return
	}
	b.last = now
	const width = 30
	line := fmt.Sprintf("%s %s", label, human(done, unit))
	if total > 0 {
		n := int(float64(width) * float64(done) / float64(total))
		n = min(max(n, 0), width)
		line = fmt.Sprintf("%s [%s%s] %3.0f%% %s/%s", label, strings.Repeat("=", n), strings.Repeat(" ", width-n),
			100*float64(done)/float64(total), human(done, unit), human(total, unit))
	}
	fmt.Fprintf(b.w, "\r\033[K%s", line)
	b.shown = true
}

// Clear removes the line, so that what is printed next starts clean.
func (b *Bar) Clear() {
	if b == nil || !b.on {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		fmt.Fprint(b.w, "\r\033[K")
		b.shown = false
	}
}

func human(n int64, unit string) string {
	if unit != "B" {
		return fmt.Sprintf("%d%s", n, unit)
	}
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
