package docstore_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type testBundle struct {
	ctx   context.Context
	store *docstore.Store
	emb   rag.Embedder
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	return &testBundle{ctx: context.Background(), store: docstore.New(db), emb: rag.NewHashEmbedder()}
}

// mustReplace stores a document of the given chunk texts, embedded.
func (b *testBundle) mustReplace(t *testing.T, source, title string, texts ...string) (int64, int) {
	t.Helper()
	chunks := make([]rag.Chunk, len(texts))
	for i, text := range texts {
		v, err := b.emb.Embed(b.ctx, []string{rag.EmbedText(title, []string{"Uslovi"}, text)})
		if err != nil {
			t.Fatal(err)
		}
		chunks[i] = rag.Chunk{Ord: i, HeadingPath: []string{"Uslovi"}, Content: text, Tokens: 10, Embedding: v[0]}
	}
	version, err := b.store.ReplaceDocument(b.ctx, rag.Document{Municipality: "sombor", Source: source, Title: title,
		Format: "md", ContentHash: "h-" + source, EmbedModel: b.emb.Model(), Body: title}, chunks)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := b.store.ListDocuments(b.ctx, "sombor")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Source == source {
			return d.ID, version
		}
	}
	t.Fatalf("%s not listed", source)
	return 0, 0
}

// TestMissingIsNotFound: every lookup of something absent is
// fault.ErrNotFound, which handlers answer with 404.
func TestMissingIsNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id, _ := b.mustReplace(t, "decji.md", "Dečji dodatak", "Dečji dodatak ostvaruje roditelj za prvo, drugo, treće i četvrto dete.")
	_, err := b.store.Document(b.ctx, "sombor", id+1000)
	_, otherCity := b.store.Document(b.ctx, "novi-sad", id)
	_, passage := b.store.Passage(b.ctx, "sombor", id, 0)
	removed := b.store.RemoveDocument(b.ctx, "sombor", "nema.md")
	for name, err := range map[string]error{"document": err, "other city": otherCity, "passage": passage, "remove": removed} {
		if !errors.Is(err, fault.ErrNotFound) || fault.HTTPStatus(err) != http.StatusNotFound {
			t.Errorf("%s: %v, want fault.ErrNotFound", name, err)
		}
	}
	if _, _, ok, err := b.store.DocumentState(b.ctx, "sombor", "nema.md"); ok || err != nil {
		t.Errorf("state of a missing document: ok %v, err %v", ok, err)
	}
}

// TestReplaceDocumentRoundTrip: a replaced document is one new version,
// its chunks readable as passages and indexed under their normalised
// text.
func TestReplaceDocumentRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustReplace(t, "decji.md", "Dečji dodatak", "stari tekst")
	id, version := b.mustReplace(t, "decji.md", "Dečji dodatak", "Zahtev se podnosi u Gradskoj upravi.", "Rok je 30 dana.")
	if version != 2 {
		t.Errorf("version %d, want 2", version)
	}
	doc, err := b.store.Document(b.ctx, "sombor", id)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Chunks != 2 || doc.Body != "Dečji dodatak" || doc.EmbedModel != b.emb.Model() {
		t.Errorf("document %+v", doc)
	}
	hash, model, ok, err := b.store.DocumentState(b.ctx, "sombor", "decji.md")
	if err != nil || !ok || hash != "h-decji.md" || model != b.emb.Model() {
		t.Errorf("state %q %q %v %v", hash, model, ok, err)
	}
	chunks, err := b.store.DocumentChunks(b.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 2 || chunks[1].Ord != 1 || chunks[1].Content != "Rok je 30 dana." || !slices.Equal(chunks[1].HeadingPath, []string{"Uslovi"}) {
		t.Fatalf("chunks %+v", chunks)
	}
	passage, err := b.store.Passage(b.ctx, "sombor", id, chunks[0].ID)
	if err != nil || passage != "Zahtev se podnosi u Gradskoj upravi." {
		t.Errorf("passage %q, %v", passage, err)
	}

	if err := b.store.RefreshLexemes(b.ctx, "sombor"); err != nil {
		t.Fatal(err)
	}
	if st, err := b.store.Lexicon(b.ctx, "sombor"); err != nil || st.Chunks != 2 {
		t.Errorf("lexicon state %+v, %v", st, err)
	}
	head, _ := rag.SearchText("Dečji dodatak", nil, "")
	found, err := b.store.TextSearch(b.ctx, rag.TextQuery{Municipality: "sombor", TSQuery: "rok", Limit: 10, RankCap: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Hit.ChunkID != chunks[1].ID || found[0].Score <= 0 || found[0].Hit.Title != "Dečji dodatak" {
		t.Fatalf("text search %+v", found)
	}
	if want := head + " uslov"; len(found[0].Normalized) < len(want) || found[0].Normalized[:len(want)] != want {
		t.Errorf("normalised text %q, want it to start with %q", found[0].Normalized, want)
	}
}

// TestLexemes: known forms come back as they are, typos find their
// nearest forms.
func TestLexemes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustReplace(t, "porez.md", "Porez na imovinu", "Porez na imovinu plaća se tromesečno.")
	if err := b.store.RefreshLexemes(b.ctx, "sombor"); err != nil {
		t.Fatal(err)
	}
	exact, err := b.store.Lexemes(b.ctx, "sombor", []string{"porez", "nepoznat"})
	if err != nil {
		t.Fatal(err)
	}
	if len(exact) != 1 || exact[0].Token != "porez" || exact[0].Form != "porez" || exact[0].NDoc != 1 {
		t.Errorf("exact %+v", exact)
	}
	// A doubled last letter is a typo close enough to correct.
	form := serbian.Tokens("tromesečno")[0]
	typo := form + form[len(form)-1:]
	near, err := b.store.SimilarLexemes(b.ctx, "sombor", []string{typo})
	if err != nil {
		t.Fatal(err)
	}
	if len(near) == 0 || near[0].Token != typo || near[0].Form != form {
		t.Errorf("near %+v", near)
	}
	if other, err := b.store.Lexemes(b.ctx, "novi-sad", []string{"porez"}); err != nil || len(other) != 0 {
		t.Errorf("another municipality: %+v, %v", other, err)
	}
}

// TestVectorSearchAndNearest: both vector reads find the passage itself
// first, by index and by exact scan.
func TestVectorSearchAndNearest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const text = "Odvoz kabastog otpada zakazuje se telefonom."
	b.mustReplace(t, "cistoca.md", "JKP Čistoća", text, "Zoohigijena uklanja uginule životinje.")
	if err := b.store.EnsureVectorIndex(b.ctx, b.emb.Model(), b.emb.Dim()); err != nil {
		t.Fatal(err)
	}
	v, _ := b.emb.Embed(b.ctx, []string{rag.EmbedText("JKP Čistoća", []string{"Uslovi"}, text)})
	for _, exact := range []bool{false, true} {
		q := rag.VectorQuery{Municipality: "sombor", Model: b.emb.Model(), Dim: b.emb.Dim(), Vector: v[0], Limit: 5, EfSearch: 40, Exact: exact}
		found, err := b.store.VectorSearch(b.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 2 || !slices.ContainsFunc(found, func(c rag.Candidate) bool { return c.Hit.Content == text && c.Score > 0.99 }) {
			t.Errorf("exact %v: vector search %+v", exact, found)
		}
		near, err := b.store.Nearest(b.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(near) != 2 || near[0].Distance > 0.01 || near[1].Distance < near[0].Distance {
			t.Errorf("exact %v: nearest %+v", exact, near)
		}
		q.Municipality = "novi-sad"
		if found, err := b.store.VectorSearch(b.ctx, q); err != nil || len(found) != 0 {
			t.Errorf("another municipality: %d, %v", len(found), err)
		}
	}
}

// TestLexiconState: each vocabulary refresh moves the generation on and
// records the chunk count; before the first, the chunks are counted.
func TestLexiconState(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustReplace(t, "porez.md", "Porez na imovinu", "Porez na imovinu plaća se tromesečno.", "Rate se plaćaju do 14. februara.")
	st, err := b.store.Lexicon(b.ctx, "sombor")
	if err != nil || st != (rag.LexiconState{Generation: 0, Chunks: 2}) {
		t.Fatalf("before a refresh: %+v, %v", st, err)
	}
	for gen := int64(1); gen <= 2; gen++ {
		if err := b.store.RefreshLexemes(b.ctx, "sombor"); err != nil {
			t.Fatal(err)
		}
		st, err := b.store.Lexicon(b.ctx, "sombor")
		if err != nil || st != (rag.LexiconState{Generation: gen, Chunks: 2}) {
			t.Fatalf("refresh %d: %+v, %v", gen, st, err)
		}
	}
	if st, err := b.store.Lexicon(b.ctx, "novi-sad"); err != nil || st != (rag.LexiconState{}) {
		t.Errorf("another municipality: %+v, %v", st, err)
	}
}

// TestBuildVectorIndex: the index is missing until built, the build takes
// its memory setting, and building again is a no-op.
func TestBuildVectorIndex(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustReplace(t, "cistoca.md", "JKP Čistoća", "Odvoz kabastog otpada zakazuje se telefonom.")
	const model = "bench-build-model"
	if ok, err := b.store.HasVectorIndex(b.ctx, model, 384); err != nil || ok {
		t.Fatalf("before: %v, %v", ok, err)
	}
	if err := b.store.BuildVectorIndex(b.ctx, model, 384, rag.IndexBuild{WorkMem: "not-memory"}); err == nil {
		t.Error("a bad maintenance_work_mem was accepted")
	}
	for range 2 {
		if err := b.store.BuildVectorIndex(b.ctx, model, 384, rag.IndexBuild{WorkMem: "128MB", Progress: func(rag.IndexProgress) {}}); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := b.store.HasVectorIndex(b.ctx, model, 384); err != nil || !ok {
		t.Fatalf("after: %v, %v", ok, err)
	}
}
