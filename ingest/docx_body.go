package ingest

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// docxBody turns the token stream of word/document.xml into blocks. It is
// a streaming walk, not xml.Unmarshal, so memory stays proportional to the
// text rather than to the XML tree.
type docxBody struct {
	styles docxStyles
	blocks []Block
	title  string // text of the first paragraph in a Title style

	paras  []*docxPara // open paragraphs; text boxes nest them
	tables openTables  // open tables; cells may hold tables
	runs   int         // depth of open w:r, where w:tab and w:br are text
	inText bool        // inside w:t
	skip   int         // depth inside an ignored element
}

type docxPara struct {
	text    strings.Builder
	style   string
	outline int // paragraph-level w:outlineLvl, -1 when unset
	list    bool
	inPPr   bool
}

// parseDocxBody walks a WordprocessingML body.
func parseDocxBody(r io.Reader, styles docxStyles) (*docxBody, error) {
	b := &docxBody{styles: styles}
	if err := walkXML(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *docxBody) chars(t xml.CharData) {
	if b.inText && b.skip == 0 && len(b.paras) > 0 {
		b.para().text.Write(t)
	}
}

func (b *docxBody) para() *docxPara { return b.paras[len(b.paras)-1] }

func (b *docxBody) start(t xml.StartElement) {
	if b.skip > 0 {
		b.skip++
		return
	}
	name := t.Name.Local
	switch name {
	case "Fallback", "del", "instrText", "delText":
		// mc:Fallback repeats the text of mc:Choice (text boxes), and
		// deleted or field-code text is not part of the document.
		b.skip = 1
		return
	case "p":
		b.paras = append(b.paras, &docxPara{outline: -1})
		return
	case "tbl":
		b.tables = append(b.tables, &tableBuild{})
		return
	case "tr":
		if tb := b.tables.top(); tb != nil {
			tb.row = nil
		}
		return
	case "tc":
		if tb := b.tables.top(); tb != nil {
			tb.cell = &strings.Builder{}
		}
		return
	case "r":
		b.runs++
		return
	}
	if len(b.paras) == 0 {
		return
	}
	p := b.para()
	switch name {
	case "pPr":
		p.inPPr = true
	case "pStyle":
		if p.inPPr {
			p.style = attr(t, "val")
		}
	case "outlineLvl":
		if p.inPPr {
			if n, err := strconv.Atoi(attr(t, "val")); err == nil {
				p.outline = n
			}
		}
	case "numPr":
		if p.inPPr {
			p.list = true
		}
	case "numId":
		// numId 0 switches off numbering inherited from the style.
		if p.inPPr && attr(t, "val") == "0" {
			p.list = false
		}
	case "t":
		b.inText = true
	case "tab":
		if b.runs > 0 && !p.inPPr {
			p.text.WriteByte('\t')
		}
	case "br", "cr":
		if b.runs > 0 {
			p.text.WriteByte('\n')
		}
	case "noBreakHyphen":
		if b.runs > 0 {
			p.text.WriteByte('-')
		}
	}
}

func (b *docxBody) end(name string) {
	if b.skip > 0 {
		b.skip--
		return
	}
	if part, ok := docxTableParts[name]; ok {
		b.tables.end(part, &b.blocks)
		return
	}
	switch name {
	case "t":
		b.inText = false
	case "r":
		b.runs--
	case "pPr":
		if len(b.paras) > 0 {
			b.para().inPPr = false
		}
	case "p":
		if len(b.paras) > 0 {
			p := b.para()
			b.paras = b.paras[:len(b.paras)-1]
			b.endPara(p)
		}
	}
}

// endPara files a finished paragraph into the open table cell or the
// block list.
func (b *docxBody) endPara(p *docxPara) {
	text := p.text.String()
	if len(b.paras) == 0 && b.tables.inCell(text) {
		return
	}
	if strings.TrimSpace(text) == "" {
		return
	}
	st := b.styles.lookup(p.style)
	level := st.headingLevel
	if p.outline >= 0 && p.outline < 6 {
		level = p.outline + 1
	}
	switch {
	case st.title:
		if b.title == "" {
			b.title = text
		}
		b.blocks = append(b.blocks, Block{Kind: Heading, Level: 1, Text: text})
	case level > 0:
		b.blocks = append(b.blocks, Block{Kind: Heading, Level: level, Text: text})
	case p.list || st.list:
		b.blocks = append(b.blocks, Block{Kind: ListItem, Text: text})
	default:
		b.blocks = append(b.blocks, Block{Kind: Paragraph, Text: text})
	}
}

func appendLine(sb *strings.Builder, s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if sb.Len() > 0 {
		sb.WriteByte('\n')
	}
	sb.WriteString(s)
}

// attr returns the value of the attribute with the given local name.
func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// docxTableParts names the table elements of the format.
var docxTableParts = map[string]tablePart{"tc": tableCell, "tr": tableRow, "tbl": table}
