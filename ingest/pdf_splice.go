package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The text of a PDF is still pdftotext's default output, read by the
// line heuristics; only a table's lines are swapped for a marker. Each of
// those lines becomes a line of the same length made of one private-use
// rune (tableMarkBase + the table's number), so the line-length
// statistics that decide where paragraphs wrap see what they saw before,
// and groupLines turns the run of marked lines into the table.
const (
	tableMarkBase = 0xF0000
	maxPDFTables  = 0xFFFD // plane 15 has U+F0000..U+FFFFD
)

func isTableMark(r rune) bool { return r >= tableMarkBase && r < tableMarkBase+maxPDFTables }

// spliceTables marks the lines of the tables found in layout in text,
// pdftotext's default output (one form feed after each page), and returns
// the marked text and the tables' rows by number. A page whose lines do
// not match layout's line for line (OCR replaced it, or the two runs
// disagree) keeps its text, and so does every page when text already
// holds a marker rune.
func spliceTables(text string, layout []layoutPage) (string, [][][]string) {
	if len(layout) == 0 || strings.ContainsFunc(text, isTableMark) {
		return text, nil
	}
	pages := strings.Split(text, "\f")
	if len(pages)-1 != len(layout) {
		return text, nil
	}
	var tables [][][]string
	for i, lp := range layout {
		if len(lp.tables) > 0 {
			pages[i] = splicePage(pages[i], lp, &tables)
		}
	}
	return strings.Join(pages, "\f"), tables
}

// splicePage marks the tables of one page.
func splicePage(page string, lp layoutPage, tables *[][][]string) string {
	lines := strings.Split(page, "\n")
	from, to, ok := alignLines(lines, lp.keys)
	if !ok {
		return page
	}
	drop := make([]bool, len(lines))
	for _, t := range lp.tables {
		if len(*tables) >= maxPDFTables {
			break
		}
		first, last := -1, -1
		fits := true
		for i := range lines {
			if from[i] < 0 || to[i] < t.first || from[i] > t.last {
				continue
			}
			// A line of the output that is partly table and partly not
			// (a hyphen joined them) cannot be replaced.
			fits = fits && from[i] >= t.first && to[i] <= t.last
			if first < 0 {
				first = i
			}
			last = i
		}
		if !fits || first < 0 {
			continue
		}
		mark := string(rune(tableMarkBase + len(*tables)))
		for i := first; i <= last; i++ {
			if from[i] < 0 {
				drop[i] = true // a blank line inside the table
				continue
			}
			lines[i] = strings.Repeat(mark, utf8.RuneCountInString(strings.TrimSpace(lines[i])))
		}
		*tables = append(*tables, t.rows)
	}
	kept := lines[:0]
	for i, l := range lines {
		if !drop[i] {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// alignLines matches the lines of a page of default output with the
// layout lines' keys, in order: every non-blank output line is one layout
// line or several (pdftotext joins a line ending in a hyphen with the
// next, dropping the hyphen). from[i]..to[i] are the layout lines of
// output line i, -1 for a blank line. ok is false when the two disagree.
func alignLines(lines, keys []string) (from, to []int, ok bool) {
	from, to = make([]int, len(lines)), make([]int, len(lines))
	b := 0
	skipEmpty := func() {
		for b < len(keys) && keys[b] == "" {
			b++
		}
	}
	for i, l := range lines {
		rest := stripSpace(l)
		from[i], to[i] = -1, -1
		if rest == "" {
			continue
		}
		skipEmpty()
		from[i] = b
		for rest != "" {
			skipEmpty()
			if b >= len(keys) {
				return nil, nil, false
			}
			k := keys[b]
			if strings.HasPrefix(rest, k) {
				rest = rest[len(k):]
			} else if cut := trimDash(k); cut != k && cut != "" && strings.HasPrefix(rest, cut) {
				rest = rest[len(cut):]
			} else {
				return nil, nil, false
			}
			to[i] = b
			b++
		}
	}
	skipEmpty()
	return from, to, b == len(keys)
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// trimDash drops a final hyphen or dash.
func trimDash(s string) string {
	r, n := utf8.DecodeLastRuneInString(s)
	if r == '-' || r == '\u2010' || r == '\u00ad' || unicode.Is(unicode.Pd, r) {
		return s[:len(s)-n]
	}
	return s
}
