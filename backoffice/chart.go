package backoffice

import "strconv"

// BarChart is a horizontal bar chart drawn server-side as SVG by the
// chart template: role="img" with a <title>, and every bar labelled with
// its text and number, so it reads without colour or a mouse.
type BarChart struct {
	ID     string
	Title  string
	Width  int
	Height int
	Bars   []Bar
	Empty  bool
}

// Bar is one bar, positioned.
type Bar struct {
	Label      string // full text, in the bar's <title>
	Short      string // what fits left of the bar
	Value      string
	Y, W       int
	TextY      int
	ValueX     int
	LabelWidth int
}

const (
	chartWidth  = 420 // about a phone's width, so text stays legible unscaled
	chartLabelW = 170
	chartBarH   = 22
	chartGap    = 10
)

// NewBarChart lays out the counts; the longest bar spans the plot width.
func NewBarChart(id, title string, counts []Count) BarChart {
	c := BarChart{ID: id, Title: title, Width: chartWidth}
	var maxN int64
	for _, n := range counts {
		maxN = max(maxN, n.N)
	}
	plot := chartWidth - chartLabelW - 40
	for i, n := range counts {
		w := 0
		if maxN > 0 {
			w = int(int64(plot) * n.N / maxN)
		}
		y := i * (chartBarH + chartGap)
		c.Bars = append(c.Bars, Bar{Label: n.Label, Short: shorten(n.Label, 22), Value: strconv.FormatInt(n.N, 10), Y: y, W: w,
			TextY: y + chartBarH/2 + 5, ValueX: chartLabelW + w + 6, LabelWidth: chartLabelW})
	}
	c.Empty = len(counts) == 0
	c.Height = max(len(counts)*(chartBarH+chartGap), chartBarH)
	return c
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
