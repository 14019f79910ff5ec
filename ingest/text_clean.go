package ingest

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// cleanBlocks normalizes every block's text and drops blocks left empty,
// so loaders need not care about stray whitespace.
func cleanBlocks(in []Block) []Block {
	out := in[:0]
	for _, b := range in {
		switch b.Kind {
		case Table:
			b.Rows = cleanRows(b.Rows)
			if len(b.Rows) == 0 {
				continue
			}
		case Heading:
			b.Text = oneLine(b.Text)
			b.Level = min(max(b.Level, 1), 6)
		default:
			b.Text = cleanText(b.Text)
		}
		if b.Kind != Table && b.Text == "" {
			continue
		}
		out = append(out, b)
	}
	return out
}

// cleanRows cleans cells, drops all-empty rows and pads rows to one width,
// so renderers can index cells by column.
func cleanRows(rows [][]string) [][]string {
	var out [][]string
	width := 0
	for _, r := range rows {
		row := make([]string, len(r))
		empty := true
		for i, c := range r {
			row[i] = oneLine(c)
			if row[i] != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		width = max(width, len(row))
		out = append(out, row)
	}
	for i, r := range out {
		for len(r) < width {
			r = append(r, "")
		}
		out[i] = r
	}
	return out
}

// cleanText applies NFC (macOS and some PDFs emit decomposed č, ć), drops
// invisible characters, collapses runs of spaces and trims every line.
// Line breaks are kept; empty lines are removed.
func cleanText(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(visible, s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = collapseSpaces(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// oneLine is cleanText with line breaks turned into spaces, for headings,
// titles and table cells.
func oneLine(s string) string {
	return strings.ReplaceAll(cleanText(s), "\n", " ")
}

// visible maps characters that carry no text to nothing (or a space), so
// that "po\u00adrez" and "porez" match in search.
func visible(r rune) rune {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return -1
	case '\r':
		return '\n'
	case '\u2028', '\u2029':
		return '\n'
	}
	return r
}

// collapseSpaces turns each run of horizontal whitespace into one space
// (or one tab when the run held a tab, since tabs separate form fields)
// and trims the ends.
func collapseSpaces(l string) string {
	var b strings.Builder
	b.Grow(len(l))
	pending, tab := false, false
	for _, r := range l {
		if r == '\t' || (r != '\n' && unicode.IsSpace(r)) {
			pending = true
			tab = tab || r == '\t'
			continue
		}
		if pending && b.Len() > 0 {
			if tab {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		}
		pending, tab = false, false
		b.WriteRune(r)
	}
	return b.String()
}

func splitLinesKeep(s string) []string {
	return strings.SplitAfter(s, "\n")
}

func trimEOL(s string) string {
	return strings.TrimRight(s, " \t\r\n")
}
