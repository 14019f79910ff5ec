package main

import (
	"context"
	"strings"
	"testing"

	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

// TestIngestListOCR: `mia ingest --list` shows a scan's OCR confidence and
// flags its low-confidence pages; other documents show neither.
func TestIngestListOCR(t *testing.T) {
	db, url := pgtest.NewDB(t)
	store := docstore.New(db)
	ctx := context.Background()
	for _, d := range []rag.Document{
		{Source: "sken.pdf", Title: "Obaveštenje", Format: "pdf", OCRConfidence: 63.6, OCRLowPages: []int{1, 3}},
		{Source: "porez.md", Title: "Porez", Format: "md"},
	} {
		d.Municipality, d.ContentHash, d.EmbedModel, d.Body = "sombor", "h", "hash", "tekst"
		if _, err := store.ReplaceDocument(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"DATABASE_URL": url}
	out, _, err := runCmd(ctx, env, "ingest", "--list")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "sken.pdf") || strings.HasPrefix(l, "porez.md") {
			seen++
		}
		switch {
		case strings.HasPrefix(l, "sken.pdf") && !strings.Contains(l, "pdf OCR 64% LOW p.1 3"):
			t.Errorf("scan line lacks its OCR flag: %q", l)
		case strings.HasPrefix(l, "porez.md") && strings.Contains(l, "OCR"):
			t.Errorf("text document flagged: %q", l)
		}
	}
	if seen != 2 {
		t.Errorf("list lacks the documents:\n%s", out)
	}
	out, _, err = runCmd(ctx, env, "ingest", "--list", "--json")
	if err != nil || !strings.Contains(out, `"ocr_low_pages": [`) || strings.Count(out, `"ocr_confidence"`) != 1 {
		t.Errorf("json: %v\n%s", err, out)
	}
}
