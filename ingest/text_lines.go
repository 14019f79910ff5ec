package ingest

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Plain text and pdftotext output carry no markup, so structure is guessed
// from lines: blank lines and hard line breaks end paragraphs, a line that
// ends early (the next word would have fitted) ends one too, and bullets
// start list items. Headings are chosen afterwards (text_headings.go).

// textLine is one non-blank line, or a separator when blank is set.
type textLine struct {
	text      string
	blank     bool
	pageBreak bool // separator is a page break, not an empty line
	table     int  // 1 + number of the PDF table this line stands for (pdf_splice.go), else 0
}

var pageNumberRe = regexp.MustCompile(`^(?i:(?:strana|str\.|страна|стр\.|page)\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:od|од|of|/)\s*\d{1,4})?$`)

// splitPages splits on form feeds (pdftotext ends every page with one) and
// drops running headers, footers and page numbers.
func splitPages(text string) [][]string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	raw := strings.Split(text, "\f")
	if n := len(raw); n > 1 && strings.TrimSpace(raw[n-1]) == "" {
		raw = raw[:n-1]
	}
	pages := make([][]string, len(raw))
	for i, p := range raw {
		for _, l := range strings.Split(p, "\n") {
			pages[i] = append(pages[i], strings.TrimRightFunc(l, unicode.IsSpace))
		}
	}
	if len(pages) > 1 {
		dropPageFurniture(pages)
	}
	return pages
}

// dropPageFurniture blanks the first and last lines of pages that are page
// numbers or repeat on most pages ("GRAD SOMBOR", "Službeni list ... 12").
func dropPageFurniture(pages [][]string) {
	key := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) || unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	edges := func(p []string) []int {
		var idx []int
		if i := slices.IndexFunc(p, nonBlank); i >= 0 {
			idx = append(idx, i)
		}
		for i := len(p) - 1; i >= 0; i-- {
			if nonBlank(p[i]) {
				if len(idx) == 0 || idx[0] != i {
					idx = append(idx, i)
				}
				break
			}
		}
		return idx
	}
	count := map[string]int{}
	for _, p := range pages {
		for _, i := range edges(p) {
			if k := key(p[i]); k != "" {
				count[k]++
			}
		}
	}
	repeated := func(s string) bool {
		n := count[key(s)]
		return len(pages) >= 3 && n >= 3 && n*2 >= len(pages)
	}
	for pi, p := range pages {
		drop := map[int]bool{}
		for _, i := range edges(p) {
			if l := strings.TrimSpace(p[i]); pageNumberRe.MatchString(l) || repeated(l) {
				drop[i] = true
			}
		}
		kept := p[:0]
		for i, l := range p {
			if !drop[i] {
				kept = append(kept, l)
			}
		}
		pages[pi] = kept
	}
}

func nonBlank(s string) bool { return strings.TrimSpace(s) != "" }

// flattenPages turns pages into a line stream with separators. Blank
// lines at a page's edges are dropped, so that the page break alone
// decides whether a paragraph runs on to the next page.
func flattenPages(pages [][]string) []textLine {
	var out []textLine
	for pi, p := range pages {
		if pi > 0 {
			out = append(out, textLine{blank: true, pageBreak: true})
		}
		first := slices.IndexFunc(p, nonBlank)
		if first < 0 {
			continue
		}
		last := len(p) - 1
		for !nonBlank(p[last]) {
			last--
		}
		for _, l := range p[first : last+1] {
			if t := strings.TrimSpace(l); t == "" {
				out = append(out, textLine{blank: true})
			} else {
				out = append(out, textLine{text: t})
			}
		}
	}
	return out
}

// lineWidth estimates the full line width in characters: the 95th
// percentile of line lengths, so one overlong line does not skew it.
func lineWidth(lines []textLine) int {
	var lens []int
	for _, l := range lines {
		if !l.blank {
			lens = append(lens, utf8.RuneCountInString(l.text))
		}
	}
	if len(lens) == 0 {
		return 0
	}
	slices.Sort(lens)
	return max(lens[len(lens)*95/100], 30)
}

// textPara is a run of lines that belong together.
type textPara struct {
	lines []string
	list  bool
	table int // 1 + number of the PDF table it is, else 0
}

func (p textPara) text() string { return joinWrapped(p.lines) }

// groupLines builds paragraphs from lines.
func groupLines(lines []textLine) []textPara {
	width := lineWidth(lines)
	var paras []textPara
	open := false      // the last paragraph may still grow
	afterPage := false // a page break separates it from the next line
	for _, l := range lines {
		if l.blank {
			if l.pageBreak {
				afterPage = true
			} else {
				open = false
			}
			continue
		}
		if l.table > 0 {
			// A table's marked lines, blank lines between them dropped,
			// are one paragraph that nothing joins.
			if n := len(paras); n == 0 || paras[n-1].table != l.table {
				paras = append(paras, textPara{table: l.table})
			}
			open, afterPage = false, false
			continue
		}
		if rest, ok := listItemText(l.text); ok {
			paras = append(paras, textPara{lines: []string{rest}, list: true})
			open, afterPage = true, false
			continue
		}
		if open {
			last := paras[len(paras)-1]
			prev := last.lines[len(last.lines)-1]
			if wrapsInto(prev, l.text, width) && (!afterPage || startsLower(l.text)) {
				paras[len(paras)-1].lines = append(last.lines, l.text)
				afterPage = false
				continue
			}
		}
		paras = append(paras, textPara{lines: []string{l.text}})
		open, afterPage = true, false
	}
	return paras
}

var (
	bulletRe       = regexp.MustCompile(`^[•◦▪▫‣∙·●○■□➢►✓\-–—*\x{f0b7}\x{f0a7}\x{f076}\x{f0d8}\x{f0fc}]\s+(\S.*)$`)
	parenItemRe    = regexp.MustCompile(`^(?:\d{1,2}|[a-zа-ш])\)\s+(\S.*)$`)
	lowerNumItemRe = regexp.MustCompile(`^\d{1,2}\.\s+(\p{Ll}.*)$`)
)

// listItemText recognizes bullets, "1)", "a)" and "1. lower-case text"
// (an upper-case "1. Opšte odredbe" is left to the heading rules).
func listItemText(s string) (string, bool) {
	for _, re := range []*regexp.Regexp{bulletRe, parenItemRe, lowerNumItemRe} {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// wrapsInto reports whether next continues prev's paragraph: prev ends in
// a hyphen after a letter or digit, or prev is so long that next's first word would not
// have fitted after it.
func wrapsInto(prev, next string, width int) bool {
	if hyphenated(prev) {
		return true
	}
	if endsSentence(prev) && numberedHeadingRe.MatchString(next) {
		return false
	}
	first, _, _ := strings.Cut(next, " ")
	need := utf8.RuneCountInString(prev) + 1 + utf8.RuneCountInString(first)
	return need*100 > width*80
}

// joinWrapped joins a paragraph's lines, undoing hyphenation at line ends:
// "porez-" + "kih" gives "poreskih", while "ППИ-" + "1" keeps the hyphen.
func joinWrapped(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			switch {
			case hyphenated(prev) && startsLower(l):
				s := b.String()
				b.Reset()
				b.WriteString(strings.TrimSuffix(s, "-"))
			case hyphenated(prev):
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// hyphenated: the line ends with a letter or digit followed by "-".
func hyphenated(s string) bool {
	if !strings.HasSuffix(s, "-") {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSuffix(s, "-"))
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?:;…", r)
}
