package reports

import (
	"bytes"
	"fmt"
	"image/color"
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
)

// cjkTypeface is the name charts use for the CJK font in gonum's font cache.
const cjkTypeface = "ZhuqiCJK"

// palette are the series colours, in order.
var palette = []color.Color{
	color.RGBA{180, 30, 30, 255},
	color.RGBA{40, 90, 160, 255},
	color.RGBA{230, 150, 30, 255},
	color.RGBA{60, 140, 80, 255},
	color.RGBA{120, 120, 120, 255},
}

var handlers sync.Map // font path → text.Handler

// textHandler returns a gonum text handler whose only font is the CJK font at path, so
// every label of a chart, Chinese or not, is drawn with it.
func textHandler(path string) (text.Handler, error) {
	if h, ok := handlers.Load(path); ok {
		return h.(text.Handler), nil
	}
	data, err := fontData(path)
	if err != nil {
		return nil, err
	}
	f, err := xfont.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("chart font %s: %w", path, err)
	}
	cache := font.NewCache(font.Collection{{Font: font.Font{Typeface: cjkTypeface}, Face: f}})
	h := text.Plain{Fonts: cache}
	handlers.Store(path, h)
	return h, nil
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
	p.Title.Text = title
	p.Title.Padding = 6
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = 4
	p.Y.Padding = 2
	p.X.Padding = 2
	p.Add(plotter.NewGrid())
	return p
}

// render draws p as PNG and SVG.
func render(p *plot.Plot, name, caption string) (*chart, error) {
	img := vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(chartDPI))
	p.Draw(draw.New(img))
	var png bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&png); err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	svg := vgsvg.New(chartW, chartH)
	p.Draw(draw.New(svg))
	var sv bytes.Buffer
	if _, err := svg.WriteTo(&sv); err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	return &chart{Name: name, Caption: caption, PNG: png.Bytes(), SVG: sv.Bytes()}, nil
}

// series is one named set of values, one per category.
type series struct {
	Name   string
	Values []float64
}

// bars draws grouped vertical bars (or horizontal with horizontal set) of the series
// over the categories; with line ≥ 0, a dashed reference line at that value, named
// lineName.
func (c charter) bars(name, title, caption, yLabel string, cats []string, ss []series, horizontal bool, line float64, lineName string) (*chart, error) {
	p := c.newPlot(title)
	n := float64(len(ss))
	width := vg.Length(10)
	if len(cats) > 0 {
		avail := (chartW - 60) / vg.Length(len(cats))
		if horizontal {
			avail = (chartH - 50) / vg.Length(len(cats))
		}
		width = min(vg.Length(18), avail*0.8/vg.Length(n))
	}
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
			p.Legend.Add(s.Name, b)
		}
	}
	if line >= 0 {
		f := plotter.NewFunction(func(float64) float64 { return line })
		if horizontal {
			xy := plotter.XYs{{X: line, Y: -0.5}, {X: line, Y: float64(len(cats)) - 0.5}}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.Color, l.Dashes, l.Width = palette[0], []vg.Length{4, 3}, 1.2
			p.Add(l)
			p.Legend.Add(lineName, l)
		} else {
			f.Color, f.Dashes, f.Width = palette[2], []vg.Length{4, 3}, 1.5
			p.Add(f)
			p.Legend.Add(lineName, f)
		}
	}
	if horizontal {
		p.NominalY(cats...)
		p.X.Label.Text = yLabel
		p.X.Min = 0
	} else {
		p.NominalX(cats...)
		p.Y.Label.Text = yLabel
		p.Y.Min = 0
	}
	return render(p, name, caption)
}

// lines draws one line with points per series over the categories (e.g. months), on a
// percentage axis when pct is set (values are fractions).
func (c charter) lines(name, title, caption, yLabel string, cats []string, ss []series, pct bool) (*chart, error) {
	p := c.newPlot(title)
	for i, s := range ss {
		xy := make(plotter.XYs, 0, len(s.Values))
		for j, v := range s.Values {
			if v != v { // NaN: undefined rate
				continue
			}
			if pct {
				v *= 100
			}
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
		p.Legend.Add(s.Name, l, pts)
	}
	p.NominalX(cats...)
	p.Y.Label.Text = yLabel
	if pct {
		p.Y.Max = 100
		p.Legend.Top = false
	}
	return render(p, name, caption)
}
