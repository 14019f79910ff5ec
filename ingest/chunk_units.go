package ingest

import (
	"strings"

	"github.com/miasrbija/mia/tokens"
)

// unit is an indivisible piece of chunk text: a paragraph, a list item, a
// table piece, or part of a paragraph too long for one chunk.
type unit struct {
	text      string
	tokens    int
	sep       string // put between this unit and the one before it
	table     bool   // overlap never quotes a table
	overlap   bool   // text repeated from the previous chunk
	noOverlap bool   // start this unit's chunk without overlap
}

func joinUnits(us []unit) string {
	var b strings.Builder
	for i, u := range us {
		if i > 0 {
			b.WriteString(u.sep)
		}
		b.WriteString(u.text)
	}
	return b.String()
}

// blockUnits renders one body block as units of at most maxTokens. Text
// too long for one chunk is cut into pieces of maxTokens-overlap, so that
// each continuation still has room for overlap from the piece before.
func blockUnits(b Block, maxTokens, overlap int) []unit {
	text, sep := b.Text, "\n\n"
	switch b.Kind {
	case Heading:
		return nil
	case Table:
		return tableUnits(b.Rows, maxTokens)
	case ListItem:
		text, sep = "- "+b.Text, "\n" // consecutive items stay a list
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	// Most blocks fit: count them once.
	if n := tokens.Count(text); n <= maxTokens {
		return []unit{{text: text, tokens: n, sep: sep}}
	}
	return piecesToUnits(splitLong(text, maxTokens-overlap), sep)
}

// textUnits splits text into units of at most maxTokens.
func textUnits(text, sep string, maxTokens int) []unit {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	return piecesToUnits(splitToFit(text, maxTokens), sep)
}

// piecesToUnits: pieces after the first continue the same paragraph, so
// they join with a space.
func piecesToUnits(ps []piece, sep string) []unit {
	us := make([]unit, len(ps))
	for i, p := range ps {
		us[i] = unit{text: p.text, tokens: p.tokens, sep: sep}
		if i > 0 {
			us[i].sep = " "
		}
	}
	return us
}

// tableUnits renders a table as Markdown pipe rows under its header. A
// table too long for one chunk is cut between rows and every piece starts
// with the header; a row too long even for that is written as
// "column: value; ..." text and cut like a paragraph.
func tableUnits(rows [][]string, maxTokens int) []unit {
	if len(rows) == 0 {
		return nil
	}
	header := pipeRow(rows[0])
	if len(rows) == 1 {
		return textUnits(header, "\n\n", maxTokens)
	}
	header += "\n" + pipeDelimiter(len(rows[0]))
	if whole := header + "\n" + pipeRows(rows[1:]); tokens.Count(whole) <= maxTokens {
		return []unit{{text: whole, tokens: tokens.Count(whole), sep: "\n\n", table: true}}
	}

	// Rows are counted once and summed (plus one token per line break);
	// the exact count of each piece then confirms the estimate.
	headerTokens := tokens.Count(header)
	lines := make([]string, len(rows)-1)
	rowTokens := make([]int, len(lines))
	for i, r := range rows[1:] {
		lines[i] = pipeRow(r)
		rowTokens[i] = tokens.Count(lines[i])
	}
	var us []unit
	for i := 0; i < len(lines); {
		j, sum := i, headerTokens
		for j < len(lines) && sum+1+rowTokens[j] <= maxTokens {
			sum += 1 + rowTokens[j]
			j++
		}
		for j > i {
			text := header + "\n" + strings.Join(lines[i:j], "\n")
			if n := tokens.Count(text); n <= maxTokens {
				us = append(us, unit{text: text, tokens: n, sep: "\n\n", table: true})
				break
			}
			j--
		}
		if j == i {
			// Even alone under the header this row is too long.
			for _, u := range textUnits(labeledRow(rows[0], rows[i+1]), "\n\n", maxTokens) {
				u.table = true
				us = append(us, u)
			}
			j = i + 1
		}
		i = j
	}
	return us
}

func pipeRow(cells []string) string {
	var b strings.Builder
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" ")
		b.WriteString(strings.ReplaceAll(c, "|", `\|`))
		b.WriteString(" |")
	}
	return b.String()
}

func pipeDelimiter(n int) string {
	return "|" + strings.Repeat(" --- |", n)
}

func pipeRows(rows [][]string) string {
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = pipeRow(r)
	}
	return strings.Join(lines, "\n")
}

// labeledRow writes a row as "Header: value; Header: value", so each
// piece of a cut row still names its columns.
func labeledRow(header, row []string) string {
	var parts []string
	for i, v := range row {
		if v == "" {
			continue
		}
		if i < len(header) && header[i] != "" {
			v = header[i] + ": " + v
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "; ")
}
