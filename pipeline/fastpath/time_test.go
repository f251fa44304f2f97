package fastpath

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" for not read
	}{
		{"2026-10-03 14:05", "2026-10-03 14:05:00"}, {"2026-10-03", "2026-10-03 00:00:00"},
		{"2026/1/3 8:05", "2026-01-03 08:05:00"}, {"2026/10/3 14:05:09", "2026-10-03 14:05:09"},
		{"2024-02-29 23:59:59", "2024-02-29 23:59:59"}, {"2026-1-3", "2026-01-03 00:00:00"},
		{"2023-02-29", ""}, {"2026/10-03", ""}, {"2026-10-03 14:5", ""}, {"2026-10-03 14:05:9", ""},
		{"2026-10-03 24:00", ""}, {"2026-10-03T14:05", ""}, {"26-10-03", ""}, {"2026-10-03 14:05:", ""},
		{"2026-10-03 ", ""}, {"2026-013-03", ""}, {"2026-10-03 14:05:09.5", ""}, {"2026-10-03 014:05", ""},
	} {
		us, ok := parseTime([]byte(c.in))
		got := ""
		if ok {
			got = time.UnixMicro(us).UTC().Format("2006-01-02 15:04:05")
		}
		if got != c.want {
			t.Errorf("parseTime(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzParseTime: parseTime reads exactly what Go's time package reads with the layouts
// of its forms (YYYY-M-D or YYYY/M/D, then H:MM or H:MM:SS), to the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-10-03 14:05", "2026/1/3 8:05", "2024-02-29 23:59:59", "2023-02-29", "2026-10-03 24:00", "2026-013-03", "0000-01-01", "2026-1-3", "2026-10-03 14:05:9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		us, ok := parseTime([]byte(s))
		want, wantOK := goParseTime(s)
		if ok != wantOK || ok && us != want.UnixMicro() {
			t.Fatalf("parseTime(%q) = %d, %v; time.Parse: %v, %v", s, us, ok, want, wantOK)
		}
	})
}

func goParseTime(s string) (time.Time, bool) {
	// Go reads a fraction after the seconds even where the layout has none, and a run of
	// spaces where the layout has one; parseTime does neither.
	if strings.ContainsAny(s, ".,") || strings.Contains(s, "  ") {
		return time.Time{}, false
	}
	for _, sep := range []string{"-", "/"} {
		d := "2006" + sep + "1" + sep + "2"
		for _, layout := range []string{d, d + " 15:04", d + " 15:04:05"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}
