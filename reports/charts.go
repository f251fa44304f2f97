package reports

import (
	"bytes"
	"fmt"
	"image/color"
	pngenc "image/png"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	xfont "golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart size in points, and the PNG resolution.
const (
	chartW   = 16 * vg.Centimeter
	chartH   = 8 * vg.Centimeter
	chartDPI = 150
	// maxChartH is the tallest a chart is drawn: with its caption it fits on a page.
	maxChartH = 600 * vg.Length(1)
)

// Typefaces of the two chart fonts in the font cache.
const (
	cjkTypeface   = "ZhuqiCJK"
	latinTypeface = "ZhuqiLatin"
)

// palette are the series colours, in order.
var palette = []color.Color{
	color.RGBA{180, 30, 30, 255},
	color.RGBA{40, 90, 160, 255},
	color.RGBA{230, 150, 30, 255},
	color.RGBA{60, 140, 80, 255},
	color.RGBA{120, 120, 120, 255},
}

var handlers sync.Map // font path → text.Handler

// textHandler returns a gonum text handler that draws each run of a label with the font
// that has its glyphs: the built-in Latin font or the CJK font at path.
func textHandler(path string) (text.Handler, error) {
	if h, ok := handlers.Load(path); ok {
		return h.(text.Handler), nil
	}
	data, err := fontData(path)
	if err != nil {
		return nil, err
	}
	cjk, err := xfont.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("chart font %s: %w", path, err)
	}
	latin, err := xfont.Parse(latinTTF)
	if err != nil {
		return nil, fmt.Errorf("chart Latin font: %w", err)
	}
	cache := font.NewCache(font.Collection{
		{Font: font.Font{Typeface: cjkTypeface}, Face: cjk},
		{Font: font.Font{Typeface: latinTypeface}, Face: latin},
	})
	h := mixed{fonts: cache}
	handlers.Store(path, h)
	return h, nil
}

// mixed is text.Plain with a font per run (see runs).
type mixed struct{ fonts *font.Cache }

var _ text.Handler = mixed{}

func (h mixed) Cache() *font.Cache { return h.fonts }

func (h mixed) face(fnt font.Font, latin bool) font.Face {
	fnt.Typeface = cjkTypeface
	if latin {
		fnt.Typeface = latinTypeface
	}
	return h.fonts.Lookup(fnt, fnt.Size)
}

func (h mixed) Extents(fnt font.Font) font.Extents {
	fa, fb := h.face(fnt, false), h.face(fnt, true)
	a, b := fa.Extents(), fb.Extents()
	return font.Extents{Ascent: max(a.Ascent, b.Ascent), Descent: max(a.Descent, b.Descent), Height: max(a.Height, b.Height)}
}

func (h mixed) Lines(txt string) []string { return text.Plain{Fonts: h.fonts}.Lines(txt) }

func (h mixed) width(txt string, fnt font.Font) vg.Length {
	var w vg.Length
	for _, r := range runs(txt) {
		f := h.face(fnt, r.latin)
		w += f.Width(r.text)
	}
	return w
}

func (h mixed) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	ext := h.Extents(fnt)
	return h.width(txt, fnt), ext.Ascent, ext.Descent
}

// Draw is text.Plain's Draw, run by run.
func (h mixed) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin
	lines := h.Lines(txt)
	ht := sty.Height(txt)
	pt.Y += ht*vg.Length(sty.YAlign) - h.Extents(sty.Font).Ascent
	for i, line := range lines {
		x := vg.Length(sty.XAlign) * h.width(line, sty.Font)
		n := vg.Length(len(lines) - i)
		for _, r := range runs(line) {
			f := h.face(sty.Font, r.latin)
			c.FillString(f, pt.Add(vg.Point{X: x, Y: n * sty.Font.Size}), r.text)
			x += f.Width(r.text)
		}
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}

// charter makes charts with one font.
type charter struct {
	h text.Handler
}

func (c charter) newPlot(title string) *plot.Plot {
	p := plot.New()
	p.TextHandler = c.h
	set := func(s *text.Style, size vg.Length) {
		s.Handler = c.h
		s.Font = font.Font{Typeface: cjkTypeface, Size: size}
	}
	set(&p.Title.TextStyle, 12)
	set(&p.X.Label.TextStyle, 9)
	set(&p.Y.Label.TextStyle, 9)
	set(&p.X.Tick.Label, 8)
	set(&p.Y.Tick.Label, 8)
	set(&p.Legend.TextStyle, 8)
	p.Title.Text = capital(title)
	p.Title.Padding = 6
	p.Y.Padding = 2
	p.X.Padding = 2
	p.Add(plotter.NewGrid())
	return p
}

// axisKind is what a value axis measures; it sets the axis's range.
type axisKind int

const (
	// countAxis counts (tickets): from 0 to a round number above the largest value.
	countAxis axisKind = iota
	// pctAxis is a rate in percent: 0–100%, further only when a value is above 100.
	pctAxis
	// scoreAxis is a score on a 100-point scale: 0–100.
	scoreAxis
)

// axis is a value axis: its label (the unit) and what it measures.
type axis struct {
	Label string
	Kind  axisKind
}

// axisRange is the range of a value axis of kind k whose largest value is top: always
// from 0, so bars and lines are never cut without saying so; rates and scores to 100.
func axisRange(k axisKind, top float64) (lo, hi float64) {
	if k == pctAxis || k == scoreAxis {
		if top <= 100 || math.IsNaN(top) {
			return 0, 100
		}
		return 0, math.Ceil(top/20) * 20
	}
	return 0, niceCeil(top * 1.05)
}

// plainTicks are gonum's default ticks labelled without needless decimals: 250, not
// 250.00.
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(math.Round(ts[i].Value*1e6)/1e6, 'f', -1, 64)
		}
	}
	return ts
}

// niceCeil is the smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten
// that is at least v.
func niceCeil(v float64) float64 {
	if !(v > 0) {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*e >= v*(1-1e-12) {
			return m * e
		}
	}
	return 10 * e
}

// legendItem is one entry of a chart's legend: a bar (a filled box) or a line.
type legendItem struct {
	Name   string
	Color  color.Color
	Line   bool
	Dashes []vg.Length
}

// legendH is the height of the legend strip under a chart.
const legendH = 16 * vg.Length(1)

var fontFamily = regexp.MustCompile(`font-family:([^;"']+)`)

// render draws p as PNG and SVG, h high, with the legend in a strip under the plot,
// outside the plotting area.
func render(p *plot.Plot, legend []legendItem, name, caption string, h vg.Length) (*chart, error) {
	img := vgimg.NewWith(vgimg.UseWH(chartW, h), vgimg.UseDPI(chartDPI))
	drawChart(p, legend, draw.New(img))
	var png bytes.Buffer
	enc := pngenc.Encoder{CompressionLevel: pngenc.BestSpeed}
	if err := enc.Encode(&png, img.Image()); err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	svg := vgsvg.New(chartW, h)
	drawChart(p, legend, draw.New(svg))
	var sv bytes.Buffer
	if _, err := svg.WriteTo(&sv); err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	// A browser without the fonts falls back to its own sans-serif (with CJK).
	svgOut := fontFamily.ReplaceAll(sv.Bytes(), []byte("font-family:'$1',sans-serif"))
	return &chart{Name: name, Caption: caption, W: chartW.Points(), H: h.Points(), PNG: png.Bytes(), SVG: svgOut}, nil
}

// drawChart draws p above a centred one-line legend.
func drawChart(p *plot.Plot, legend []legendItem, dc draw.Canvas) {
	if len(legend) == 0 {
		p.Draw(dc)
		return
	}
	area := dc
	area.Min.Y += legendH
	p.Draw(area)
	sty := p.Legend.TextStyle
	const swatch, gap = 14 * vg.Length(1), 12 * vg.Length(1)
	var total vg.Length
	for i, it := range legend {
		if i > 0 {
			total += gap
		}
		total += swatch + 4 + sty.Width(it.Name)
	}
	x := dc.Min.X + (dc.Max.X-dc.Min.X-total)/2
	y := dc.Min.Y + legendH/2
	sty.YAlign = draw.YCenter
	for _, it := range legend {
		if it.Line {
			dc.StrokeLine2(draw.LineStyle{Color: it.Color, Width: 1.5, Dashes: it.Dashes}, x, y, x+swatch, y)
		} else {
			dc.FillPolygon(it.Color, []vg.Point{{X: x + 2, Y: y - 3.5}, {X: x + swatch - 2, Y: y - 3.5}, {X: x + swatch - 2, Y: y + 3.5}, {X: x + 2, Y: y + 3.5}})
		}
		x += swatch + 4
		dc.FillText(sty, vg.Point{X: x, Y: y}, it.Name)
		x += sty.Width(it.Name) + gap
	}
}

// series is one named set of values, one per category.
type series struct {
	Name   string
	Values []float64
}

// bars draws grouped vertical bars (or horizontal with horizontal set) of the series
// over the categories, on a value axis ax; with line ≥ 0, a dashed reference line at that
// value, named lineName.
func (c charter) bars(name, title, caption string, ax axis, cats []string, ss []series, horizontal bool, line float64, lineName string) (*chart, error) {
	p := c.newPlot(title)
	n := float64(len(ss))
	h := chartH
	if horizontal {
		// Room for each category's label: a taller chart for many.
		h = min(max(chartH, vg.Length(len(cats))*vg.Length(14*n+4)+70), maxChartH)
	}
	width := vg.Length(10)
	if len(cats) > 0 {
		avail := (chartW - 60) / vg.Length(len(cats))
		if horizontal {
			avail = (h - 70) / vg.Length(len(cats))
		}
		width = min(vg.Length(18), avail*0.8/vg.Length(n))
	}
	top := line
	for _, s := range ss {
		for _, v := range s.Values {
			top = max(top, v)
		}
	}
	var legend []legendItem
	for i, s := range ss {
		b, err := plotter.NewBarChart(plotter.Values(s.Values), width)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", name, err)
		}
		b.Color = palette[i%len(palette)]
		b.LineStyle.Width = 0
		b.Offset = vg.Length(float64(i)-(n-1)/2) * width
		b.Horizontal = horizontal
		p.Add(b)
		if len(ss) > 1 {
			legend = append(legend, legendItem{Name: s.Name, Color: b.Color})
		}
	}
	if line >= 0 {
		ends := plotter.XYs{{X: -0.5, Y: line}, {X: float64(len(cats)) - 0.5, Y: line}}
		if horizontal {
			ends = plotter.XYs{{X: line, Y: -0.5}, {X: line, Y: float64(len(cats)) - 0.5}}
		}
		l, err := plotter.NewLine(ends)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", name, err)
		}
		l.Color, l.Dashes, l.Width = palette[2], []vg.Length{4, 3}, 1.5
		p.Add(l)
		legend = append(legend, legendItem{Name: lineName, Color: l.Color, Line: true, Dashes: l.Dashes})
	}
	lo, hi := axisRange(ax.Kind, top)
	if horizontal {
		p.X.Tick.Marker = plainTicks{}
	} else {
		p.Y.Tick.Marker = plainTicks{}
	}
	// Half a slot either side: the first and last bars stand clear of the frame.
	slots := float64(len(cats)) - 0.5
	if horizontal {
		p.NominalY(cats...)
		p.X.Label.Text = ax.Label
		p.X.Min, p.X.Max = lo, hi
		p.Y.Min, p.Y.Max = -0.5, slots
	} else {
		p.NominalX(cats...)
		p.Y.Label.Text = ax.Label
		p.Y.Label.TextStyle.Rotation = 0 // a unit reads upright: 件, %, 分
		p.Y.Min, p.Y.Max = lo, hi
		p.X.Min, p.X.Max = -0.5, slots
	}
	return render(p, legend, name, caption, h)
}

// lines draws one line with points per series over the categories (e.g. months), on the
// value axis ax; on a percentage axis the values are fractions.
func (c charter) lines(name, title, caption string, ax axis, cats []string, ss []series) (*chart, error) {
	p := c.newPlot(title)
	var legend []legendItem
	top := 0.0
	for i, s := range ss {
		xy := make(plotter.XYs, 0, len(s.Values))
		for j, v := range s.Values {
			if v != v { // NaN: undefined rate
				continue
			}
			if ax.Kind == pctAxis {
				v *= 100
			}
			top = max(top, v)
			xy = append(xy, plotter.XY{X: float64(j), Y: v})
		}
		if len(xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", name, err)
		}
		l.Color, l.Width = palette[i%len(palette)], 1.5
		pts.Color, pts.Radius = palette[i%len(palette)], 2
		p.Add(l, pts)
		legend = append(legend, legendItem{Name: s.Name, Color: l.Color, Line: true})
	}
	p.NominalX(cats...)
	p.X.Min, p.X.Max = -0.5, float64(len(cats))-0.5
	p.Y.Label.Text = ax.Label
	p.Y.Label.TextStyle.Rotation = 0 // a unit reads upright: 件, %, 分
	p.Y.Min, p.Y.Max = axisRange(ax.Kind, top)
	p.Y.Tick.Marker = plainTicks{}
	return render(p, legend, name, caption, chartH)
}
