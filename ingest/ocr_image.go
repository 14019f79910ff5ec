package ingest

import (
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig reads the header of scanned notices
	_ "image/png"
	"os"
	"path/filepath"
)

// loadImage reads a scanned page (PNG or JPEG) by OCR. The header is
// checked first: an image that is not what its name says is corrupt, and
// one over Limits.MaxOCRPixels is refused before tesseract decodes it, so
// a small file claiming a huge canvas cannot exhaust memory.
func loadImage(ctx context.Context, path string, f *os.File, lim Limits) (*Document, error) {
	cfg, kind, err := image.DecodeConfig(f)
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable PNG or JPEG image: %v", ErrCorrupt, err)
	}
	if want := formatOf(path); kind != want {
		return nil, fmt.Errorf("%w: file named .%s holds a %s image", ErrCorrupt, want, kind)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > lim.MaxOCRPixels {
		return nil, fmt.Errorf("%w: image is %d × %d pixels, OCR reads at most %d megapixels",
			ErrTooLarge, cfg.Width, cfg.Height, lim.MaxOCRPixels/1_000_000)
	}
	if lim.MaxOCRPages < 0 {
		return nil, fmt.Errorf("%w: image needs OCR and OCR is off", ErrNoText)
	}
	eng, err := newOCREngine(lim)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path) // never let a name like "-v" read as a flag
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, lim.OCRPageTimeout)
	defer cancel()
	page, err := eng.readPage(pctx, abs, 0)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("%w: OCR did not finish in %s", ErrTooLarge, lim.OCRPageTimeout)
	default:
		return nil, err
	}
	if err := checkExtractedText(page.text, 1); err != nil {
		return nil, err
	}
	return &Document{
		Blocks: blocksFromText(page.text),
		OCR:    ocrSummary([]int{1}, []ocrPage{page}, lim.OCRMinConfidence),
	}, nil
}
