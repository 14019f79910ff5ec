package docstore_test

import (
	"slices"
	"testing"

	"github.com/miasrbija/mia/rag"
)

// TestOCRConfidenceRoundTrip: a scan's OCR confidence and low pages are
// stored and read back, replaced with the document, and absent (0, none)
// for a document read without OCR.
func TestOCRConfidenceRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := rag.Document{Municipality: "sombor", Source: "sken.pdf", Title: "Sken", Format: "pdf",
		ContentHash: "h", EmbedModel: b.emb.Model(), Body: "tekst", OCRConfidence: 71.5, OCRLowPages: []int{2, 4}}
	if _, err := b.store.ReplaceDocument(b.ctx, doc, nil); err != nil {
		t.Fatal(err)
	}
	docs, err := b.store.ListDocuments(b.ctx, "sombor")
	if err != nil || len(docs) != 1 {
		t.Fatalf("list: %v %+v", err, docs)
	}
	got, err := b.store.Document(b.ctx, "sombor", docs[0].ID)
	if err != nil || got.OCRConfidence != 71.5 || !slices.Equal(got.OCRLowPages, []int{2, 4}) {
		t.Fatalf("document: %v %+v", err, got)
	}
	doc.OCRConfidence, doc.OCRLowPages = 0, nil // the same source, now with a text layer
	if _, err := b.store.ReplaceDocument(b.ctx, doc, nil); err != nil {
		t.Fatal(err)
	}
	got, err = b.store.Document(b.ctx, "sombor", docs[0].ID)
	if err != nil || got.OCRConfidence != 0 || len(got.OCRLowPages) != 0 {
		t.Fatalf("after replace: %v %+v", err, got)
	}
}
