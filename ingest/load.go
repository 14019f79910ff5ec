package ingest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// formats maps a lower-case extension to Document.Format.
var formats = map[string]string{
	".pdf":      "pdf",
	".docx":     "docx",
	".odt":      "odt",
	".html":     "html",
	".htm":      "html",
	".md":       "md",
	".markdown": "md",
	".txt":      "txt",
	".png":      "png", // scans, read by OCR
	".jpg":      "jpeg",
	".jpeg":     "jpeg",
}

// Supported reports whether LoadFile can read path, judging by its name
// only. Sidecar files (*.meta.yaml) are never documents themselves.
func Supported(path string) bool {
	return formatOf(path) != ""
}

func formatOf(path string) string {
	name := strings.ToLower(filepath.Base(path))
	if strings.HasSuffix(name, sidecarSuffix) {
		return ""
	}
	return formats[filepath.Ext(name)]
}

// LoadFile reads one document, choosing the parser by extension. A sidecar
// PATH.meta.yaml, when present, overrides the title and URL found in the
// file. The returned Document always has a Title and at least one Block;
// failures wrap one of the sentinel errors (see errors.go).
func LoadFile(ctx context.Context, path string, lim Limits) (*Document, error) {
	format := formatOf(path)
	if format == "" {
		return nil, fmt.Errorf("%w: %q", ErrUnsupported, filepath.Ext(path))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lim = lim.withDefaults()

	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("%w: %s is a directory", ErrUnsupported, path)
	case st.Size() > lim.MaxFileBytes:
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, st.Size(), lim.MaxFileBytes)
	case st.Size() == 0:
		return nil, ErrEmpty
	}

	side, err := readSidecar(path)
	if err != nil {
		return nil, err
	}

	var doc *Document
	switch format {
	case "pdf":
		doc, err = loadPDF(ctx, path, lim)
	case "docx":
		doc, err = loadDOCX(f, st.Size(), lim)
	case "odt":
		doc, err = loadODT(f, st.Size(), lim)
	case "png", "jpeg":
		doc, err = loadImage(ctx, path, f, lim)
	default:
		// Text formats are parsed in memory; the size was checked above,
		// the extra byte catches a file that grew since Stat.
		var data []byte
		data, err = io.ReadAll(io.LimitReader(f, lim.MaxFileBytes+1))
		if err != nil {
			return nil, err
		}
		if int64(len(data)) > lim.MaxFileBytes {
			return nil, fmt.Errorf("%w: limit %d bytes", ErrTooLarge, lim.MaxFileBytes)
		}
		switch format {
		case "html":
			doc, err = parseHTML(data)
		case "md":
			doc, err = parseMarkdown(data)
		default:
			doc, err = parsePlainText(data)
		}
	}
	if err != nil {
		return nil, err
	}
	doc.Format = format
	return finishDocument(doc, side, path)
}

// finishDocument cleans the blocks and settles title and URL: the sidecar
// wins over what the file says, then the first heading, then the file name.
func finishDocument(doc *Document, side metadata, path string) (*Document, error) {
	doc.Blocks = cleanBlocks(doc.Blocks)
	if len(doc.Blocks) == 0 {
		return nil, fmt.Errorf("%w: document has no text blocks", ErrNoText)
	}
	doc.Title = oneLine(doc.Title)
	if side.Title != "" {
		doc.Title = oneLine(side.Title)
	}
	if side.SourceURL != "" {
		doc.URL = side.SourceURL
	}
	if doc.Title == "" {
		for _, b := range doc.Blocks {
			if b.Kind == Heading {
				doc.Title = b.Text
				break
			}
		}
	}
	if doc.Title == "" {
		doc.Title = titleFromFileName(path)
	}
	return doc, nil
}

func titleFromFileName(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	base = strings.NewReplacer("_", " ", "-", " ").Replace(base)
	if t := oneLine(base); t != "" {
		return t
	}
	return filepath.Base(path)
}
