package docstore_test

import (
	"testing"
	"time"

	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

// TestHitsCarryLastChange: both search branches return the document's
// last change, updated_at, and for a crawled page its Last-Modified.
func TestHitsCarryLastChange(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	b := &testBundle{ctx: t.Context(), store: docstore.New(db), emb: rag.NewHashEmbedder()}
	const text = "Odvoz kabastog otpada zakazuje se telefonom."
	const url = "https://www.sombor.rs/cistoca"
	id, _ := b.mustReplace(t, url, "JKP Čistoća", text)
	doc, err := b.store.Document(b.ctx, "sombor", id)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.store.EnsureVectorIndex(b.ctx, b.emb.Model(), b.emb.Dim()); err != nil {
		t.Fatal(err)
	}
	v, _ := b.emb.Embed(b.ctx, []string{rag.EmbedText("JKP Čistoća", []string{"Uslovi"}, text)})
	search := func() map[string]time.Time {
		t.Helper()
		vec, err := b.store.VectorSearch(b.ctx, rag.VectorQuery{Municipality: "sombor", Model: b.emb.Model(),
			Dim: b.emb.Dim(), Vector: v[0], Limit: 5, EfSearch: 40})
		if err != nil || len(vec) != 1 {
			t.Fatalf("vector search %+v, %v", vec, err)
		}
		txt, err := b.store.TextSearch(b.ctx, rag.TextQuery{Municipality: "sombor", TSQuery: "otpad", Limit: 5, RankCap: 10})
		if err != nil || len(txt) != 1 {
			t.Fatalf("text search %+v, %v", txt, err)
		}
		return map[string]time.Time{"vector": vec[0].Hit.UpdatedAt, "text": txt[0].Hit.UpdatedAt}
	}
	for branch, got := range search() {
		if doc.UpdatedAt.IsZero() || !got.Equal(doc.UpdatedAt) {
			t.Errorf("%s: updated %v, want the document's %v", branch, got, doc.UpdatedAt)
		}
	}

	// The page the crawler stored the document from says when it changed;
	// a duplicate URL of it does not count.
	modified := time.Date(2026, 3, 12, 8, 0, 0, 0, time.UTC)
	for _, p := range []struct {
		url, duplicateOf string
		changed          time.Time
	}{{url, "", modified}, {url + "?print=1", url, modified.AddDate(0, 1, 0)}} {
		if _, err := db.Exec(b.ctx, `INSERT INTO crawl_pages (municipality, source_name, url, canonical, duplicate_of,
			first_seen, last_seen, last_changed) VALUES ('sombor', 'sajt', $1, $2, $3, $4, $4, $4)`,
			p.url, url, p.duplicateOf, p.changed); err != nil {
			t.Fatal(err)
		}
	}
	for branch, got := range search() {
		if !got.Equal(modified) {
			t.Errorf("%s: crawled page updated %v, want its Last-Modified %v", branch, got, modified)
		}
	}
}
