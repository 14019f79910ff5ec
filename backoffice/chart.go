package backoffice

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BarChart is a horizontal bar chart drawn server-side as SVG by the
// chart template: role="img" with a <title>, and every bar labelled with
// its text and number, so it reads without colour or a mouse. Labels are
// wrapped, never cut: a long one takes more lines and its row grows.
type BarChart struct {
	ID     string
	Title  string
	Width  int
	Height int
	Bars   []Bar
	Empty  bool
	// Stacked charts show 👍 and 👎 votes as two parts of one bar.
	Stacked bool
}

// Bar is one bar, positioned.
type Bar struct {
	Label      string // full text, in the bar's <title>
	Lines      []Line // the label wrapped to the label column
	Value      string
	Title      string // the bar's <title>: label and numbers in words
	Y, W       int
	Down       int // width of the 👎 part at the bar's end (stacked charts)
	ValueX     int
	ValueY     int
	LabelWidth int
}

// Line is one line of a wrapped label.
type Line struct {
	Text string
	Y    int
}

const (
	chartWidth  = 420 // about a phone's width, so text stays legible unscaled
	chartLabelW = 170
	chartBarH   = 22
	chartGap    = 10
	chartFontPx = 13 // .chart .lbl's font-size
	chartLineH  = 16
	// chartValueW is kept right of the longest bar for its number.
	chartValueW = 40
)

// NewBarChart lays out the counts; the longest bar spans the plot width.
func NewBarChart(id, title string, counts []Count) BarChart {
	rows := make([]chartRow, len(counts))
	for i, n := range counts {
		rows[i] = chartRow{label: n.Label, total: n.N, value: strconv.FormatInt(n.N, 10), title: n.Label + ": " + strconv.FormatInt(n.N, 10)}
	}
	return layout(id, title, rows, chartValueW)
}

// RatingCount is one row of a rating chart: a label and its votes.
type RatingCount struct {
	Label    string
	Up, Down int64
}

// NewRatingChart lays out 👍/👎 votes as stacked bars, the share of 👍
// beside each: "80 % (12/15)"; the bar's title says it in words.
func NewRatingChart(id, title string, counts []RatingCount) BarChart {
	rows := make([]chartRow, len(counts))
	for i, n := range counts {
		total := n.Up + n.Down
		share := 0
		if total > 0 {
			share = int((n.Up*100 + total/2) / total)
		}
		rows[i] = chartRow{label: n.Label, total: total, down: n.Down,
			value: fmt.Sprintf("%d %% (%d/%d)", share, n.Up, total),
			title: fmt.Sprintf("%s: %d korisno, %d nije korisno", n.Label, n.Up, n.Down)}
	}
	c := layout(id, title, rows, 110)
	c.Stacked = true
	return c
}

type chartRow struct {
	label, value, title string
	total, down         int64
}

func layout(id, title string, rows []chartRow, valueW int) BarChart {
	c := BarChart{ID: id, Title: title, Width: chartWidth, Empty: len(rows) == 0}
	var maxN int64
	for _, r := range rows {
		maxN = max(maxN, r.total)
	}
	plot := chartWidth - chartLabelW - valueW
	y := 0
	for _, r := range rows {
		w, down := 0, 0
		if maxN > 0 {
			w = int(int64(plot) * r.total / maxN)
			if r.total > 0 {
				down = int(int64(w) * r.down / r.total)
			}
		}
		lines := wrapLabel(r.label, chartLabelW-8-4)
		rowH := max(chartBarH, len(lines)*chartLineH+6)
		barY := y + (rowH-chartBarH)/2
		first := y + (rowH-len(lines)*chartLineH)/2 + chartLineH - 4 // baseline of the first line
		b := Bar{Label: r.label, Value: r.value, Title: r.title, Y: barY, W: w, Down: down,
			ValueX: chartLabelW + w + 6, ValueY: barY + chartBarH/2 + 5, LabelWidth: chartLabelW}
		for i, l := range lines {
			b.Lines = append(b.Lines, Line{Text: l, Y: first + i*chartLineH})
		}
		c.Bars = append(c.Bars, b)
		y += rowH + chartGap
	}
	c.Height = max(y-chartGap, chartBarH)
	return c
}

// wrapLabel breaks s into lines no wider than width pixels at the chart's
// font size, at spaces; a word wider than a line is broken inside.
func wrapLabel(s string, width float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		for textWidth(word) > width { // a word alone too long: cut it
			cut := fitRunes(word, width)
			if line != "" {
				lines, line = append(lines, line), ""
			}
			lines, word = append(lines, word[:cut]), word[cut:]
		}
		switch {
		case line == "":
			line = word
		case textWidth(line+" "+word) <= width:
			line += " " + word
		default:
			lines, line = append(lines, line), word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// fitRunes returns the byte length of the longest prefix of s (at least
// one rune) that fits width.
func fitRunes(s string, width float64) int {
	w, end := 0.0, 0
	for i, r := range s {
		w += runeWidth(r)
		if w > width && i > 0 {
			return end
		}
		end = i + utf8.RuneLen(r)
	}
	return end
}

// textWidth estimates how wide s is drawn at the chart's font size. The
// widths are those of DejaVu Sans (the fallback the pages name), rounded
// up so that narrower system fonts fit too: a label may wrap a little
// early, never overflow.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) float64 {
	em := 0.64 // DejaVu Sans's widest ordinary lower-case letters (b, d, n, u: 0.635)
	switch {
	case strings.ContainsRune("iljIJ.,:;'|!ıј", r):
		em = 0.32
	case r == ' ':
		em = 0.33
	case strings.ContainsRune("ftr()[]-/„“”‘’", r):
		em = 0.45
	case strings.ContainsRune("mwжшщюыМШЩЮЖЫWM—…", r):
		em = 1.0
	case unicode.IsDigit(r):
		em = 0.64
	case unicode.IsUpper(r):
		em = 0.8
	case r > 0x2000: // other symbols and emoji
		em = 1.0
	}
	return em * chartFontPx
}
