package reports

// document is one report as a list of blocks, rendered to PDF and HTML alike.
type document struct {
	Lang     string
	Title    string
	Subtitle string   // e.g. the office or the period in words
	Meta     []string // title block lines: period, snapshot time, rules version
	Blocks   []block
}

// block is one part of a document; exactly one of its fields is set.
type block struct {
	Heading   string
	Paragraph string
	Tiles     []tile
	Table     *table
	Chart     *chart
	Note      string // small print under a table
}

// tile is a KPI tile: a value and its changes against the previous period and last year.
type tile struct {
	Label, Value string
	Changes      []string
}

// table is a table of display strings.
type table struct {
	Columns []column
	Rows    [][]string
	// Marks highlights rows (same length as Rows; "" none, "red", "black", "bottom", "riser").
	Marks []string
}

// column is a table column: its header, its relative width and whether it is numeric
// (right-aligned).
type column struct {
	Label  string
	Width  float64
	Number bool
}

// chart is a rendered chart.
type chart struct {
	Name    string // file name without extension
	Caption string
	W, H    float64 // size in points
	PNG     []byte
	SVG     []byte
}

func (d *document) heading(s string)   { d.Blocks = append(d.Blocks, block{Heading: s}) }
func (d *document) paragraph(s string) { d.Blocks = append(d.Blocks, block{Paragraph: s}) }
func (d *document) note(s string)      { d.Blocks = append(d.Blocks, block{Note: s}) }
func (d *document) tiles(ts []tile)    { d.Blocks = append(d.Blocks, block{Tiles: ts}) }
func (d *document) addTable(t *table)  { d.Blocks = append(d.Blocks, block{Table: t}) }
func (d *document) addChart(c *chart)  { d.Blocks = append(d.Blocks, block{Chart: c}) }
