package pipeline

import (
	"fmt"
	"strings"

	"github.com/zhuqi/zhuqi"
)

// headerRowsSearched is how many leading rows may hold a title above the header row
// (exports often start with a merged title cell such as "2026年10月诉求台账").
const headerRowsSearched = 10

// mapping relates a file's header row to the canonical columns of a kind.
type mapping struct {
	Headers   []string       // as written in the file
	Source    map[string]int // canonical column → index of the file column holding it
	Unknown   []int          // indexes of columns Zhuqi does not know (kept as extra)
	Ignored   []string       // a second column for the same canonical column (kept as extra)
	HeaderRow int64          // row number of the header, 1 unless title rows precede it
}

// MissingColumnsError is returned for a file whose header lacks a required column.
// Nothing of such a file is loaded.
type MissingColumnsError struct {
	File    string
	Kind    zhuqi.Kind
	Missing []zhuqi.Column
	Aliases map[string][]string
	Found   []string
}

func (e *MissingColumnsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: 缺少必填列 missing required column", e.File)
	if len(e.Missing) > 1 {
		b.WriteString("s")
	}
	for i, c := range e.Missing {
		if i > 0 {
			b.WriteString("、")
		}
		fmt.Fprintf(&b, " %s", c.Label())
	}
	b.WriteString("\n  请在表头中加入该列后重新导入 (add the column to the header row, then ingest again); accepted headers:")
	for _, c := range e.Missing {
		fmt.Fprintf(&b, "\n    %s: %s", c.Name, strings.Join(e.Aliases[c.Name], ", "))
	}
	fmt.Fprintf(&b, "\n  headers found in the file (kind %s): %s", e.Kind, strings.Join(e.Found, ", "))
	b.WriteString("\n  (other names can be added under [aliases." + string(e.Kind) + "] in zhuqi.toml)")
	return b.String()
}

func (e *MissingColumnsError) Unwrap() error { return ErrFileUnreadable }

// mapHeader matches one header row to the canonical columns of kind.
func mapHeader(cfg *zhuqi.Config, kind zhuqi.Kind, headers []string) *mapping {
	lookup := map[string]string{}
	for _, c := range zhuqi.Columns(kind) {
		for _, a := range cfg.AliasesOf(kind, c.Name) {
			if _, dup := lookup[zhuqi.Fold(a)]; !dup {
				lookup[zhuqi.Fold(a)] = c.Name
			}
		}
	}
	m := &mapping{Headers: headers, Source: map[string]int{}, HeaderRow: 1}
	for i, h := range headers {
		name, ok := lookup[zhuqi.Fold(h)]
		if !ok {
			m.Unknown = append(m.Unknown, i)
			continue
		}
		if _, taken := m.Source[name]; taken {
			m.Unknown = append(m.Unknown, i)
			m.Ignored = append(m.Ignored, h)
			continue
		}
		m.Source[name] = i
	}
	return m
}

// missing lists the required columns m lacks.
func (m *mapping) missing(kind zhuqi.Kind) []zhuqi.Column {
	var out []zhuqi.Column
	for _, c := range zhuqi.Columns(kind) {
		if _, ok := m.Source[c.Name]; c.Required && !ok {
			out = append(out, c)
		}
	}
	return out
}

// findHeader picks the header among the first rows of a file: the first row that has
// every required column, else the row that matches the most columns (for the error).
func findHeader(cfg *zhuqi.Config, kind zhuqi.Kind, file string, rows [][]string) (*mapping, int, error) {
	var best *mapping
	for i, r := range rows {
		m := mapHeader(cfg, kind, r)
		if len(m.missing(kind)) == 0 {
			m.HeaderRow = int64(i + 1)
			return m, i, nil
		}
		if best == nil || len(m.Source) > len(best.Source) {
			best = m
		}
	}
	if best == nil {
		best = mapHeader(cfg, kind, nil)
	}
	aliases := map[string][]string{}
	for _, c := range best.missing(kind) {
		aliases[c.Name] = cfg.AliasesOf(kind, c.Name)[1:]
		aliases[c.Name] = append(aliases[c.Name], c.Name)
	}
	return nil, 0, &MissingColumnsError{File: file, Kind: kind, Missing: best.missing(kind), Aliases: aliases, Found: nonEmpty(best.Headers)}
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// headerName names column i for raw rows and extra maps; an empty header becomes 列N.
func (m *mapping) headerName(i int) string {
	if i < len(m.Headers) {
		if h := strings.TrimSpace(m.Headers[i]); h != "" {
			return h
		}
	}
	return fmt.Sprintf("列%d", i+1)
}
