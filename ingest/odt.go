package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// odtMimePrefix is what the mimetype entry of an OpenDocument text (or
// text template) holds.
const odtMimePrefix = "application/vnd.oasis.opendocument.text"

// loadODT reads an OpenDocument Text file: the body from content.xml and
// the title from meta.xml. It shares the DOCX loader's caps: the number of
// zip entries and one decompression budget for all parts read.
func loadODT(r io.ReaderAt, size int64, lim Limits) (*Document, error) {
	pkg, err := openPackage(r, size, lim, "odt")
	if err != nil {
		return nil, err
	}
	if err := pkg.checkODTMime(); err != nil {
		return nil, err
	}
	if pkg.files["content.xml"] == nil {
		return nil, fmt.Errorf("%w: not an odt: content.xml missing", ErrCorrupt)
	}
	title, err := pkg.odtTitle()
	if err != nil {
		return nil, err
	}
	body, err := pkg.open("content.xml")
	if err != nil {
		return nil, err
	}
	defer body.Close()
	parsed, err := parseODTBody(body)
	if err != nil {
		return nil, pkg.partError("content.xml", err)
	}
	if strings.TrimSpace(title) == "" {
		title = parsed.title
	}
	return &Document{Title: title, Blocks: parsed.blocks}, nil
}

// checkODTMime refuses a spreadsheet or presentation renamed to .odt; a
// package without a mimetype entry is judged by its content.xml alone.
func (p *docxPackage) checkODTMime() error {
	f := p.files["mimetype"]
	if f == nil {
		return nil
	}
	rc, err := p.open("mimetype")
	if err != nil {
		return err
	}
	defer rc.Close()
	mime, err := io.ReadAll(io.LimitReader(rc, 200))
	if err != nil {
		return p.partError("mimetype", err)
	}
	if m := strings.TrimSpace(string(mime)); !strings.HasPrefix(m, odtMimePrefix) {
		return fmt.Errorf("%w: OpenDocument of type %q, not text", ErrUnsupported, m)
	}
	return nil
}

// odtTitle is dc:title from meta.xml, or "".
func (p *docxPackage) odtTitle() (string, error) {
	var meta struct {
		Title string `xml:"meta>title"`
	}
	err := p.readXML("meta.xml", &meta)
	if err != nil && !errors.Is(err, ErrTooLarge) {
		return "", nil // a broken meta.xml only costs the title
	}
	return meta.Title, err
}
