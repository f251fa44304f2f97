package zhuqi

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

//go:embed defaults.toml
var defaultsTOML []byte

// Config is the versioned configuration every rule is read from (DOMAIN: "every rule lives
// in versioned configuration, not in code").
type Config struct {
	Version    string                         `toml:"version" yaml:"version"`
	Timezone   string                         `toml:"timezone" yaml:"timezone"`
	Database   string                         `toml:"database" yaml:"database"`
	Ingest     IngestConfig                   `toml:"ingest" yaml:"ingest"`
	Timestamps TimestampConfig                `toml:"timestamps" yaml:"timestamps"`
	Aliases    map[string]map[string][]string `toml:"aliases" yaml:"aliases"`
	Enums      map[string][]EnumValue         `toml:"enums" yaml:"enums"`
	EnumEmpty  map[string]string              `toml:"enum_empty" yaml:"enum_empty"`
	Calendar   CalendarConfig                 `toml:"calendar" yaml:"calendar"`
	Rules      Rules                          `toml:"rules" yaml:"rules"`
	Jobs       JobsConfig                     `toml:"jobs" yaml:"jobs"`
	Reports    ReportsConfig                  `toml:"reports" yaml:"reports"`

	// Cells are the rules every cell is read by (DefaultCells): code, not configuration,
	// but carried here so that what reads a file has them at hand.
	Cells CellRules `toml:"-" yaml:"-"`

	// Source is the file the configuration was read from, empty for the built-in defaults.
	Source string `toml:"-" yaml:"-"`
}

// IngestConfig bounds what one input file may be.
type IngestConfig struct {
	MaxLineBytes   int64 `toml:"max_line_bytes" yaml:"max_line_bytes"`
	MaxCellChars   int   `toml:"max_cell_chars" yaml:"max_cell_chars"`
	XLSXUnzipLimit int64 `toml:"xlsx_unzip_limit" yaml:"xlsx_unzip_limit"`
	BatchRows      int   `toml:"batch_rows" yaml:"batch_rows"`
	// MemoryLimit is DuckDB's memory_limit during ingest, e.g. "1GB".
	MemoryLimit string `toml:"memory_limit" yaml:"memory_limit"`
	// FastPath lets ingest read ticket CSVs with the Go fast paths (line digest, direct
	// parser); false sends every row through staging and the SQL normalisation. Versions,
	// rejects and warnings are the same either way; only raw_hash is made differently, so
	// the first ingest after a switch parses every row again. $ZHUQI_FAST_PATH (on/off)
	// overrides it. Not part of ReadingTOML.
	FastPath *bool `toml:"fast_path" yaml:"fast_path"`
}

// ReportsConfig sets how documents are made.
type ReportsConfig struct {
	// Font is a TrueType (.ttf) CJK font file for PDFs and charts; empty searches
	// $ZHUQI_FONT and the usual system folders.
	Font string `toml:"font" yaml:"font"`
}

// TimestampConfig lists the accepted textual forms of timestamps and months.
type TimestampConfig struct {
	Formats      []string `toml:"formats" yaml:"formats"`
	MonthFormats []string `toml:"month_formats" yaml:"month_formats"`
}

// EnumValue is one canonical value of an enumeration and the labels that mean it.
type EnumValue struct {
	Value  string   `toml:"value" yaml:"value"`
	Labels []string `toml:"labels" yaml:"labels"`
}

// Default returns the built-in configuration.
func Default() *Config {
	var c Config
	if _, err := toml.NewDecoder(bytes.NewReader(defaultsTOML)).Decode(&c); err != nil {
		panic(fmt.Sprintf("zhuqi: built-in defaults.toml: %v", err))
	}
	c.Cells = DefaultCells()
	return &c
}

// LoadConfig reads path (zhuqi.toml or zhuqi.yaml) over the defaults. An empty path
// looks for zhuqi.toml, then zhuqi.yaml, in the working directory, and uses the defaults
// when neither exists.
func LoadConfig(path string) (*Config, error) {
	c := Default()
	if path == "" {
		for _, p := range []string{"zhuqi.toml", "zhuqi.yaml", "zhuqi.yml"} {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
		if path == "" {
			return c, nil
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	var user Config
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		err = dec.Decode(&user)
	default:
		var md toml.MetaData
		md, err = toml.NewDecoder(bytes.NewReader(data)).Decode(&user)
		if err == nil && len(md.Undecoded()) > 0 {
			err = fmt.Errorf("unknown settings %v (see `zhuqi config show` for the valid ones)", md.Undecoded())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.merge(&user)
	c.Source = path
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// merge adds u to c: scalars that u sets replace c's, aliases and labels are appended,
// and new enumeration values are added after the built-in ones.
func (c *Config) merge(u *Config) {
	if u.Version != "" {
		c.Version = u.Version
	}
	if u.Timezone != "" {
		c.Timezone = u.Timezone
	}
	if u.Database != "" {
		c.Database = u.Database
	}
	if u.Ingest.MaxLineBytes > 0 {
		c.Ingest.MaxLineBytes = u.Ingest.MaxLineBytes
	}
	if u.Ingest.MaxCellChars > 0 {
		c.Ingest.MaxCellChars = u.Ingest.MaxCellChars
	}
	if u.Ingest.XLSXUnzipLimit > 0 {
		c.Ingest.XLSXUnzipLimit = u.Ingest.XLSXUnzipLimit
	}
	if u.Ingest.BatchRows > 0 {
		c.Ingest.BatchRows = u.Ingest.BatchRows
	}
	if u.Ingest.MemoryLimit != "" {
		c.Ingest.MemoryLimit = u.Ingest.MemoryLimit
	}
	if u.Ingest.FastPath != nil {
		c.Ingest.FastPath = u.Ingest.FastPath
	}
	c.Timestamps.Formats = append(c.Timestamps.Formats, u.Timestamps.Formats...)
	c.Timestamps.MonthFormats = append(c.Timestamps.MonthFormats, u.Timestamps.MonthFormats...)
	for kind, cols := range u.Aliases {
		if c.Aliases[kind] == nil {
			c.Aliases[kind] = map[string][]string{}
		}
		for col, as := range cols {
			c.Aliases[kind][col] = append(c.Aliases[kind][col], as...)
		}
	}
	for enum, vals := range u.Enums {
	next:
		for _, v := range vals {
			for i := range c.Enums[enum] {
				if c.Enums[enum][i].Value == v.Value {
					c.Enums[enum][i].Labels = append(c.Enums[enum][i].Labels, v.Labels...)
					continue next
				}
			}
			c.Enums[enum] = append(c.Enums[enum], v)
		}
	}
	for enum, v := range u.EnumEmpty {
		c.EnumEmpty[enum] = v
	}
	c.Calendar.Holidays = append(c.Calendar.Holidays, u.Calendar.Holidays...)
	c.Calendar.Workdays = append(c.Calendar.Workdays, u.Calendar.Workdays...)
	if u.Rules.Name != "" {
		c.Rules = u.Rules
	}
	c.Jobs.merge(&u.Jobs)
}

// Validate checks that the configuration names only known kinds, columns and
// enumerations, that no label means two values, and that the timezone exists.
func (c *Config) Validate() error {
	if _, err := c.Location(); err != nil {
		return err
	}
	if _, err := c.Calendar.Build(); err != nil {
		return err
	}
	if err := c.Rules.Validate(); err != nil {
		return err
	}
	if err := c.Cells.Validate(); err != nil {
		return err
	}
	if err := c.Jobs.validate(c.Timezone); err != nil {
		return err
	}
	for kind, cols := range c.Aliases {
		k, err := ParseKind(kind)
		if err != nil {
			return fmt.Errorf("aliases: %w", err)
		}
		for col := range cols {
			if !hasColumn(k, col) {
				return fmt.Errorf("aliases.%s: %q is not a column of %s", kind, col, kind)
			}
		}
	}
	for enum, vals := range c.Enums {
		seen := map[string]string{}
		for _, v := range vals {
			for _, l := range append([]string{v.Value}, v.Labels...) {
				n := Fold(l)
				if prev, ok := seen[n]; ok && prev != v.Value {
					return fmt.Errorf("enums.%s: label %q means both %q and %q", enum, l, prev, v.Value)
				}
				seen[n] = v.Value
			}
		}
	}
	return nil
}

func hasColumn(k Kind, name string) bool {
	for _, c := range Columns(k) {
		if c.Name == name {
			return true
		}
	}
	return false
}

// Location is the configured local timezone.
func (c *Config) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %w (use an IANA name such as Asia/Shanghai)", c.Timezone, err)
	}
	return loc, nil
}

// AliasesOf returns the header aliases of a column; the canonical name always matches.
func (c *Config) AliasesOf(k Kind, col string) []string {
	return append([]string{col}, c.Aliases[string(k)][col]...)
}

// Masked returns a copy of the configuration with its secrets hidden (the webhook's
// token), for showing and logging.
func (c *Config) Masked() *Config {
	m := *c
	m.Jobs.Webhook = MaskURL(c.Jobs.Webhook)
	return &m
}

// MaskURL hides the secrets of a URL: the values of its query parameters (DingTalk's
// access_token, WeCom's key), a password, and path segments that look like tokens. The
// scheme, host and path stay readable.
func MaskURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "***"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k := range q {
		q[k] = []string{"***"}
	}
	u.RawQuery = q.Encode()
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if len(s) >= 24 {
			segs[i] = "***"
		}
	}
	u.Path, u.RawPath = strings.Join(segs, "/"), ""
	u.Fragment = ""
	return strings.ReplaceAll(u.String(), "%2A", "*")
}

// TOML renders the effective configuration.
func (c *Config) TOML() ([]byte, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadingTOML renders only the settings that change how a row of a file is read and
// normalised (timezone, timestamp forms, header aliases, enumeration labels, the cell
// rules): what an ingest's raw row hashes depend on. Jobs, reports, rules, calendar and
// limits are not in it.
func (c *Config) ReadingTOML() ([]byte, error) {
	part := struct {
		Timezone   string                         `toml:"timezone"`
		Timestamps TimestampConfig                `toml:"timestamps"`
		Aliases    map[string]map[string][]string `toml:"aliases"`
		Enums      map[string][]EnumValue         `toml:"enums"`
		EnumEmpty  map[string]string              `toml:"enum_empty"`
		Cells      CellRules                      `toml:"cells"`
	}{c.Timezone, c.Timestamps, c.Aliases, c.Enums, c.EnumEmpty, c.Cells}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(part); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EnumLabel is a label of an enumeration, folded (Fold), and the value it stands for.
type EnumLabel struct{ Folded, Value string }

// EnumLabels lists the labels of enum, each value's own name first, the first value to
// claim a folded label keeping it: the label map both ingest paths read.
func (c *Config) EnumLabels(enum string) []EnumLabel {
	var out []EnumLabel
	seen := map[string]bool{}
	for _, v := range c.Enums[enum] {
		for _, l := range append([]string{v.Value}, v.Labels...) {
			if f := Fold(l); !seen[f] {
				seen[f] = true
				out = append(out, EnumLabel{f, v.Value})
			}
		}
	}
	return out
}

// Fold normalises a header or label for matching: NFKC (full-width to half-width),
// trimmed, case-folded.
func Fold(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
}
