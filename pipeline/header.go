package pipeline

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zhuqi/zhuqi"
)

// headerRowsSearched is how many leading rows may hold a title above the header row
// (exports often start with a merged title cell such as "2026年10月诉求台账").
const headerRowsSearched = 10

// Limits on a header row: more columns than any export has, or a header cell longer than
// any column name, is a file built to hurt (or not an export), refused before it is read.
const (
	maxColumns     = 1000
	maxHeaderChars = 256
)

// mapping relates a file's header row to the canonical columns of a kind.
type mapping struct {
	Kind      zhuqi.Kind     // the kind the header is of
	Headers   []string       // as written in the file
	Source    map[string]int // canonical column → index of the file column holding it
	Unknown   []int          // indexes of columns Zhuqi does not know (kept as extra)
	Ignored   []string       // a second column for the same canonical column (kept as extra)
	Repeated  [2]int         // two columns with the same header, 0-based; Repeated[1] == 0: none
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
	// HeaderRow is the row number of the row shown in Found.
	HeaderRow int64
	// Suggest is another kind whose required columns the header has (empty: none).
	Suggest zhuqi.Kind
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
	fmt.Fprintf(&b, " (kind %s)", e.Kind)
	if e.Suggest != "" {
		fmt.Fprintf(&b, "\n  表头是%s文件的表头 (the header is that of a %s file): ingest it with --kind %s", e.Suggest, e.Suggest, e.Suggest)
	}
	b.WriteString("\n  请在表头中加入该列后重新导入 (add the column to the header row, then ingest again); accepted headers:")
	for _, c := range e.Missing {
		fmt.Fprintf(&b, "\n    %s: %s", c.Name, strings.Join(e.Aliases[c.Name], ", "))
	}
	fmt.Fprintf(&b, "\n  header row read (row %d): %s", e.HeaderRow, strings.Join(e.Found, ", "))
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
	m := &mapping{Kind: kind, Headers: headers, Source: map[string]int{}, HeaderRow: 1}
	seen := map[string]int{}
	for i, h := range headers {
		f := zhuqi.Fold(h)
		if j, ok := seen[f]; ok && f != "" && m.Repeated[1] == 0 {
			m.Repeated = [2]int{j, i}
		}
		seen[f] = i
		name, ok := lookup[f]
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
func (m *mapping) missing() []zhuqi.Column {
	var out []zhuqi.Column
	for _, c := range zhuqi.Columns(m.Kind) {
		if _, ok := m.Source[c.Name]; c.Required && !ok {
			out = append(out, c)
		}
	}
	return out
}

// DetectKind tells the kind of a file from its leading rows (DOMAIN §1.4): the kind whose
// required columns a row has, when that row is the header of one kind only.
func DetectKind(cfg *zhuqi.Config, file string, rows [][]string) (zhuqi.Kind, error) {
	m, _, err := findHeader(cfg, "", file, rows)
	if err != nil {
		return "", err
	}
	return m.Kind, nil
}

// findHeader picks the header among the first rows of a file: the first row that has
// every required column of kind (of one kind only when kind is empty). Otherwise the
// error shows the row that matches the most columns of any kind: the header row as read.
func findHeader(cfg *zhuqi.Config, kind zhuqi.Kind, file string, rows [][]string) (*mapping, int, error) {
	for i, r := range rows {
		if len(r) > maxColumns {
			return nil, 0, fmt.Errorf("%w: %s: row %d has %d columns, more than %d (more than any export has): this is not a ticket export; keep only the columns of the export and save it again", ErrFileUnreadable, file, i+1, len(r), maxColumns)
		}
	}
	var best, fits *mapping
	bestAt := 0
	for i, r := range rows {
		var fit []*mapping
		for _, k := range zhuqi.Kinds {
			m := mapHeader(cfg, k, r)
			if best == nil || len(m.Source) > len(best.Source) {
				best, bestAt = m, i
			}
			if len(m.missing()) > 0 {
				continue
			}
			if k == kind || kind == "" {
				fit = append(fit, m)
			} else if fits == nil {
				fits = m
			}
		}
		if len(fit) > 1 {
			var names []string
			for _, m := range fit {
				names = append(names, string(m.Kind))
			}
			return nil, 0, fmt.Errorf("%w: %s: the header in row %d fits several kinds (%s): say which with --kind", ErrFileUnreadable, file, i+1, strings.Join(names, ", "))
		}
		if len(fit) == 1 {
			m := fit[0]
			m.HeaderRow = int64(i + 1)
			return m, i, m.check(file)
		}
	}
	if kind == "" {
		kind = zhuqi.KindTickets
		if best != nil && len(best.Source) > 0 {
			kind = best.Kind
		}
	}
	var found []string
	if best != nil {
		found = nonEmpty(best.Headers)
	}
	m := mapHeader(cfg, kind, nil)
	if best != nil {
		m = mapHeader(cfg, kind, best.Headers)
	}
	aliases := map[string][]string{}
	for _, c := range m.missing() {
		aliases[c.Name] = uniqueFolded(cfg.AliasesOf(kind, c.Name)[1:], c.Name)
	}
	e := &MissingColumnsError{File: file, Kind: kind, Missing: m.missing(), Aliases: aliases, Found: found, HeaderRow: int64(bestAt + 1)}
	if fits != nil {
		e.Suggest = fits.Kind
	}
	return nil, 0, e
}

// check refuses a header row with a repeated header or a cell longer than any header.
func (m *mapping) check(file string) error {
	if r := m.Repeated; r[1] > 0 {
		return fmt.Errorf("%w: %s: 表头「%s」出现了两次（第%d列和第%d列）：请删除或改名其中一列后重新导入 (the header %q is repeated in columns %d and %d: remove or rename one, then ingest again)",
			ErrFileUnreadable, file, strings.TrimSpace(m.Headers[r[1]]), r[0]+1, r[1]+1, strings.TrimSpace(m.Headers[r[1]]), r[0]+1, r[1]+1)
	}
	for i, h := range m.Headers {
		if n := utf8.RuneCountInString(h); n > maxHeaderChars {
			return fmt.Errorf("%w: %s: header cell %d holds %d characters, more than %d (longer than any column name): check the header row is the export's", ErrFileUnreadable, file, i+1, n, maxHeaderChars)
		}
	}
	return nil
}

// uniqueFolded lists names once each, by their folded form, in order.
func uniqueFolded(names []string, more ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string(nil), names...), more...) {
		if f := zhuqi.Fold(n); !seen[f] {
			seen[f] = true
			out = append(out, n)
		}
	}
	return out
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
