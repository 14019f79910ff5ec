package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/rag"
)

// TestRunScannedRetrieval: the demo corpus with its two notices replaced
// by scans (Cyrillic and Latin, no text layer) is ingested; a question
// about each scan finds it in the top 3, and its OCR confidence is stored.
func TestRunScannedRetrieval(t *testing.T) {
	t.Parallel()
	requireOCR(t)
	b := setupRun(t)
	const src = "../corpus/sombor"
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "obavestenje-") {
			continue // replaced by the scans below
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b.write(t, e.Name(), string(data))
	}
	face := scanFace(t, scanFontPt)
	scans := map[string]bool{"sken-mesec-cistoce.pdf": true, "sken-sneg-i-led.pdf": false}
	for name, cyrillic := range scans {
		b.write(t, name, string(scannedPDF(t, renderPages(t, demoNotice(t, cyrillic), face))))
	}

	sum := b.run(t)
	if sum.Failed > 0 {
		t.Fatalf("failed files: %+v", sum.Files)
	}
	s := rag.NewSearcher(b.store, b.runner.Embedder)
	for _, tt := range []struct{ question, want string }{
		{"Када почиње акција Месец чистоће и шта грађани могу да ураде?", "sken-mesec-cistoce.pdf"},
		{"Ko je dužan da očisti sneg i led sa trotoara ispred kuće?", "sken-sneg-i-led.pdf"},
	} {
		res, err := s.Search(context.Background(), rag.Query{Municipality: "sombor", Text: tt.question, K: 3})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Source)
		}
		if !slices.Contains(got, tt.want) {
			t.Errorf("%q: top 3 %v, want %s", tt.question, got, tt.want)
		}
	}

	docs, err := b.store.ListDocuments(context.Background(), "sombor")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		_, scanned := scans[d.Source]
		if scanned != (d.OCRConfidence > 0) || (scanned && (d.OCRConfidence < 80 || len(d.OCRLowPages) > 0)) {
			t.Errorf("%s: OCR confidence %.1f, low pages %v", d.Source, d.OCRConfidence, d.OCRLowPages)
		}
	}
}

// TestRunOCRBadInputs: a 200 MB PDF and PDF bombs (a huge page, thousands
// of pages, deeply nested objects) each fail with a one-line reason within
// a bounded time, and the run goes on to ingest the good file.
func TestRunOCRBadInputs(t *testing.T) {
	t.Parallel()
	requireOCR(t)
	b := setupRun(t)
	b.write(t, "dobar.md", porezMD)

	big := filepath.Join(b.dir, "ogroman.pdf")
	b.write(t, "ogroman.pdf", "%PDF-1.4\n")
	if err := os.Truncate(big, 200<<20); err != nil { // sparse: no 200 MB on disk
		t.Fatal(err)
	}
	b.write(t, "velika-strana.pdf", string(emptyPagesPDF(1, "14400 14400")))
	b.write(t, "hiljade-strana.pdf", string(emptyPagesPDF(5000, "595 842")))
	b.write(t, "ugnjezden.pdf", string(nestedPDF(100_000)))

	start := time.Now()
	sum := b.run(t)
	got := outcomes(sum)
	for src, reason := range map[string]string{
		"ogroman.pdf":        "too large",
		"velika-strana.pdf":  "too large to read by ocr",
		"hiljade-strana.pdf": "5000 pages have no text layer",
		"ugnjezden.pdf":      "", // poppler gives up on the nesting; any one-line reason
	} {
		r := got[src]
		t.Logf("%s: %s", src, r.Reason)
		if r.Outcome != ingest.Failed || r.Reason == "" || !strings.Contains(strings.ToLower(r.Reason), reason) || strings.Contains(r.Reason, "\n") {
			t.Errorf("%s: %s %q; want failed with a one-line reason about %q", src, r.Outcome, r.Reason, reason)
		}
	}
	if got["dobar.md"].Outcome != ingest.Added {
		t.Errorf("the good file after the bad ones: %+v", got["dobar.md"])
	}
	if d := time.Since(start); d > 3*time.Minute {
		t.Errorf("the bad files took %s", d)
	}
}

// emptyPagesPDF is a PDF of n empty pages of the given MediaBox size in
// points (14400 × 14400 is the largest PDF allows: 5 m square).
func emptyPagesPDF(n int, size string) []byte {
	w := &pdfWriter{}
	w.raw("%PDF-1.4\n")
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, n)
	for i := range n {
		kids[i] = fmt.Sprintf("%d 0 R", 3+i)
	}
	w.obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 %s] >>", strings.Join(kids, " "), n, size))
	for i := range n {
		w.obj(3+i, "<< /Type /Page /Parent 2 0 R >>")
	}
	return w.finish(1)
}

// nestedPDF is a one-page PDF whose page resources hold arrays nested
// depth deep, to exhaust a recursive parser.
func nestedPDF(depth int) []byte {
	w := &pdfWriter{}
	w.raw("%PDF-1.4\n")
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	nest := strings.Repeat("[", depth) + strings.Repeat("]", depth)
	w.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Deep "+nest+" >> >>")
	return w.finish(1)
}
