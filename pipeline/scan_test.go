package pipeline

import "testing"

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
