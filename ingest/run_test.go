package ingest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type runBundle struct {
	db     *postgres.DB
	store  *docstore.Store
	dir    string
	runner *ingest.Runner
}

func setupRun(t *testing.T) *runBundle {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	store := docstore.New(db)
	return &runBundle{
		db: db, store: store, dir: t.TempDir(),
		runner: &ingest.Runner{Store: store, Embedder: rag.NewHashEmbedder(), Municipality: "sombor"},
	}
}

func (b *runBundle) write(t *testing.T, name, content string) {
	t.Helper()
	p := filepath.Join(b.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (b *runBundle) copyFixture(t *testing.T, fixture, name string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	b.write(t, name, string(data))
}

func (b *runBundle) run(t *testing.T) *ingest.Summary {
	t.Helper()
	sum, err := b.runner.Run(context.Background(), []string{b.dir})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return sum
}

// counts returns the number of documents and chunks stored, and whether
// every document has chunks (no half-stored document).
func (b *runBundle) counts(t *testing.T) (docs, chunks int) {
	t.Helper()
	err := b.db.QueryRow(context.Background(),
		`SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks)`).Scan(&docs, &chunks)
	if err != nil {
		t.Fatal(err)
	}
	var empty int
	if err := b.db.QueryRow(context.Background(),
		`SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)`).Scan(&empty); err != nil {
		t.Fatal(err)
	}
	if empty > 0 {
		t.Fatalf("%d documents stored without chunks", empty)
	}
	return docs, chunks
}

func outcomes(sum *ingest.Summary) map[string]ingest.FileResult {
	m := map[string]ingest.FileResult{}
	for _, f := range sum.Files {
		m[f.Source] = f
	}
	return m
}

const porezMD = `---
title: Porez na imovinu
source_url: https://www.sombor.rs/porez
---
# Porez na imovinu

## Rokovi

Porez se plaća tromesečno, u roku od 45 dana od početka tromesečja.

## Šalteri

Šalteri 2, 3 i 4 Gradskog uslužnog centra.
`

func TestRunIdempotentReplaceRemove(t *testing.T) {
	b := setupRun(t)
	ctx := context.Background()
	b.write(t, "porez.md", porezMD)
	b.write(t, "usluge/centar.txt", "Gradski uslužni centar\n\nInfo pult: 025/468-222.\n")
	b.copyFixture(t, "porez.docx", "porez.docx")

	sum := b.run(t)
	if sum.Added != 3 || sum.Failed != 0 {
		t.Fatalf("first run: %+v", sum)
	}
	got := outcomes(sum)
	if _, ok := got["usluge/centar.txt"]; !ok {
		t.Fatalf("identity is not the path relative to the root: %v", got)
	}
	docs, chunks := b.counts(t)
	if docs != 3 || chunks < 3 {
		t.Fatalf("stored %d documents, %d chunks", docs, chunks)
	}
	list, err := b.store.ListDocuments(ctx, "sombor")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if d.Source == "porez.md" && (d.Title != "Porez na imovinu" || d.URL != "https://www.sombor.rs/porez") {
			t.Errorf("front matter not applied: %+v", d)
		}
	}

	// Unchanged files are skipped.
	sum = b.run(t)
	if sum.Unchanged != 3 || sum.Added+sum.Updated != 0 || sum.Chunks != 0 {
		t.Fatalf("second run: %+v", sum)
	}

	// A changed file replaces its old version entirely.
	b.write(t, "porez.md", strings.Replace(porezMD, "45 dana", "šezdeset dana", 1))
	sum = b.run(t)
	if sum.Updated != 1 || sum.Unchanged != 2 {
		t.Fatalf("after an edit: %+v", sum)
	}
	if r := outcomes(sum)["porez.md"]; r.Version != 2 {
		t.Errorf("version after an update = %d, want 2", r.Version)
	}
	var old, updated int
	b.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE content LIKE '%45 dana%'), count(*) FILTER (WHERE content LIKE '%šezdeset dana%') FROM chunks`).Scan(&old, &updated)
	if old != 0 || updated != 1 {
		t.Errorf("after replacement: %d chunks with the old text, %d with the new", old, updated)
	}

	// A sidecar change alone counts as a change.
	b.write(t, "porez.docx.meta.yaml", "title: Porez (Word)\nsource_url: https://www.sombor.rs/porez.docx\n")
	if sum := b.run(t); sum.Updated != 1 {
		t.Fatalf("after a sidecar edit: %+v", sum)
	}

	if err := b.store.RemoveDocument(ctx, "sombor", "porez.md"); err != nil {
		t.Fatal(err)
	}
	if err := b.store.RemoveDocument(ctx, "sombor", "porez.md"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
	if docs, _ := b.counts(t); docs != 2 {
		t.Errorf("after removal %d documents", docs)
	}
}

// TestRunBadInputs: each bad file gets a one-line reason, nothing of it is
// stored, and the good files around it are ingested.
func TestRunBadInputs(t *testing.T) {
	b := setupRun(t)
	b.write(t, "dobar.md", porezMD)
	b.copyFixture(t, "encrypted.pdf", "sifrovan.pdf")
	b.copyFixture(t, "scanned.pdf", "skeniran.pdf")
	docx, _ := os.ReadFile(filepath.Join("testdata", "porez.docx"))
	b.write(t, "ostecen.docx", string(docx[:len(docx)/2]))
	b.write(t, "bomba.docx", string(zipBomb(t)))
	b.write(t, "binarni.txt", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00")
	b.write(t, "prazan.txt", "")
	b.write(t, "veliki.txt", strings.Repeat("Porez na imovinu se plaća tromesečno. ", 3000))
	b.write(t, "slika.png", "\x89PNG\r\n\x1a\n")
	b.write(t, "tabela.xlsx", "PK\x03\x04")
	b.runner.Limits = ingest.Limits{MaxFileBytes: 64 << 10, MaxUnpackedBytes: 1 << 20, MaxOCRPages: -1}

	sum := b.run(t)
	got := outcomes(sum)
	want := map[string]string{
		"sifrovan.pdf": "encrypt",
		"skeniran.pdf": "text",
		"ostecen.docx": "corrupt",
		"bomba.docx":   "large",
		"binarni.txt":  "binary",
		"prazan.txt":   "empty",
		"veliki.txt":   "too large",
		"slika.png":    "corrupt",
	}
	for src, reason := range want {
		r := got[src]
		if r.Outcome != ingest.Failed || !strings.Contains(strings.ToLower(r.Reason), reason) || strings.Contains(r.Reason, "\n") {
			t.Errorf("%s: %s %q; want failed with a one-line reason about %q", src, r.Outcome, r.Reason, reason)
		}
	}
	if got["tabela.xlsx"].Outcome != ingest.Skipped {
		t.Errorf("tabela.xlsx: %+v", got["tabela.xlsx"])
	}
	if got["dobar.md"].Outcome != ingest.Added || sum.Failed != len(want) {
		t.Errorf("summary %+v", sum)
	}
	if docs, _ := b.counts(t); docs != 1 {
		t.Errorf("%d documents stored, want only the good one", docs)
	}
}

// zipBomb is a small .docx whose document.xml inflates to 300 MB.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 300 {
		w.Write(zeros)
	}
	zw.Close()
	return buf.Bytes()
}

// cancellingEmbedder cancels the run while embedding the nth document, as
// a kill or Ctrl-C would.
type cancellingEmbedder struct {
	rag.Embedder
	n      int
	cancel context.CancelFunc
}

func (e *cancellingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.n--
	if e.n == 0 {
		e.cancel()
		return nil, ctx.Err()
	}
	return e.Embedder.Embed(ctx, texts)
}

func TestRunInterruptedLeavesNoHalfDocument(t *testing.T) {
	b := setupRun(t)
	for _, name := range []string{"a.md", "b.md", "c.md", "d.md"} {
		b.write(t, name, strings.Replace(porezMD, "Porez na imovinu", "Dokument "+name, -1))
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.runner.Embedder = &cancellingEmbedder{Embedder: rag.NewHashEmbedder(), n: 3, cancel: cancel}
	sum, err := b.runner.Run(ctx, []string{b.dir})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	if sum.Added != 2 {
		t.Fatalf("interrupted run stored %d documents before the interruption, want 2", sum.Added)
	}
	if docs, _ := b.counts(t); docs != 2 {
		t.Fatalf("%d documents stored after the interruption", docs)
	}
	b.runner.Embedder = rag.NewHashEmbedder()
	sum = b.run(t)
	if sum.Added != 2 || sum.Unchanged != 2 {
		t.Fatalf("the next run did not complete the work: %+v", sum)
	}
}

// renamedEmbedder is the offline embedder under another model name, as
// after switching MIA_EMBED_MODEL.
type renamedEmbedder struct{ rag.Embedder }

func (renamedEmbedder) Model() string { return "local-ngram-test" }

func TestReembedSwitchesModel(t *testing.T) {
	b := setupRun(t)
	ctx := context.Background()
	b.write(t, "porez.md", porezMD)
	b.run(t)
	n, err := rag.Reembed(ctx, b.store, "sombor", renamedEmbedder{rag.NewHashEmbedder()}, nil, rag.IndexBuild{})
	if err != nil {
		t.Fatal(err)
	}
	_, chunks := b.counts(t)
	if n != chunks {
		t.Fatalf("re-embedded %d of %d chunks", n, chunks)
	}
	var stale int
	b.db.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE model <> 'local-ngram-test'`).Scan(&stale)
	if stale != 0 {
		t.Fatalf("%d chunks still carry the old model", stale)
	}
	// Nothing left to do the second time; a normal run with the new model
	// finds the documents unchanged.
	if n, _ := rag.Reembed(ctx, b.store, "sombor", renamedEmbedder{rag.NewHashEmbedder()}, nil, rag.IndexBuild{}); n != 0 {
		t.Fatalf("second reembed did %d chunks", n)
	}
	b.runner.Embedder = renamedEmbedder{rag.NewHashEmbedder()}
	if sum := b.run(t); sum.Unchanged != 1 {
		t.Fatalf("after reembed: %+v", sum)
	}
}
