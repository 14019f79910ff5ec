package ingest

// Document is one loaded source document, format-independent.
type Document struct {
	Title  string // from metadata, first heading, <title>, or file name
	URL    string // canonical/source URL when known (sidecar, front matter, <link rel=canonical>)
	Format string // "pdf", "docx", "odt", "html", "md", "txt", "png", "jpeg"
	Blocks []Block
	OCR    *OCRInfo // nil when no page was read by OCR
}

// BlockKind says what a Block holds.
type BlockKind int

// Block kinds.
const (
	Paragraph BlockKind = iota
	Heading
	ListItem
	Table
)

// String returns the kind's lower-case name, for test failures and logs.
func (k BlockKind) String() string {
	switch k {
	case Heading:
		return "heading"
	case Paragraph:
		return "paragraph"
	case ListItem:
		return "list item"
	case Table:
		return "table"
	}
	return "unknown"
}

// Block is one structural unit of a Document.
type Block struct {
	Kind  BlockKind
	Level int        // heading level 1..6 (Heading only)
	Text  string     // text of heading/paragraph/list item
	Rows  [][]string // Table only; Rows[0] is the header row
}

// Chunk is a piece of a document sized for retrieval.
type Chunk struct {
	Ord         int      // position in the document, from 0
	HeadingPath []string // e.g. ["Porez na imovinu", "Rokovi plaćanja"]
	Text        string   // body text only; the heading path is not repeated here
	Tokens      int      // cl100k_base tokens in Text
}
