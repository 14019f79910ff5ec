package ingest

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

const svgNS = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"

// odtBody turns the token stream of an ODT content.xml into blocks, the
// same streaming way docxBody does and into the same shapes: text:h is a
// heading, a paragraph inside text:list-item a list item, and
// table:table a Table block of rows.
type odtBody struct {
	parents map[string]string // automatic style name → its parent style
	blocks  []Block
	title   string // text of the first paragraph in the Title style

	paras  []*odtPara // open paragraphs; frames and notes nest them
	tables openTables // open tables; cells may hold tables
	items  int        // depth of open list items
	notes  int        // depth of open footnote bodies
	skip   int        // depth inside an ignored element
}

type odtPara struct {
	text      strings.Builder
	level     int // heading level, 0 for a paragraph
	style     string
	list      bool
	lastSpace bool // the last rune written came from collapsed white space
}

// parseODTBody walks office:document-content.
func parseODTBody(r io.Reader) (*odtBody, error) {
	b := &odtBody{parents: map[string]string{}}
	if err := walkXML(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *odtBody) chars(t xml.CharData) {
	if b.skip == 0 && len(b.paras) > 0 {
		b.para().write(string(t))
	}
}

func (b *odtBody) para() *odtPara { return b.paras[len(b.paras)-1] }

func (b *odtBody) start(t xml.StartElement) {
	if b.skip > 0 {
		b.skip++
		return
	}
	switch name := t.Name.Local; name {
	case "tracked-changes", "annotation", "note-citation", "table-of-content", "covered-table-cell":
		// Deleted text, comments and footnote numbers are not the
		// document's text; a table of contents repeats the headings; a
		// covered cell is the shadow of a merged one.
		b.skip = 1
	case "title", "desc":
		if t.Name.Space == svgNS {
			b.skip = 1 // an image's alternative text
		}
	case "style":
		if n := attr(t, "name"); n != "" {
			b.parents[n] = attr(t, "parent-style-name")
		}
	case "h":
		level := 1
		if n, err := strconv.Atoi(attr(t, "outline-level")); err == nil {
			level = n
		}
		b.paras = append(b.paras, &odtPara{level: level})
	case "p":
		b.paras = append(b.paras, &odtPara{style: attr(t, "style-name"), list: b.items > 0 && b.notes == 0})
	case "list-item", "list-header":
		b.items++
	case "note-body":
		b.notes++ // a footnote of a list item is not an item
	case "table":
		b.tables = append(b.tables, &tableBuild{})
	case "table-row":
		if tb := b.tables.top(); tb != nil {
			tb.row = nil
		}
	case "table-cell":
		if tb := b.tables.top(); tb != nil {
			tb.cell = &strings.Builder{}
		}
	case "s", "tab", "line-break":
		if len(b.paras) == 0 {
			return
		}
		p := b.para()
		switch name {
		case "s":
			n, err := strconv.Atoi(attr(t, "c"))
			if err != nil || n < 1 {
				n = 1
			}
			p.text.WriteString(strings.Repeat(" ", min(n, 80)))
		case "tab":
			p.text.WriteByte('\t')
		default:
			p.text.WriteByte('\n')
		}
		p.lastSpace = true
	}
}

func (b *odtBody) end(name string) {
	if b.skip > 0 {
		b.skip--
		return
	}
	if part, ok := odtTableParts[name]; ok {
		b.tables.end(part, &b.blocks)
		return
	}
	switch name {
	case "p", "h":
		if len(b.paras) > 0 {
			p := b.para()
			b.paras = b.paras[:len(b.paras)-1]
			b.endPara(p)
		}
	case "list-item", "list-header":
		b.items--
	case "note-body":
		b.notes--
	}
}

// endPara files a finished paragraph into the open table cell or the
// block list.
func (b *odtBody) endPara(p *odtPara) {
	text := p.text.String()
	if len(b.paras) == 0 && b.tables.inCell(text) {
		return
	}
	if strings.TrimSpace(text) == "" {
		return
	}
	style := b.baseStyle(p.style)
	level := p.level
	if n, ok := strings.CutPrefix(style, "Heading_20_"); ok && level == 0 {
		level, _ = strconv.Atoi(n)
	}
	switch {
	case style == "Title":
		if b.title == "" {
			b.title = text
		}
		b.blocks = append(b.blocks, Block{Kind: Heading, Level: 1, Text: text})
	case level > 0:
		b.blocks = append(b.blocks, Block{Kind: Heading, Level: level, Text: text})
	case p.list:
		b.blocks = append(b.blocks, Block{Kind: ListItem, Text: text})
	default:
		b.blocks = append(b.blocks, Block{Kind: Paragraph, Text: text})
	}
}

// baseStyle follows automatic styles ("P3") to the named style they
// derive from ("Title", "Heading_20_2"); a few steps at most.
func (b *odtBody) baseStyle(name string) string {
	for range 4 {
		parent := b.parents[name]
		if parent == "" {
			break
		}
		name = parent
	}
	return name
}

// write appends character data with ODF's white-space rule: runs of
// spaces, tabs and newlines count as one space, and leading ones none;
// text:s, text:tab and text:line-break carry the significant ones.
func (p *odtPara) write(s string) {
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			if !p.lastSpace && p.text.Len() > 0 {
				p.text.WriteByte(' ')
			}
			p.lastSpace = true
			continue
		}
		p.text.WriteRune(r)
		p.lastSpace = false
	}
}

// odtTableParts names the table elements of the format.
var odtTableParts = map[string]tablePart{"table-cell": tableCell, "table-row": tableRow, "table": table}
