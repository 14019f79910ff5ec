package ingest_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/miasrbija/mia/ingest"
)

// TestOCRScannedPDF: a demo notice rendered to page images in a PDF
// without a text layer is read by OCR in its own script, with word
// accuracy >= 0.95 against the source, its headings found by the same
// heuristics as other text, and its confidence reported.
func TestOCRScannedPDF(t *testing.T) {
	t.Parallel()
	requireOCR(t)
	for _, tt := range []struct {
		name     string
		cyrillic bool
		heading  string
	}{
		{name: "cyrillic", cyrillic: true, heading: "О АКЦИЈИ"},
		{name: "latin", heading: "KO JE DUŽAN DA ČISTI SNEG"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := demoNotice(t, tt.cyrillic)
			pages := renderPages(t, src, scanFace(t, scanFontPt))
			path := filepath.Join(t.TempDir(), "sken.pdf")
			if err := os.WriteFile(path, scannedPDF(t, pages), 0o644); err != nil {
				t.Fatal(err)
			}
			doc, err := ingest.LoadFile(context.Background(), path, ingest.Limits{})
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
			body := doc.PlainText()
			if acc := wordAccuracy(src, body); acc < 0.95 {
				t.Errorf("word accuracy %.3f < 0.95; OCR text:\n%s", acc, body)
			}
			if doc.OCR == nil || doc.OCR.Pages != len(pages) || doc.OCR.Confidence < 80 || len(doc.OCR.LowPages) > 0 {
				t.Errorf("OCR info = %+v; want %d pages read with confidence >= 80, none low", doc.OCR, len(pages))
			}
			if got, want := scriptShare(body, tt.cyrillic), scriptShare(src, tt.cyrillic); got < want-0.01 {
				t.Errorf("%.3f of the letters are in the document's script, %.3f in the source", got, want)
			}
			found := false
			for _, b := range doc.Blocks {
				found = found || (b.Kind == ingest.Heading && b.Text == tt.heading)
			}
			if !found {
				t.Errorf("heading %q not detected in %+v", tt.heading, doc.Blocks)
			}
		})
	}
}

// TestOCRImage: PNG and JPEG scans of a notice are documents too.
func TestOCRImage(t *testing.T) {
	t.Parallel()
	requireOCR(t)
	src := demoNotice(t, false)
	src = src[:strings.Index(src, "KAKO PRAVILNO")] // one page is enough
	pages := renderPages(t, src, scanFace(t, scanFontPt))
	var pngData, jpegData bytes.Buffer
	if err := png.Encode(&pngData, pages[0]); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpegData, pages[0], &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"obavestenje.png": pngData.Bytes(), "obavestenje.jpg": jpegData.Bytes()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			doc, err := ingest.LoadFile(context.Background(), path, ingest.Limits{})
			if err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
			if acc := wordAccuracy(src, doc.PlainText()); acc < 0.95 {
				t.Errorf("word accuracy %.3f < 0.95; OCR text:\n%s", acc, doc.PlainText())
			}
			if doc.OCR == nil || doc.OCR.Pages != 1 || !strings.HasPrefix(doc.Title, "OBAVEŠTENJE") {
				t.Errorf("title %q, OCR %+v", doc.Title, doc.OCR)
			}
		})
	}
}

// TestOCRLowConfidence: a small print scanned at a quarter of the
// resolution still reads (it is ingested), but under the default
// confidence floor, so its page is flagged.
func TestOCRLowConfidence(t *testing.T) {
	t.Parallel()
	requireOCR(t)
	src := demoNotice(t, false)
	src = src[:strings.Index(src, "KAKO PRAVILNO")]
	pages := renderPages(t, src, scanFace(t, 7.5))
	pixelate(pages[0], 3)
	path := filepath.Join(t.TempDir(), "los-sken.pdf")
	if err := os.WriteFile(path, scannedPDF(t, pages), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := ingest.LoadFile(context.Background(), path, ingest.Limits{})
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	floor := ingest.DefaultLimits().OCRMinConfidence
	if doc.OCR == nil || len(doc.OCR.LowPages) != 1 || doc.OCR.LowPages[0] != 1 || doc.OCR.Confidence >= floor {
		t.Errorf("OCR info = %+v; want page 1 flagged under %.0f", doc.OCR, floor)
	}
}

// scriptShare is the share of letters in text written in Cyrillic (or,
// when cyrillic is false, in Latin): OCR must not mix scripts in a word.
func scriptShare(text string, cyrillic bool) float64 {
	var in, all int
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		all++
		if unicode.Is(unicode.Cyrillic, r) == cyrillic {
			in++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(in) / float64(all)
}
