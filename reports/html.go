package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"regexp"
	"unicode/utf8"
)

//go:embed templates/*.html
var templateFS embed.FS

// wrapRunes is the longest text a table column keeps unbroken in HTML.
const wrapRunes = 10

var svgStart = regexp.MustCompile(`(?s)^.*?(<svg)`)

var htmlTmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"mark": func(t *table, i int) string {
		if i < len(t.Marks) {
			return t.Marks[i]
		}
		return ""
	},
	"num": func(t *table, j int) bool { return j < len(t.Columns) && t.Columns[j].Number },
	// wrap: a text column with a cell longer than wrapRunes may break between CJK
	// characters; the others break only between words.
	"wrap": func(t *table, j int) bool {
		for _, row := range t.Rows {
			if j < len(row) && utf8.RuneCountInString(row[j]) > wrapRunes {
				return true
			}
		}
		return false
	},
	// svg inlines a chart drawn by this package (not user input), without its XML prolog.
	"svg": func(c *chart) template.HTML {
		return template.HTML(svgStart.ReplaceAllString(string(c.SVG), "$1"))
	},
}).ParseFS(templateFS, "templates/*.html"))

// renderHTML writes doc as one self-contained HTML page, charts inlined as SVG.
func renderHTML(doc *document) ([]byte, error) {
	var b bytes.Buffer
	if err := htmlTmpl.ExecuteTemplate(&b, "document.html", doc); err != nil {
		return nil, fmt.Errorf("html: %w", err)
	}
	return b.Bytes(), nil
}
