package ingest

import "strings"

// PlainText renders the document as readable text: headings and paragraphs
// on their own lines, list items bulleted, table rows with cells separated
// by " | ". It is stored as the document's body for display.
func (d *Document) PlainText() string {
	var b strings.Builder
	for _, bl := range d.Blocks {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		switch bl.Kind {
		case ListItem:
			b.WriteString("• ")
			b.WriteString(bl.Text)
		case Table:
			for i, row := range bl.Rows {
				if i > 0 {
					b.WriteString("\n")
				}
				b.WriteString(strings.Join(row, " | "))
			}
		default:
			b.WriteString(bl.Text)
		}
	}
	return b.String()
}
