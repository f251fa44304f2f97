package store

import "strings"

// SplitSQL splits script into statements on semicolons outside quotes, quoted identifiers,
// dollar-quoted strings and comments. Empty statements are dropped; the last statement
// need not end with a semicolon.
func SplitSQL(script string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if s := strings.TrimSpace(script[start:end]); s != "" && !onlyComments(s) {
			out = append(out, s)
		}
	}
	for i := 0; i < len(script); i++ {
		switch c := script[i]; {
		case c == '\'' || c == '"':
			i = skipQuoted(script, i, c)
		case c == '$' && i+1 < len(script) && script[i+1] == '$':
			if j := strings.Index(script[i+2:], "$$"); j >= 0 {
				i += j + 3
			} else {
				i = len(script)
			}
		case c == '-' && i+1 < len(script) && script[i+1] == '-':
			if j := strings.IndexByte(script[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(script)
			}
		case c == '/' && i+1 < len(script) && script[i+1] == '*':
			if j := strings.Index(script[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(script)
			}
		case c == ';':
			flush(i)
			start = i + 1
		}
	}
	if start < len(script) {
		flush(len(script))
	}
	return out
}

// CompleteSQL reports whether buf ends a statement: its last non-blank character, outside
// quotes and comments, is a semicolon.
func CompleteSQL(buf string) bool {
	end := false
	for i := 0; i < len(buf); i++ {
		c := buf[i]
		switch {
		case c == '\'' || c == '"':
			j := skipQuoted(buf, i, c)
			if j >= len(buf) {
				return false
			}
			i, end = j, false
		case c == '-' && i+1 < len(buf) && buf[i+1] == '-':
			j := strings.IndexByte(buf[i:], '\n')
			if j < 0 {
				return end
			}
			i += j
		case c == '/' && i+1 < len(buf) && buf[i+1] == '*':
			j := strings.Index(buf[i+2:], "*/")
			if j < 0 {
				return false
			}
			i += j + 3
		case c == ';':
			end = true
		case c != ' ' && c != '\t' && c != '\n' && c != '\r':
			end = false
		}
	}
	return end
}

// skipQuoted returns the index of the quote that closes the one at i (a doubled quote
// stands for itself), or len(s) when it is not closed.
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}

// onlyComments reports whether s holds nothing but comments.
func onlyComments(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") {
			return false
		}
	}
	return true
}
