package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Heading guesses for text without markup. Levels are relative: the
// document's first line (its title) is 1, ALL CAPS and Roman-numbered
// lines 2, "1." 2 and "1.1" 3, other short lines 3, "Član 5" 4.

var (
	numberedHeadingRe = regexp.MustCompile(`^(?:\d{1,2}\.|\d{1,2}(?:\.\d{1,2}){1,4}\.?)\s+\p{Lu}`)
	romanHeadingRe    = regexp.MustCompile(`^[IVXLC]{1,6}[.)]\s+\p{Lu}`)
	articleHeadingRe  = regexp.MustCompile(`(?i)^(?:član|clan|члан|article)\s+\d{1,4}[a-zа-ш]?\.?$`)
)

const (
	maxHeadingRunes = 100
	maxHeadingWords = 14
	minCapsLetters  = 5 // shorter ALL CAPS lines are acronyms or table cells
)

// guessHeading returns the heading level a paragraph would have, judging
// by its text alone, or 0 when it cannot be a heading.
func guessHeading(p textPara) int {
	text := p.text()
	if p.list || len(p.lines) > 2 || utf8.RuneCountInString(text) > maxHeadingRunes ||
		len(strings.Fields(text)) > maxHeadingWords || !strings.ContainsFunc(text, unicode.IsLetter) {
		return 0
	}
	if articleHeadingRe.MatchString(text) {
		return 4
	}
	if endsSentence(text) || strings.HasSuffix(text, ",") {
		return 0
	}
	if m := numberedHeadingRe.FindString(text); m != "" {
		depth := strings.Count(strings.TrimRight(strings.Fields(m)[0], "."), ".") + 1
		return min(1+depth, 6)
	}
	if romanHeadingRe.MatchString(text) {
		return 2
	}
	first, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }))
	if !unicode.IsUpper(first) {
		return 0
	}
	if isAllCaps(text) {
		return 2
	}
	if len(p.lines) > 1 {
		return 0
	}
	return 3
}

func isAllCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= minCapsLetters
}

// textBlocks turns paragraphs into blocks. A candidate becomes a heading
// only when something follows it that it can head: body text, or a deeper
// heading. Runs of same-level candidates ("1. Lična karta", "2. Izvod")
// are lists or table cells, not headings.
// tables holds the rows of the PDF tables that paragraphs stand for.
func textBlocks(paras []textPara, tables [][][]string) []Block {
	guesses := make([]int, len(paras))
	for i, p := range paras {
		guesses[i] = guessHeading(p)
	}
	isBody := func(i int) bool {
		return guesses[i] == 0 && (paras[i].table > 0 || strings.ContainsFunc(paras[i].text(), unicode.IsLetter))
	}
	blocks := make([]Block, 0, len(paras))
	inRun := false
	for i, p := range paras {
		level := guesses[i]
		heading := false
		if level > 0 && i+1 < len(paras) && !inRun {
			next := guesses[i+1]
			switch {
			case i == 0 && (isBody(i+1) || next > 0):
				heading, level = true, 1 // the document's title line
			case isBody(i+1) || next > level:
				heading = true
			}
		}
		// A rejected candidate followed by its like marks a run, so the
		// last item of a numbered list is not taken for a heading.
		inRun = level > 0 && !heading && i+1 < len(paras) && guesses[i+1] == level
		switch {
		case p.table > 0:
			blocks = append(blocks, Block{Kind: Table, Rows: tables[p.table-1]})
		case heading:
			blocks = append(blocks, Block{Kind: Heading, Level: level, Text: p.text()})
		case p.list:
			blocks = append(blocks, Block{Kind: ListItem, Text: p.text()})
		default:
			blocks = append(blocks, Block{Kind: Paragraph, Text: p.text()})
		}
	}
	return blocks
}

// blocksFromText is the whole pipeline for .txt files.
func blocksFromText(text string) []Block {
	return blocksFromPDFText(text, nil)
}

// blocksFromPDFText is the pipeline for pdftotext output whose table
// lines spliceTables marked; tables are the rows by table number.
func blocksFromPDFText(text string, tables [][][]string) []Block {
	lines := flattenPages(splitPages(text))
	if len(tables) > 0 {
		for i, l := range lines {
			if r, _ := utf8.DecodeRuneInString(l.text); isTableMark(r) && int(r-tableMarkBase) < len(tables) {
				lines[i].table = int(r-tableMarkBase) + 1
			}
		}
	}
	return textBlocks(groupLines(lines), tables)
}
