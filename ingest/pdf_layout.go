package ingest

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"unicode"
)

// A PDF's tables come out of pdftotext's reading-order mode one cell per
// line, columns one after the other. pdftotext -bbox-layout runs the same
// reading-order analysis and also gives every word's box, which is enough
// to see cells side by side (pdf_tables.go). Only what tables need is kept
// of it: per page, the lines in reading order (to find them again in the
// default output) and the tables found there.

// layoutWord is one word of -bbox-layout output, in points from the
// page's top left corner.
type layoutWord struct {
	x0, y0, x1, y1 float64
	text           string
}

// layoutLine is one line of -bbox-layout output.
type layoutLine struct {
	x0, y0, x1, y1 float64
	block          int // index of its block on the page
	words          []layoutWord
}

// height of the line's box; lines of one size of type have one height.
func (l layoutLine) height() float64 { return l.y1 - l.y0 }

// key is the line's text without white space, which is how a line of the
// default output is matched with it.
func (l layoutLine) key() string {
	var b strings.Builder
	for _, w := range l.words {
		for _, r := range w.text {
			if !unicode.IsSpace(r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// layoutPage is what is kept of one page: the key of every line in
// reading order and the tables found on it.
type layoutPage struct {
	keys   []string
	tables []pageTable
}

// maxLayoutLines bounds the lines of one page that table search looks at;
// a page with more is not a document page a person wrote.
const maxLayoutLines = 4000

// pdfLayout runs pdftotext -bbox-layout under its own pdfTimeout and reads
// its XHTML as it streams, one page at a time. textBytes, the size of the
// default output, scales the cap on the XHTML. Any failure returns an
// error: the caller then reads the PDF without tables, as before.
func pdfLayout(parent context.Context, bin, abs string, textBytes int) ([]layoutPage, error) {
	ctx, cancel := context.WithTimeout(parent, pdfTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-bbox-layout", "-enc", "UTF-8", abs, "-")
	cmd.Stderr = &cappedBuffer{max: 16 << 10}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// The XHTML spends about a hundred bytes per word on boxes.
	limit := int64(textBytes)*64 + 1<<20
	pages, perr := readLayout(&io.LimitedReader{R: out, N: limit})
	if perr != nil {
		cancel() // stop the child before waiting for it
	}
	werr := cmd.Wait()
	switch {
	case perr != nil:
		return nil, perr
	case ctx.Err() != nil:
		return nil, fmt.Errorf("pdftotext -bbox-layout did not finish in %s", pdfTimeout)
	case werr != nil:
		return nil, werr
	}
	return pages, nil
}

// layoutReader collects one page of -bbox-layout XHTML at a time.
type layoutReader struct {
	pages  []layoutPage
	lines  []layoutLine
	block  int
	inWord bool
	word   strings.Builder
	box    [4]float64
	bad    bool // a box that did not parse: the page is skipped
}

// readLayout parses -bbox-layout XHTML: page > flow > block > line > word.
func readLayout(r io.Reader) ([]layoutPage, error) {
	lr := &layoutReader{}
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return lr.pages, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			lr.start(t)
		case xml.EndElement:
			lr.end(t.Name.Local)
		case xml.CharData:
			if lr.inWord {
				lr.word.Write(t)
			}
		}
	}
}

func (lr *layoutReader) start(t xml.StartElement) {
	switch t.Name.Local {
	case "page":
		lr.lines, lr.block, lr.bad = nil, 0, false
	case "block":
		lr.block++
	case "line":
		box, ok := boxAttrs(t)
		lr.bad = lr.bad || !ok
		lr.lines = append(lr.lines, layoutLine{x0: box[0], y0: box[1], x1: box[2], y1: box[3], block: lr.block})
	case "word":
		box, ok := boxAttrs(t)
		lr.bad = lr.bad || !ok
		lr.box, lr.inWord = box, true
		lr.word.Reset()
	}
}

func (lr *layoutReader) end(name string) {
	switch name {
	case "word":
		lr.inWord = false
		if n := len(lr.lines); n > 0 {
			l := &lr.lines[n-1]
			l.words = append(l.words, layoutWord{x0: lr.box[0], y0: lr.box[1], x1: lr.box[2], y1: lr.box[3], text: lr.word.String()})
		}
	case "page":
		p := layoutPage{keys: make([]string, len(lr.lines))}
		for i, l := range lr.lines {
			p.keys[i] = l.key()
		}
		if !lr.bad && len(lr.lines) <= maxLayoutLines {
			p.tables = findTables(lr.lines)
		}
		lr.pages = append(lr.pages, p)
		lr.lines = nil
	}
}

// boxAttrs reads xMin, yMin, xMax, yMax; ok is false unless all four are
// numbers and the box is not inverted.
func boxAttrs(t xml.StartElement) ([4]float64, bool) {
	var box [4]float64
	seen := 0
	for _, a := range t.Attr {
		i := -1
		switch a.Name.Local {
		case "xMin":
			i = 0
		case "yMin":
			i = 1
		case "xMax":
			i = 2
		case "yMax":
			i = 3
		}
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(a.Value, 64)
		if err != nil {
			return box, false
		}
		box[i] = v
		seen++
	}
	return box, seen == 4 && box[2] >= box[0] && box[3] > box[1]
}
