package ingest

import "time"

// Limits bounds what LoadFile reads, so one hostile or huge file cannot
// exhaust memory or CPU. Zero fields take the DefaultLimits value.
type Limits struct {
	// MaxFileBytes is the largest file accepted; larger files are rejected
	// from their size alone, before any byte is read.
	MaxFileBytes int64
	// MaxUnpackedBytes caps what a file may expand to: the decompressed zip
	// entries of a DOCX or ODT (all entries read, counted as they stream, not from
	// the headers) and the text pdftotext prints.
	MaxUnpackedBytes int64

	// MaxOCRPages caps the pages of one PDF read by OCR (pages without a
	// usable text layer); a PDF needing more fails as too large before any
	// page is rendered. -1 disables OCR: scans then fail with ErrNoText.
	MaxOCRPages int
	// MaxOCRPixels caps one rendered page or image, in pixels. PDF pages
	// are rendered at 300 dpi, or lower when that would exceed the cap
	// (never under 100 dpi: a larger page fails as too large); an image
	// over the cap is refused from its header.
	MaxOCRPixels int64
	// OCRWorkers is how many pages are read at once, each by one
	// single-threaded tesseract process.
	OCRWorkers int
	// OCRPageTimeout bounds rendering and reading one page.
	OCRPageTimeout time.Duration
	// OCRMinConfidence is the mean word confidence (0..100) under which an
	// OCR page is flagged as low confidence.
	OCRMinConfidence float64
}

// DefaultLimits returns 50 MiB per file and 200 MiB unpacked; for OCR 200
// pages per document, 40 megapixels per page (A3 at 300 dpi is 17), one
// worker (the reference machine has 2 cores and also answers questions),
// 2 minutes per page and a 75% confidence floor.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes: 50 << 20, MaxUnpackedBytes: 200 << 20,
		MaxOCRPages: 200, MaxOCRPixels: 40_000_000, OCRWorkers: 1,
		OCRPageTimeout: 2 * time.Minute, OCRMinConfidence: 75,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxUnpackedBytes <= 0 {
		l.MaxUnpackedBytes = d.MaxUnpackedBytes
	}
	if l.MaxOCRPages == 0 {
		l.MaxOCRPages = d.MaxOCRPages
	}
	if l.MaxOCRPixels <= 0 {
		l.MaxOCRPixels = d.MaxOCRPixels
	}
	if l.OCRWorkers <= 0 {
		l.OCRWorkers = d.OCRWorkers
	}
	if l.OCRPageTimeout <= 0 {
		l.OCRPageTimeout = d.OCRPageTimeout
	}
	if l.OCRMinConfidence <= 0 {
		l.OCRMinConfidence = d.OCRMinConfidence
	}
	return l
}
