package store

import (
	"strings"
	"testing"
)

func TestSplitSQL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1; SELECT 2", "SELECT 1|SELECT 2"},
		{"SELECT 'a;b'; SELECT \"x;y\" FROM t;", "SELECT 'a;b'|SELECT \"x;y\" FROM t"},
		{"SELECT 'it''s; fine';", "SELECT 'it''s; fine'"},
		{"-- a comment; still\nSELECT 1 -- trailing; comment\n;", "-- a comment; still\nSELECT 1 -- trailing; comment"},
		{"SELECT 1;\n-- nothing after", "SELECT 1"},
		{"/* a; b */ SELECT 1;;;", "/* a; b */ SELECT 1"},
		{"SELECT $$a;b$$ AS s; SELECT 2", "SELECT $$a;b$$ AS s|SELECT 2"},
		{"  ;  ; ", ""},
	} {
		if got := strings.Join(SplitSQL(tc.in), "|"); got != tc.want {
			t.Errorf("SplitSQL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCompleteSQL(t *testing.T) {
	for in, want := range map[string]bool{
		"SELECT 1;":              true,
		"SELECT 1;  \n":          true,
		"SELECT 1":               false,
		"SELECT ';'":             false,
		"SELECT 'a\n":            false,
		"SELECT 1; -- done\n":    true,
		"SELECT 1 -- not yet;\n": false,
		"SELECT /* ; */ 1":       false,
		"SELECT 1 /* open ;":     false,
		"SELECT \"a;\" FROM t;":  true,
		"SELECT 1;\nSELECT 2":    false,
		"SELECT 'it''s';":        true,
	} {
		if got := CompleteSQL(in); got != want {
			t.Errorf("CompleteSQL(%q) = %v, want %v", in, got, want)
		}
	}
}
