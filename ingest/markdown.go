package ingest

import (
	"regexp"
	"strings"
	"unicode"
)

// parseMarkdown reads CommonMark-style text: front matter, ATX and setext
// headings, paragraphs, list items, pipe tables, fenced code and block
// quotes. It is a line scanner, not a full CommonMark parser: nesting is
// flattened, which is all retrieval needs.
func parseMarkdown(data []byte) (*Document, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	meta, body, err := splitFrontMatter(strings.ReplaceAll(text, "\r\n", "\n"))
	if err != nil {
		return nil, err
	}
	return &Document{Title: meta.Title, URL: meta.SourceURL, Blocks: markdownBlocks(body)}, nil
}

var (
	mdFenceRe      = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
	mdATXRe        = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	mdSetext1Re    = regexp.MustCompile(`^ {0,3}=+[ \t]*$`)
	mdSetext2Re    = regexp.MustCompile(`^ {0,3}-+[ \t]*$`)
	mdBreakRe      = regexp.MustCompile(`^ {0,3}([-*_])(?:[ \t]*[-*_]){2,}[ \t]*$`)
	mdListRe       = regexp.MustCompile(`^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$`)
	mdQuoteRe      = regexp.MustCompile(`^ {0,3}>[ \t]?(.*)$`)
	mdTableDelimRe = regexp.MustCompile(`^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$`)
)

type mdScanner struct {
	blocks []Block
	para   []string
	item   []string // open list item
}

func markdownBlocks(text string) []Block {
	s := &mdScanner{}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.TrimSpace(line) == "":
			s.flush()
		case mdFenceRe.MatchString(line):
			s.flush()
			i = s.fence(lines, i)
		case mdATXRe.MatchString(line):
			s.flush()
			m := mdATXRe.FindStringSubmatch(line)
			s.blocks = append(s.blocks, Block{Kind: Heading, Level: len(m[1]), Text: mdInline(m[2])})
		case len(s.para) > 0 && (mdSetext1Re.MatchString(line) || mdSetext2Re.MatchString(line)):
			level := 1
			if mdSetext2Re.MatchString(line) {
				level = 2
			}
			s.blocks = append(s.blocks, Block{Kind: Heading, Level: level, Text: mdInline(strings.Join(s.para, " "))})
			s.para = nil
		case mdBreakRe.MatchString(line):
			s.flush()
		case strings.Contains(line, "|") && i+1 < len(lines) && mdTableDelimRe.MatchString(lines[i+1]) && strings.Contains(lines[i+1], "-"):
			s.flush()
			i = s.table(lines, i)
		case mdListRe.MatchString(line):
			s.flush()
			s.item = []string{mdListRe.FindStringSubmatch(line)[1]}
		case mdQuoteRe.MatchString(line):
			s.addText(mdQuoteRe.FindStringSubmatch(line)[1])
		default:
			s.addText(line)
		}
	}
	s.flush()
	return s.blocks
}

// addText continues the open list item (lazy continuation) or paragraph.
func (s *mdScanner) addText(line string) {
	if s.item != nil {
		s.item = append(s.item, strings.TrimSpace(line))
		return
	}
	s.para = append(s.para, strings.TrimSpace(line))
}

func (s *mdScanner) flush() {
	if s.item != nil {
		s.blocks = append(s.blocks, Block{Kind: ListItem, Text: mdInline(strings.Join(s.item, " "))})
		s.item = nil
	}
	if len(s.para) > 0 {
		s.blocks = append(s.blocks, Block{Kind: Paragraph, Text: mdInline(strings.Join(s.para, " "))})
		s.para = nil
	}
}

// fence emits a fenced code block verbatim and returns the index of its
// closing line; an unclosed fence runs to the end, as in CommonMark.
func (s *mdScanner) fence(lines []string, i int) int {
	open := mdFenceRe.FindStringSubmatch(lines[i])[1]
	var body []string
	j := i + 1
	for ; j < len(lines); j++ {
		t := strings.TrimSpace(lines[j])
		if strings.HasPrefix(t, open) && strings.Trim(t, open[:1]) == "" {
			break
		}
		body = append(body, lines[j])
	}
	if len(body) > 0 {
		s.blocks = append(s.blocks, Block{Kind: Paragraph, Text: strings.Join(body, "\n")})
	}
	return j
}

// table reads a pipe table starting at its header line and returns the
// index of its last row. The delimiter row is dropped.
func (s *mdScanner) table(lines []string, i int) int {
	rows := [][]string{mdRow(lines[i])}
	j := i + 2
	for ; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) == "" || !strings.Contains(lines[j], "|") {
			break
		}
		rows = append(rows, mdRow(lines[j]))
	}
	s.blocks = append(s.blocks, Block{Kind: Table, Rows: rows})
	return j - 1
}

// mdRow splits a table row on unescaped pipes.
func mdRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = strings.TrimSuffix(line, "|")
	}
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, mdInline(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(cells, mdInline(cur.String()))
}

var (
	mdImageRe    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLinkRe     = regexp.MustCompile(`\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])`)
	mdAutoLinkRe = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdTagRe      = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>`)
	mdStrongRe   = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdEmRe       = regexp.MustCompile(`\*(\S(?:[^*]*?\S)?)\*`)
	mdUnderEmRe  = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_([^_\s](?:[^_]*[^_\s])?)_($|[^\p{L}\p{N}_])`)
	mdCodeRe     = regexp.MustCompile("`+([^`]+)`+")
	mdEscapeRe   = regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|>~])`)
)

// escapedBase hides escaped punctuation and code from the markup
// patterns: "\*" becomes the private-use rune escapedBase+'*' until the
// end of mdInline.
const escapedBase = 0xE000

// mdInline strips inline markup, keeping the words: link and image text,
// emphasis content, code spans. Single underscores inside words
// ("file_name") are not emphasis.
func mdInline(s string) string {
	s = mdCodeRe.ReplaceAllStringFunc(s, func(m string) string {
		// Code is literal: hide all its punctuation from what follows.
		return strings.Map(func(r rune) rune {
			if r < 0x80 && unicode.IsPunct(r) || r < 0x80 && unicode.IsSymbol(r) {
				return escapedBase + r
			}
			return r
		}, mdCodeRe.FindStringSubmatch(m)[1])
	})
	s = mdEscapeRe.ReplaceAllStringFunc(s, func(m string) string {
		return string(rune(escapedBase + int(m[1])))
	})
	s = mdImageRe.ReplaceAllString(s, "$1")
	s = mdLinkRe.ReplaceAllString(s, "$1")
	s = mdAutoLinkRe.ReplaceAllString(s, "$1")
	s = mdTagRe.ReplaceAllString(s, "")
	s = mdStrongRe.ReplaceAllString(s, "$2")
	s = mdEmRe.ReplaceAllString(s, "$1")
	s = mdUnderEmRe.ReplaceAllString(s, "$1$2$3")
	s = strings.Map(func(r rune) rune {
		if r >= escapedBase && r < escapedBase+0x80 {
			return r - escapedBase
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
