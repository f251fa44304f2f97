package reports

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// FontPaths are the places searched for a CJK TrueType font when none is configured.
var FontPaths = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/arphic/uming.ttf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttf",
	"/usr/local/share/fonts/DroidSansFallbackFull.ttf",
	"/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
	`C:\Windows\Fonts\simhei.ttf`,
}

// ErrNoFont is returned by FindFont when no usable font file is found.
var ErrNoFont = errors.New("no CJK TrueType font found: install one (Debian/Ubuntu: `apt-get install fonts-droid-fallback`) or set ZHUQI_FONT (or [reports] font in zhuqi.toml) to a .ttf file")

// FindFont returns the font file to use: explicit if given (Options.Font or the config),
// else $ZHUQI_FONT, else the first of FontPaths that exists. Only TrueType outlines
// (.ttf) work: PDF libraries reject .ttc collections and CFF .otf fonts.
func FindFont(explicit string, getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, p := range []string{explicit, getenv("ZHUQI_FONT")} {
		if p != "" {
			return checkFont(p)
		}
	}
	for _, p := range FontPaths {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", ErrNoFont
}

func checkFont(p string) (string, error) {
	if ext := strings.ToLower(filepath.Ext(p)); ext == ".ttc" || ext == ".otc" || ext == ".otf" {
		return "", fmt.Errorf("font %s: a %s file cannot be embedded; use a TrueType .ttf such as DroidSansFallbackFull.ttf (apt-get install fonts-droid-fallback)", p, ext)
	}
	b := make([]byte, 4)
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("font %s: %w; %v", p, err, ErrNoFont)
	}
	defer f.Close()
	if _, err := f.Read(b); err != nil {
		return "", fmt.Errorf("font %s: %w", p, err)
	}
	if string(b) != "\x00\x01\x00\x00" && string(b) != "true" {
		return "", fmt.Errorf("font %s is not a TrueType font (CFF .otf and .ttc collections cannot be embedded); use a .ttf such as DroidSansFallbackFull.ttf", p)
	}
	return p, nil
}
