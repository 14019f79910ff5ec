package ingest

import (
	"strings"

	"golang.org/x/net/html"
)

// htmlBlocks walks the content element in document order. Inline content
// collects into a paragraph that every block-level boundary flushes, so
// "div soup" without <p> still yields paragraphs.
func htmlBlocks(root *html.Node) []Block {
	w := &htmlWalker{}
	w.walk(root)
	w.flush()
	return w.blocks
}

type htmlWalker struct {
	blocks []Block
	buf    strings.Builder
}

var htmlBlockTags = map[string]bool{
	"address": true, "article": true, "blockquote": true, "body": true, "caption": true,
	"center": true, "dd": true, "details": true, "dialog": true, "div": true, "dl": true,
	"dt": true, "fieldset": true, "figcaption": true, "figure": true, "footer": true,
	"form": true, "header": true, "hgroup": true, "hr": true, "html": true, "legend": true,
	"main": true, "ol": true, "p": true, "section": true, "summary": true, "ul": true,
	"tbody": true, "thead": true, "tfoot": true, "tr": true, "td": true, "th": true,
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.buf.WriteString(collapseHTMLSpace(n.Data))
		return
	case html.ElementNode:
	case html.DocumentNode:
		w.walkChildren(n)
		return
	default:
		return
	}
	switch tag := n.Data; tag {
	case "h1", "h2", "h3", "h4", "h5", "h6":
		w.flush()
		w.blocks = append(w.blocks, Block{Kind: Heading, Level: int(tag[1] - '0'), Text: inlineText(n)})
	case "br":
		w.buf.WriteByte('\n')
	case "pre":
		w.flush()
		w.blocks = append(w.blocks, Block{Kind: Paragraph, Text: nodeText(n)})
	case "li":
		w.listItem(n)
	case "table":
		w.flush()
		if rows := tableRows(n); rows != nil {
			w.blocks = append(w.blocks, Block{Kind: Table, Rows: rows})
		} else {
			w.walkChildren(n) // a layout table: read its cells as blocks
			w.flush()
		}
	case "img":
		// Alternative text is usually a file name or "slika"; skip it.
	default:
		if htmlBlockTags[tag] {
			w.flush()
			w.walkChildren(n)
			w.flush()
		} else {
			w.walkChildren(n)
		}
	}
}

func (w *htmlWalker) walkChildren(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

// listItem emits the item's own text, then walks nested lists and
// tables so they become blocks of their own.
func (w *htmlWalker) listItem(n *html.Node) {
	w.flush()
	var own strings.Builder
	var nested []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.Data == "ul" || c.Data == "ol" || c.Data == "table" || c.Data == "dl") {
			nested = append(nested, c)
			continue
		}
		own.WriteString(" ")
		own.WriteString(inlineText(c))
	}
	w.blocks = append(w.blocks, Block{Kind: ListItem, Text: own.String()})
	for _, c := range nested {
		w.walk(c)
	}
	w.flush()
}

func (w *htmlWalker) flush() {
	if text := w.buf.String(); strings.TrimSpace(text) != "" {
		w.blocks = append(w.blocks, Block{Kind: Paragraph, Text: text})
	}
	w.buf.Reset()
}

// inlineText is the text below n with HTML whitespace collapsed, <br>
// and block boundaries as line breaks.
func inlineText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(collapseHTMLSpace(n.Data))
		case n.Type == html.ElementNode && n.Data == "br":
			b.WriteByte('\n')
		case n.Type == html.ElementNode && htmlBlockTags[n.Data]:
			b.WriteByte('\n')
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			b.WriteByte('\n')
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// collapseHTMLSpace maps source line breaks and tabs to spaces, as a
// browser does; cleanText later collapses the runs.
func collapseHTMLSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\r', '\t', '\f':
			return ' '
		}
		return r
	}, s)
}

// tableRows returns a data table's rows, or nil for a layout table: one
// marked role=presentation, one with a nested table, or a single column.
// colspan cells are padded with empty cells so columns stay aligned.
func tableRows(t *html.Node) [][]string {
	if attrValue(t, "role") == "presentation" {
		return nil
	}
	var rows [][]string
	layout := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.Data {
			case "thead", "tbody", "tfoot":
				walk(c)
			case "tr":
				var row []string
				for cell := c.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.Type != html.ElementNode || (cell.Data != "td" && cell.Data != "th") {
						continue
					}
					if hasDescendant(cell, "table") {
						layout = true
					}
					row = append(row, inlineText(cell))
					for span := atoiOr(attrValue(cell, "colspan"), 1); span > 1 && span <= 20; span-- {
						row = append(row, "")
					}
				}
				rows = append(rows, row)
			}
		}
	}
	walk(t)
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	if layout || width < 2 {
		return nil
	}
	return rows
}

func hasDescendant(n *html.Node, tag string) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if (c.Type == html.ElementNode && c.Data == tag) || hasDescendant(c, tag) {
			return true
		}
	}
	return false
}

func attrValue(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func atoiOr(s string, def int) int {
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if r < '0' || r > '9' {
			return def
		}
		n = n*10 + int(r-'0')
		if n > 1000 {
			return def
		}
	}
	if n == 0 {
		return def
	}
	return n
}
