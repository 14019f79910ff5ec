package ingest

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tables are found in a page's word boxes (pdf_layout.go) in three steps.
//
// Bands: lines that sit side by side, x-disjoint and overlapping in y by
// at least a third of the smaller height, form one band; overlap chains,
// so a cell centred between two lines of its neighbour joins both. A band
// of two or more lines is a candidate table row.
//
// Columns: the gutters are the x ranges no word of the candidate rows
// covers. Where pdftotext split a row into separate lines, the widest
// gutter inside each split gets a vote; gutters voted by two rows or more
// separate columns. Words are then put in columns by position, so a line
// that pdftotext ran across two cells is split again.
//
// Rows: each band with words in two columns or more starts a row. A band
// in one column between rows is a wrapped cell and joins the nearer row; a
// band after the last row joins it only when its text continues the cell
// (lower-case start, or the cell ends in a hyphen). Anything else ends the
// table.
//
// The result must then look like a table and not like prose set in
// columns, a list with page numbers or "label: value" lines (plausible):
// a false table scrambles text that reading order had right, a missed one
// only leaves cells as separate lines, as before.

// pageTable is a table found on a page: the lines (indices in reading
// order) it was read from, first to last, and its rows, header first.
type pageTable struct {
	first, last int
	rows        [][]string
}

// layoutBand is a set of lines side by side.
type layoutBand struct {
	lines  []int // x order
	y0, y1 float64
	height float64 // smallest line height
}

const (
	minRowOverlap   = 0.3 // of the smaller line height, for lines side by side
	maxWrapGap      = 0.5 // of the line height, between a cell's wrapped lines
	maxTableColumns = 12
	maxCellLines    = 10
)

// findTables returns the tables on one page.
func findTables(lines []layoutLine) []pageTable {
	bands := layoutBands(lines)
	var out []pageTable
	for i := 0; i < len(bands); {
		if len(bands[i].lines) < 2 {
			i++
			continue
		}
		// A run: bands side by side, with at most three one-line bands
		// between them (wrapped cells), and two after (a last wrapped cell).
		last := i
		for j := i + 1; j < len(bands) && j-last <= 3; j++ {
			if len(bands[j].lines) >= 2 {
				last = j
			}
		}
		end := min(last+3, len(bands))
		out = append(out, tablesInRun(lines, bands[i:end])...)
		i = last + 1
	}
	return out
}

// layoutBands groups the lines of a page into bands, top to bottom.
func layoutBands(lines []layoutLine) []layoutBand {
	parent := make([]int, len(lines))
	for i := range parent {
		parent[i] = i
	}
	var root func(int) int
	root = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	var order []int
	for i, l := range lines {
		if len(l.words) > 0 && l.height() > 0 {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(lines[a].y0, lines[b].y0) })
	for a, i := range order {
		for _, j := range order[a+1:] {
			if lines[j].y0 >= lines[i].y1 {
				break
			}
			if sideBySide(lines[i], lines[j]) {
				parent[root(i)] = root(j)
			}
		}
	}
	byRoot := map[int]int{}
	var bands []layoutBand
	for _, i := range order {
		r := root(i)
		k, ok := byRoot[r]
		if !ok {
			k = len(bands)
			byRoot[r] = k
			bands = append(bands, layoutBand{y0: lines[i].y0, y1: lines[i].y1, height: lines[i].height()})
		}
		b := &bands[k]
		b.lines = append(b.lines, i)
		b.y0, b.y1 = min(b.y0, lines[i].y0), max(b.y1, lines[i].y1)
		b.height = min(b.height, lines[i].height())
	}
	for k := range bands {
		slices.SortFunc(bands[k].lines, func(a, b int) int { return cmpFloat(lines[a].x0, lines[b].x0) })
	}
	slices.SortStableFunc(bands, func(a, b layoutBand) int { return cmpFloat(a.y0, b.y0) })
	return bands
}

// sideBySide: the lines do not overlap in x and share enough of their
// height to be read as one row.
func sideBySide(a, b layoutLine) bool {
	if a.x1 > b.x0 && b.x1 > a.x0 {
		return false
	}
	overlap := min(a.y1, b.y1) - max(a.y0, b.y0)
	return overlap >= minRowOverlap*min(a.height(), b.height())
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// span is an x range.
type span struct{ x0, x1 float64 }

// tablesInRun reads the tables of a run of bands; a band that cannot be
// part of a table splits the run.
func tablesInRun(lines []layoutLine, run []layoutBand) []pageTable {
	for len(run) > 0 && len(run[0].lines) < 2 {
		run = run[1:]
	}
	if len(run) < 2 {
		return nil
	}
	var multi []layoutBand
	lastMulti := 0
	for k, b := range run {
		if len(b.lines) >= 2 {
			multi = append(multi, b)
			lastMulti = k
		}
	}
	// A line of text between tables (no gap in it wider than its spaces)
	// that runs across the columns of the side-by-side rows ends one
	// table; cut there before it hides their gutters.
	rough := &tableBuilder{lines: lines, seps: columnSeparators(lines, multi, multi)}
	for k, b := range run[:lastMulti] {
		if len(b.lines) == 1 && !hasWideGap(lines[b.lines[0]]) {
			if cols, ok := rough.columns(b); !ok || len(cols) > 1 {
				return append(tablesInRun(lines, run[:k]), tablesInRun(lines, run[k+1:])...)
			}
		}
	}
	seps := columnSeparators(lines, run[:lastMulti+1], multi)
	if len(seps) == 0 || len(seps)+1 > maxTableColumns {
		return nil
	}
	tb := &tableBuilder{lines: lines, seps: seps}
	k := tb.rows(run)
	var out []pageTable
	if t, ok := tb.table(); ok {
		out = append(out, t)
	}
	if k < len(run) {
		out = append(out, tablesInRun(lines, run[k+1:])...)
	}
	return out
}

// columnSeparators returns the gutters (see the top of the file) that
// separate columns, left to right. The gutters are where no word of
// bands is; the bands of multi, split by pdftotext, vote. Bands between
// those count for the gutters, since a row that pdftotext read as one
// line must not be cut inside a word.
func columnSeparators(lines []layoutLine, bands, multi []layoutBand) []span {
	var covered []span
	for _, b := range bands {
		for _, i := range b.lines {
			for _, w := range lines[i].words {
				covered = append(covered, span{w.x0, w.x1})
			}
		}
	}
	covered = mergeSpans(covered)
	gaps := make([]span, 0, len(covered))
	for i := 1; i < len(covered); i++ {
		gaps = append(gaps, span{covered[i-1].x1, covered[i].x0})
	}
	votes := make([]int, len(gaps))
	for _, b := range multi {
		var ls []span
		for _, i := range b.lines {
			ls = append(ls, span{lines[i].x0, lines[i].x1})
		}
		merged := mergeSpans(ls)
		voted := map[int]bool{}
		for i := 1; i < len(merged); i++ {
			split := span{merged[i-1].x1, merged[i].x0}
			best := -1
			for g, s := range gaps {
				if s.x0 >= split.x0 && s.x1 <= split.x1 && (best < 0 || s.x1-s.x0 > gaps[best].x1-gaps[best].x0) {
					best = g
				}
			}
			if best >= 0 && !voted[best] {
				voted[best] = true
				votes[best]++
			}
		}
	}
	var seps []span
	for g, s := range gaps {
		if votes[g] >= 2 {
			seps = append(seps, s)
		}
	}
	return seps
}

// mergeSpans sorts spans and merges the overlapping ones.
func mergeSpans(in []span) []span {
	slices.SortFunc(in, func(a, b span) int { return cmpFloat(a.x0, b.x0) })
	var out []span
	for _, s := range in {
		if n := len(out); n > 0 && s.x0 <= out[n-1].x1 {
			out[n-1].x1 = max(out[n-1].x1, s.x1)
			continue
		}
		out = append(out, s)
	}
	return out
}

// tableBuilder puts the bands of a run into rows and cells.
type tableBuilder struct {
	lines []layoutLine
	seps  []span
	rowsB [][]layoutBand
}

// column of a word: how many separators lie left of its centre.
func (tb *tableBuilder) column(w layoutWord) int {
	c := (w.x0 + w.x1) / 2
	n := 0
	for _, s := range tb.seps {
		if (s.x0+s.x1)/2 < c {
			n++
		}
	}
	return n
}

// columns of a band: the set of columns its words fall in, and whether a
// word straddles a separator (then the band is not part of a table).
func (tb *tableBuilder) columns(b layoutBand) (map[int]bool, bool) {
	cols := map[int]bool{}
	for _, i := range b.lines {
		for _, w := range tb.lines[i].words {
			for _, s := range tb.seps {
				if m := (s.x0 + s.x1) / 2; w.x0 < m && w.x1 > m {
					return nil, false
				}
			}
			cols[tb.column(w)] = true
		}
	}
	if len(b.lines) == 1 && len(cols) >= 2 && !tb.wideSplits(tb.lines[b.lines[0]]) {
		return nil, false
	}
	return cols, true
}

// hasWideGap: some gap between the line's words is much wider than its
// spaces, as between cells.
func hasWideGap(l layoutLine) bool {
	space, widest := math.Inf(1), 0.0
	for k := 1; k < len(l.words); k++ {
		gap := l.words[k].x0 - l.words[k-1].x1
		space, widest = min(space, gap), max(widest, gap)
	}
	if len(l.words) == 2 {
		return widest >= 0.5*l.height()
	}
	return len(l.words) > 2 && widest >= 1.5*space && widest >= 0.3*l.height()
}

// wideSplits: where a line that pdftotext did not split crosses into the
// next column, the gap is wider than a space of that line, so it is a
// row read as one line and not a line of text whose spaces happen to
// fall on a gutter.
func (tb *tableBuilder) wideSplits(l layoutLine) bool {
	space, widest := math.Inf(1), math.Inf(1)
	for k := 1; k < len(l.words); k++ {
		gap := l.words[k].x0 - l.words[k-1].x1
		if tb.column(l.words[k]) != tb.column(l.words[k-1]) {
			widest = min(widest, gap) // the narrowest split decides
		} else {
			space = min(space, gap)
		}
	}
	if math.IsInf(space, 1) {
		return widest >= 0.5*l.height()
	}
	return widest >= 1.5*space && widest >= 0.3*l.height()
}

// rows files the bands of run into tb.rowsB and returns the index of the
// first band that is not part of the table (len(run) when all are).
func (tb *tableBuilder) rows(run []layoutBand) int {
	var pending []layoutBand // one-column bands waiting for the next row
	for k, b := range run {
		cols, ok := tb.columns(b)
		if !ok {
			return k
		}
		if len(cols) >= 2 {
			tb.rowsB = append(tb.rowsB, append(pending, b))
			pending = nil
			continue
		}
		if len(tb.rowsB) == 0 {
			return k
		}
		prev := run[k-1]
		gapPrev := b.y0 - prev.y1
		nextRow := -1
		for j := k + 1; j < len(run); j++ {
			if c, ok := tb.columns(run[j]); ok && len(c) >= 2 {
				nextRow = j
				break
			}
		}
		if nextRow < 0 {
			// After the last row: only a continued cell joins it.
			if len(pending) > 0 || gapPrev > maxWrapGap*b.height || !tb.continues(prev, b) {
				return k
			}
			last := len(tb.rowsB) - 1
			tb.rowsB[last] = append(tb.rowsB[last], b)
			continue
		}
		gapNext := run[k+1].y0 - b.y1
		if min(gapPrev, gapNext) > maxWrapGap*b.height {
			return k
		}
		if gapPrev <= gapNext && len(pending) == 0 {
			last := len(tb.rowsB) - 1
			tb.rowsB[last] = append(tb.rowsB[last], b)
		} else {
			pending = append(pending, b)
		}
	}
	if len(pending) > 0 {
		return len(run) - len(pending)
	}
	return len(run)
}

// continues: band b's text carries on a cell of band prev in its column.
func (tb *tableBuilder) continues(prev, b layoutBand) bool {
	text := tb.lineText(b.lines[0])
	col := tb.column(tb.lines[b.lines[0]].words[0])
	if startsLower(text) {
		return true
	}
	for _, i := range prev.lines {
		for _, frag := range tb.fragments(i) {
			if frag.col == col && hyphenated(frag.text) {
				return true
			}
		}
	}
	return false
}

// fragment is the part of one line in one column.
type fragment struct {
	col    int
	y0, x0 float64
	x1     float64
	height float64
	first  float64 // width of its first word
	text   string
}

// fragments splits line i at the column separators.
func (tb *tableBuilder) fragments(i int) []fragment {
	l := tb.lines[i]
	var out []fragment
	var prev layoutWord
	for _, w := range l.words {
		col := tb.column(w)
		if n := len(out); n > 0 && out[n-1].col == col {
			f := &out[n-1]
			if w.x0-prev.x1 > 0.1*l.height() {
				f.text += " "
			}
			f.text += w.text
			f.x1 = w.x1
		} else {
			out = append(out, fragment{col: col, y0: l.y0, x0: w.x0, x1: w.x1, height: l.height(), first: w.x1 - w.x0, text: w.text})
		}
		prev = w
	}
	return out
}

func (tb *tableBuilder) lineText(i int) string {
	var parts []string
	for _, f := range tb.fragments(i) {
		parts = append(parts, f.text)
	}
	return strings.Join(parts, " ")
}

// cellLines are the visual lines of one cell, top to bottom.
type cellLines []fragment

// table turns the rows into a pageTable, or reports that they do not
// read as a table.
func (tb *tableBuilder) table() (pageTable, bool) {
	ncol := len(tb.seps) + 1
	if len(tb.rowsB) < 2 {
		return pageTable{}, false
	}
	cells := make([][]cellLines, len(tb.rowsB))
	first, last, count := len(tb.lines), -1, 0
	for r, bands := range tb.rowsB {
		cells[r] = make([]cellLines, ncol)
		for _, b := range bands {
			for _, i := range b.lines {
				first, last, count = min(first, i), max(last, i), count+1
				for _, f := range tb.fragments(i) {
					cells[r][f.col] = append(cells[r][f.col], f)
				}
			}
		}
		for c := range cells[r] {
			cells[r][c] = visualLines(cells[r][c])
		}
	}
	// The table must be one run of the reading order, or it could not
	// take the place of its lines in the text.
	if last-first+1 != count {
		return pageTable{}, false
	}
	t := pageTable{first: first, last: last, rows: make([][]string, len(cells))}
	for r := range cells {
		t.rows[r] = make([]string, ncol)
		for c, cl := range cells[r] {
			if len(cl) > maxCellLines {
				return pageTable{}, false
			}
			t.rows[r][c] = cl.text()
		}
	}
	if !plausibleTable(t.rows) || flowsLikeProse(cells) {
		return pageTable{}, false
	}
	return t, true
}

// visualLines joins the fragments of one cell that sit on one line (left
// to right) and orders the lines top to bottom.
func visualLines(fs []fragment) cellLines {
	slices.SortStableFunc(fs, func(a, b fragment) int { return cmpFloat(a.y0, b.y0) })
	var out cellLines
	for _, f := range fs {
		if n := len(out); n > 0 && f.y0-out[n-1].y0 < 0.5*min(f.height, out[n-1].height) {
			o := &out[n-1]
			if f.x0 < o.x0 {
				o.text = f.text + " " + o.text
				o.x0, o.first = f.x0, f.first
			} else {
				o.text += " " + f.text
			}
			o.x1 = max(o.x1, f.x1)
			continue
		}
		out = append(out, f)
	}
	return out
}

func (cl cellLines) text() string {
	lines := make([]string, len(cl))
	for i, f := range cl {
		lines[i] = f.text
	}
	return joinWrapped(lines)
}

var leaderRe = regexp.MustCompile(`^[.·…_\-\s]{3,}$`)

// plausibleTable checks the cells: a header row of words (not "label:",
// not numbers, so that "label: value" lines, lists with page numbers and
// a heading beside a date are not taken for tables), every column filled
// in two rows or more, no leader dots, no column of list items.
func plausibleTable(rows [][]string) bool {
	header, filled := 0, 0
	for _, c := range rows[0] {
		if c == "" {
			continue
		}
		filled++
		if strings.HasSuffix(c, ":") || strings.ContainsFunc(c, unicode.IsDigit) || !strings.ContainsFunc(c, unicode.IsLetter) {
			return false
		}
		header++
	}
	if header < 2 {
		return false
	}
	for c := range rows[0] {
		n, items := 0, 0
		for _, r := range rows {
			if r[c] != "" {
				n++
			}
			if leaderRe.MatchString(r[c]) {
				return false
			}
			if _, ok := listItemText(r[c]); ok {
				items++
			}
		}
		// A list set in columns pairs items that have nothing in common.
		if n < 2 || items*2 >= n {
			return false
		}
	}
	labels := 0
	for _, r := range rows[1:] {
		if strings.HasSuffix(r[0], ":") {
			labels++
		}
	}
	return labels*2 < len(rows)-1
}

// flowsLikeProse reports whether some column reads like text set in
// columns rather than cells: most of its lines are nearly as wide as the
// column, and from row to row its text runs on as a wrapped line does (the
// next row starts in lower case and its first word would not have fitted
// after the line above, or the line above ends in a hyphen). A column of
// prose does this on nearly every line; the description column of a table
// has lines of all lengths.
func flowsLikeProse(cells [][]cellLines) bool {
	for c := range cells[0] {
		left, right := math.Inf(1), 0.0
		for _, row := range cells {
			for _, f := range row[c] {
				left, right = min(left, f.x0), max(right, f.x1)
			}
		}
		lines, full := 0, 0
		for _, row := range cells {
			for _, f := range row[c] {
				lines++
				if f.x1-left >= 0.75*(right-left) {
					full++
				}
			}
		}
		pairs, links := 0, 0
		for r := 1; r < len(cells); r++ {
			above, below := cells[r-1][c], cells[r][c]
			if len(above) == 0 || len(below) == 0 {
				continue
			}
			pairs++
			last, next := above[len(above)-1], below[0]
			r0, _ := utf8.DecodeRuneInString(next.text)
			if unicode.IsLower(r0) && (hyphenated(last.text) || last.x1+0.25*last.height+next.first > right) {
				links++
			}
		}
		if full*10 >= lines*6 && links >= 2 && links*2 >= pairs {
			return true
		}
	}
	return false
}
