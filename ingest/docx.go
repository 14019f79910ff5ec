package ingest

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// maxZipEntries bounds the central directory; a real DOCX has a few dozen.
const maxZipEntries = 10000

// docxPackage is an opened DOCX with a shared budget for decompression.
type docxPackage struct {
	files  map[string]*zip.File
	budget *unpackBudget
}

// openPackage opens an office document's zip (DOCX, ODT) under the caps
// every part read from it shares: the number of entries and one
// decompression budget.
func openPackage(r io.ReaderAt, size int64, lim Limits, format string) (*docxPackage, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: not a valid %s (zip): %v", ErrCorrupt, format, err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("%w: %d zip entries, limit %d", ErrTooLarge, len(zr.File), maxZipEntries)
	}
	pkg := &docxPackage{
		files:  make(map[string]*zip.File, len(zr.File)),
		budget: &unpackBudget{left: lim.MaxUnpackedBytes, max: lim.MaxUnpackedBytes},
	}
	for _, f := range zr.File {
		pkg.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	return pkg, nil
}

// loadDOCX reads word/document.xml (or wherever _rels/.rels points) with
// the style names from word/styles.xml and the title from core.xml.
func loadDOCX(r io.ReaderAt, size int64, lim Limits) (*Document, error) {
	pkg, err := openPackage(r, size, lim, "docx")
	if err != nil {
		return nil, err
	}

	mainPart, err := pkg.mainPart()
	if err != nil {
		return nil, err
	}
	if pkg.files[mainPart] == nil {
		return nil, fmt.Errorf("%w: not a docx: %s missing", ErrCorrupt, mainPart)
	}
	styles, err := pkg.styles(path.Join(path.Dir(mainPart), "styles.xml"))
	if err != nil {
		return nil, err
	}
	title, err := pkg.coreTitle()
	if err != nil {
		return nil, err
	}
	body, err := pkg.open(mainPart)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	parsed, err := parseDocxBody(body, styles)
	if err != nil {
		return nil, pkg.partError(mainPart, err)
	}
	if strings.TrimSpace(title) == "" {
		title = parsed.title
	}
	return &Document{Title: title, Blocks: parsed.blocks}, nil
}

// open returns a decompressing reader that stops once the package's whole
// unpacked budget is spent. Declared sizes are checked first as a cheap
// early exit, but the count that matters is of bytes actually inflated.
func (p *docxPackage) open(name string) (io.ReadCloser, error) {
	f := p.files[name]
	if f.UncompressedSize64 > uint64(p.budget.left) {
		return nil, p.budget.err()
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&budgetReader{r: rc, b: p.budget}, rc}, nil
}

// readXML unmarshals a small part. A missing part leaves v untouched.
func (p *docxPackage) readXML(name string, v any) error {
	if p.files[name] == nil {
		return nil
	}
	rc, err := p.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return p.partError(name, err)
	}
	return nil
}

// partError keeps ErrTooLarge from the budget and calls the rest corrupt.
func (p *docxPackage) partError(name string, err error) error {
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	return fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
}

// mainPart finds the document body through the package relationships;
// almost always word/document.xml, which is also the fallback.
func (p *docxPackage) mainPart() (string, error) {
	var rels struct {
		Rels []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := p.readXML("_rels/.rels", &rels); err != nil {
		return "", err
	}
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") && r.Target != "" {
			return strings.TrimPrefix(path.Clean("/"+r.Target), "/"), nil
		}
	}
	return "word/document.xml", nil
}

// coreTitle is dc:title from docProps/core.xml, or "".
func (p *docxPackage) coreTitle() (string, error) {
	var core struct {
		Title string `xml:"title"`
	}
	err := p.readXML("docProps/core.xml", &core)
	if err != nil && !errors.Is(err, ErrTooLarge) {
		return "", nil // a broken core.xml only costs the title
	}
	return core.Title, err
}

// unpackBudget is the number of decompressed bytes the package may still
// produce, shared by all its parts.
type unpackBudget struct {
	left, max int64
}

func (b *unpackBudget) err() error {
	return fmt.Errorf("%w: unpacks to more than %d bytes (zip bomb?)", ErrTooLarge, b.max)
}

type budgetReader struct {
	r io.Reader
	b *unpackBudget
}

func (br *budgetReader) Read(p []byte) (int, error) {
	if br.b.left <= 0 {
		// Probe one byte: a part that ends exactly at the budget is fine.
		var one [1]byte
		n, err := br.r.Read(one[:])
		if n > 0 {
			return 0, br.b.err()
		}
		return 0, err
	}
	if int64(len(p)) > br.b.left {
		p = p[:br.b.left]
	}
	n, err := br.r.Read(p)
	br.b.left -= int64(n)
	return n, err
}
