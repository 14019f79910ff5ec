package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"

	"golang.org/x/sync/errgroup"
)

// Rendering resolution for OCR: 300 dpi is what tesseract is trained for;
// below 100 dpi body text is too small to read, so such a page fails.
const (
	ocrDPI    = 300
	ocrMinDPI = 100
)

// ocrPDFPages renders and reads the given 1-based pages of the PDF at abs
// with lim.OCRWorkers workers, each page under lim.OCRPageTimeout. The
// results are parallel to pages. The first failure stops the rest and is
// returned, naming the page.
func ocrPDFPages(ctx context.Context, abs string, pages []int, lim Limits) ([]ocrPage, error) {
	eng, err := newOCREngine(lim)
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		return nil, fmt.Errorf("%w: pdftoppm for OCR (install poppler-utils)", ErrToolMissing)
	}
	sizes, err := pdfPageSizes(ctx, abs, pages[0], pages[len(pages)-1])
	if err != nil {
		return nil, err
	}
	dpis := make([]int, len(pages))
	for i, p := range pages {
		if dpis[i], err = renderDPI(sizes[p], lim.MaxOCRPixels); err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
	}
	tmp, err := os.MkdirTemp("", "mia-ocr-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	results := make([]ocrPage, len(pages))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lim.OCRWorkers)
	for i, p := range pages {
		g.Go(func() error {
			pctx, cancel := context.WithTimeout(gctx, lim.OCRPageTimeout)
			defer cancel()
			r, err := ocrPDFPage(pctx, eng, abs, tmp, p, dpis[i])
			switch {
			case err == nil:
				results[i] = r
				return nil
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.Is(err, context.DeadlineExceeded):
				return fmt.Errorf("%w: page %d: OCR did not finish in %s", ErrTooLarge, p, lim.OCRPageTimeout)
			case gctx.Err() != nil:
				return gctx.Err() // another page failed first; its error wins
			}
			return fmt.Errorf("page %d: %w", p, err)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}

// ocrPDFPage renders one page to a grey PGM in dir and reads it. PGM,
// not PNG: compressing a 300 dpi page takes pdftoppm 2 s, writing it raw
// 0.3 s, and the file lives only until tesseract has read it.
func ocrPDFPage(ctx context.Context, eng *ocrEngine, abs, dir string, page, dpi int) (ocrPage, error) {
	base := filepath.Join(dir, "p"+strconv.Itoa(page))
	n := strconv.Itoa(page)
	stderr := &cappedBuffer{max: 16 << 10}
	bin, _ := exec.LookPath("pdftoppm")
	cmd := exec.CommandContext(ctx, bin, "-f", n, "-l", n, "-r", strconv.Itoa(dpi),
		"-gray", "-singlefile", abs, base)
	cmd.Stderr = stderr
	if err := runLowPriority(cmd); err != nil {
		if ctx.Err() != nil {
			return ocrPage{}, ctx.Err()
		}
		return ocrPage{}, fmt.Errorf("%w: pdftoppm: %s", ErrCorrupt, firstLine(stderr.String()))
	}
	img := base + ".pgm"
	defer os.Remove(img)
	return eng.readPage(ctx, img, dpi)
}

// pageSize is a page's media box in PostScript points (1/72 inch).
type pageSize struct{ w, h float64 }

var pdfinfoPageSizeRe = regexp.MustCompile(`(?m)^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts`)

// pdfPageSizes asks pdfinfo for the sizes of pages first..last.
func pdfPageSizes(ctx context.Context, abs string, first, last int) (map[int]pageSize, error) {
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		return nil, fmt.Errorf("%w: pdfinfo for OCR (install poppler-utils)", ErrToolMissing)
	}
	out := &cappedBuffer{max: 4 << 20}
	stderr := &cappedBuffer{max: 16 << 10}
	cmd := exec.CommandContext(ctx, bin, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last), abs)
	cmd.Stdout, cmd.Stderr = out, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: pdfinfo: %s", ErrCorrupt, firstLine(stderr.String()))
	}
	sizes := map[int]pageSize{}
	for _, m := range pdfinfoPageSizeRe.FindAllStringSubmatch(out.String(), -1) {
		n, _ := strconv.Atoi(m[1])
		w, _ := strconv.ParseFloat(m[2], 64)
		h, _ := strconv.ParseFloat(m[3], 64)
		sizes[n] = pageSize{w, h}
	}
	return sizes, nil
}

// renderDPI is ocrDPI, or less when the page would exceed maxPixels; a
// page that needs less than ocrMinDPI is too large (ErrTooLarge). A page
// without a size is corrupt: pdfinfo prints one for every page poppler
// can read.
func renderDPI(s pageSize, maxPixels int64) (int, error) {
	if s.w <= 0 || s.h <= 0 {
		return 0, fmt.Errorf("%w: page size unknown", ErrCorrupt)
	}
	inches := s.w / 72 * s.h / 72
	dpi := min(ocrDPI, int(math.Sqrt(float64(maxPixels)/inches)))
	if dpi < ocrMinDPI {
		return 0, fmt.Errorf("%w: page is %.0f × %.0f cm, too large to read by OCR under %d megapixels",
			ErrTooLarge, s.w/72*2.54, s.h/72*2.54, maxPixels/1_000_000)
	}
	return dpi, nil
}
