package reports

import (
	"sync"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font/sfnt"
)

// Common CJK fonts such as DroidSansFallbackFull carry no Latin letters or digits: they
// are fallbacks for a Latin font. Text is therefore split into runs, each drawn with the
// font that has its glyphs: Liberation Sans (built in) for what it covers, the CJK font
// for the rest.

// latinTTF is Liberation Sans Regular (SIL Open Font License), compiled in.
var latinTTF = liberationsansregular.TTF

// latinLimit bounds the runes the Latin font is asked about: CJK starts at U+2E80.
const latinLimit = 0x2E80

var (
	latinOnce   sync.Once
	latinGlyphs [latinLimit]bool
)

// latinHas reports whether the Latin font has a glyph for r.
func latinHas(r rune) bool {
	latinOnce.Do(func() {
		f, err := sfnt.Parse(latinTTF)
		if err != nil {
			return
		}
		var buf sfnt.Buffer
		for c := rune(0); c < latinLimit; c++ {
			if i, err := f.GlyphIndex(&buf, c); err == nil && i != 0 {
				latinGlyphs[c] = true
			}
		}
	})
	return r >= 0 && r < latinLimit && latinGlyphs[r]
}

// run is a piece of text drawn with one font.
type run struct {
	text  string
	latin bool
}

// runs splits s into runs of the Latin font and of the CJK font; a space joins the run
// it follows.
func runs(s string) []run {
	var out []run
	for _, r := range s {
		latin := latinHas(r)
		if r == ' ' && len(out) > 0 {
			latin = out[len(out)-1].latin
		}
		if n := len(out); n > 0 && out[n-1].latin == latin {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, run{string(r), latin})
	}
	return out
}
