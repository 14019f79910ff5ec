package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// pdfTimeout bounds one pdftotext run; a PDF that takes longer is more
// likely hostile than useful.
var pdfTimeout = 2 * time.Minute

// loadPDF extracts text with poppler's pdftotext in its default (reading
// order) mode, validates it and guesses structure from the lines. A second
// run with -bbox-layout gives the word boxes in which tables are found
// (pdf_tables.go); their lines in the text are replaced by Table blocks.
func loadPDF(ctx context.Context, path string, lim Limits) (*Document, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, fmt.Errorf("%w: pdftotext (install poppler-utils)", ErrToolMissing)
	}
	abs, err := filepath.Abs(path) // never let a name like "-v" read as a flag
	if err != nil {
		return nil, err
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(parent, pdfTimeout)
	defer cancel()

	stdout := &cappedBuffer{max: lim.MaxUnpackedBytes}
	stderr := &cappedBuffer{max: 16 << 10}
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", "-eol", "unix", abs, "-")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	runErr := cmd.Run()
	switch {
	case stdout.overflow:
		return nil, fmt.Errorf("%w: extracted text exceeds %d bytes", ErrTooLarge, lim.MaxUnpackedBytes)
	case parent.Err() != nil:
		return nil, parent.Err()
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%w: pdftotext did not finish in %s", ErrTooLarge, pdfTimeout)
	case runErr != nil:
		return nil, pdftotextError(runErr, stderr.String())
	}

	title := pdfTitle(ctx, abs) // before OCR, which may outlast ctx
	// Tables are a refinement: when the layout run fails, the PDF is read
	// as text alone, as it always was.
	layout, _ := pdfLayout(parent, bin, abs, stdout.Len())
	if err := parent.Err(); err != nil {
		return nil, err
	}
	text, ocr, err := ocrScannedPages(parent, abs, stdout.String(), lim)
	if err != nil {
		return nil, err
	}
	pages := strings.Count(text, "\f")
	if err := checkExtractedText(text, pages); err != nil {
		switch {
		case ocr != nil:
			return nil, fmt.Errorf("%w (%d pages read by OCR)", err, ocr.Pages)
		case errors.Is(err, ErrNoText) && lim.MaxOCRPages < 0:
			return nil, fmt.Errorf("%w: pdf has no text layer (scanned?) and OCR is off", ErrNoText)
		case errors.Is(err, ErrNoText):
			return nil, fmt.Errorf("%w: pdf has no text layer (scanned?)", ErrNoText)
		}
		return nil, err
	}
	text, tables := spliceTables(text, layout)
	return &Document{
		Title:  title,
		Blocks: blocksFromPDFText(text, tables),
		OCR:    ocr,
	}, nil
}

// ocrScannedPages replaces the pages of pdftotext's output (one form feed
// after each page) that have no usable text layer, by the check every
// extracted text passes, with what OCR reads on them. It returns text
// unchanged and a nil OCRInfo when no page needs OCR or OCR is disabled
// (Limits.MaxOCRPages < 0); the caller's check then reports the scan.
func ocrScannedPages(ctx context.Context, abs, text string, lim Limits) (string, *OCRInfo, error) {
	pages := strings.Split(text, "\f")
	pages = pages[:len(pages)-1] // the text after the last form feed is not a page
	var scanned []int
	for i, p := range pages {
		if checkExtractedText(p, 1) != nil {
			scanned = append(scanned, i+1)
		}
	}
	if len(scanned) == 0 || lim.MaxOCRPages < 0 {
		return text, nil, nil
	}
	if len(scanned) > lim.MaxOCRPages {
		return "", nil, fmt.Errorf("%w: %d pages have no text layer, OCR reads at most %d per document",
			ErrTooLarge, len(scanned), lim.MaxOCRPages)
	}
	results, err := ocrPDFPages(ctx, abs, scanned, lim)
	if err != nil {
		return "", nil, err
	}
	for i, p := range scanned {
		pages[p-1] = results[i].text
	}
	return strings.Join(pages, "\f") + "\f", ocrSummary(scanned, results, lim.OCRMinConfidence), nil
}

// pdftotextError maps pdftotext's exit status and message to a sentinel.
// Exit 1 is "cannot open" (bad password included), 3 is "copying text
// not permitted".
func pdftotextError(err error, stderr string) error {
	msg := firstLine(stderr)
	if strings.Contains(stderr, "Incorrect password") {
		return fmt.Errorf("%w: pdf needs a password", ErrEncrypted)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if exit.ExitCode() == 3 {
			return fmt.Errorf("%w: pdf forbids copying text", ErrEncrypted)
		}
		if msg == "" {
			msg = exit.String()
		}
		return fmt.Errorf("%w: pdftotext: %s", ErrCorrupt, msg)
	}
	return fmt.Errorf("pdftotext: %w", err)
}

// Titles that tools write by default say nothing about the document.
var junkPDFTitle = regexp.MustCompile(`(?i)^(microsoft (word|excel|powerpoint)\b|untitled|naslov|bez naslova|document\d*$|dokument\d*$)|\.(docx?|xlsx?|pdf|odt|rtf)$`)

// pdfTitle reads the Title from the PDF's info dictionary, if pdfinfo is
// there and the title looks like a real one. Failures just mean no title.
func pdfTitle(ctx context.Context, abs string) string {
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		return ""
	}
	out := &cappedBuffer{max: 64 << 10}
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", abs)
	cmd.Stdout = out
	if cmd.Run() != nil {
		return ""
	}
	for _, l := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(l, "Title:"); ok {
			v = strings.TrimSpace(v)
			if junkPDFTitle.MatchString(v) {
				return ""
			}
			return v
		}
	}
	return ""
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// cappedBuffer collects a child's output up to max bytes; past that the
// write fails, which makes the child stop instead of filling memory.
type cappedBuffer struct {
	bytes.Buffer
	max      int64
	overflow bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if int64(c.Len()+len(p)) > c.max {
		c.overflow = true
		return 0, errors.New("output limit reached")
	}
	return c.Buffer.Write(p)
}
