package ingest

import "strings"

// tableBuild collects one table of a word-processing document (DOCX, ODT)
// while its XML is read.
type tableBuild struct {
	rows [][]string
	row  []string
	cell *strings.Builder
}

// openTables is the stack of tables being read: a cell may hold a table.
type openTables []*tableBuild

// top is the innermost open table, or nil.
func (s openTables) top() *tableBuild {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

// endCell closes the open cell of the innermost table.
func (s openTables) endCell() {
	if tb := s.top(); tb != nil && tb.cell != nil {
		tb.row = append(tb.row, tb.cell.String())
		tb.cell = nil
	}
}

// endRow closes the open row of the innermost table.
func (s openTables) endRow() {
	if tb := s.top(); tb != nil {
		tb.rows = append(tb.rows, tb.row)
		tb.row = nil
	}
}

// close ends the innermost table. A nested table becomes lines of its
// outer cell; a top-level one is returned as a Table block.
func (s *openTables) close() (Block, bool) {
	tb := s.top()
	if tb == nil {
		return Block{}, false
	}
	*s = (*s)[:len(*s)-1]
	if outer := s.top(); outer != nil && outer.cell != nil {
		for _, row := range tb.rows {
			appendLine(outer.cell, strings.Join(row, " | "))
		}
		return Block{}, false
	}
	return Block{Kind: Table, Rows: tb.rows}, true
}

// tablePart is the role of a table element in a document's XML.
type tablePart int

const (
	tableCell tablePart = iota + 1
	tableRow
	table
)

// end closes a cell, row or table; a finished top-level table is added to
// blocks (a nested one becomes lines of its outer cell).
func (s *openTables) end(part tablePart, blocks *[]Block) {
	switch part {
	case tableCell:
		s.endCell()
	case tableRow:
		s.endRow()
	case table:
		if blk, ok := s.close(); ok {
			*blocks = append(*blocks, blk)
		}
	}
}

// inCell adds a finished paragraph to the innermost table's open cell and
// reports whether there was one.
func (s openTables) inCell(text string) bool {
	tb := s.top()
	if tb == nil || tb.cell == nil {
		return false
	}
	appendLine(tb.cell, text)
	return true
}
