package country_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/miasrbija/mia/bench/country"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestSizesFollowZipf(t *testing.T) {
	towns, err := country.DefaultPlan().Sizes()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for i, tw := range towns {
		sum += tw.Chunks
		if i > 0 && tw.Chunks > towns[i-1].Chunks {
			t.Fatalf("%s (%d) larger than %s (%d)", tw.Slug, tw.Chunks, towns[i-1].Slug, towns[i-1].Chunks)
		}
	}
	if len(towns) != 150 || sum != 1_500_000 {
		t.Fatalf("%d municipalities, %d chunks; want 150, 1500000", len(towns), sum)
	}
	// s = 1: the second is half the first, the tenth a tenth.
	if r := float64(towns[1].Chunks) / float64(towns[0].Chunks); r < 0.49 || r > 0.51 {
		t.Errorf("second/first = %.3f, want 0.5", r)
	}
	if r := float64(towns[9].Chunks) / float64(towns[0].Chunks); r < 0.099 || r > 0.101 {
		t.Errorf("tenth/first = %.3f, want 0.1", r)
	}
	// A floor lifts the smallest and keeps the total.
	small, err := country.Plan{Municipalities: 10, Chunks: 2000, Exponent: 2, MinChunks: 50}.Sizes()
	if err != nil {
		t.Fatal(err)
	}
	sum = 0
	for _, tw := range small {
		sum += tw.Chunks
		if tw.Chunks < 50 {
			t.Errorf("%s has %d chunks, under the floor", tw.Slug, tw.Chunks)
		}
	}
	if sum != 2000 {
		t.Errorf("total %d, want 2000", sum)
	}
}

func TestPlanRefusesBadSettings(t *testing.T) {
	for _, p := range []country.Plan{
		{Municipalities: 0, Chunks: 100, Exponent: 1, MinChunks: 1},
		{Municipalities: 10, Chunks: 5, Exponent: 1, MinChunks: 1},
		{Municipalities: 10, Chunks: 1000, Exponent: -1, MinChunks: 1},
	} {
		if _, err := p.Sizes(); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}

// TestGenerate loads a small country into a real database and writes a
// municipalities file mia serve would load: every municipality has its
// chunks, its vocabulary and its entry, and a filtered search returns
// its own chunks only.
func TestGenerate(t *testing.T) {
	db, _ := pgtest.NewDB(t)
	ctx := context.Background()
	plan := country.Plan{Municipalities: 5, Chunks: 600, Exponent: 1, MinChunks: 40}
	towns, err := country.Generate(ctx, db, country.Options{Plan: plan, Corpora: corpora})
	if err != nil {
		t.Fatal(err)
	}
	for _, tw := range towns {
		var chunks, lexemes int
		if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM chunks WHERE municipality = $1),
			(SELECT count(*) FROM lexemes WHERE municipality = $1)`, tw.Slug).Scan(&chunks, &lexemes); err != nil {
			t.Fatal(err)
		}
		if chunks != tw.Chunks || lexemes < 100 {
			t.Errorf("%s: %d chunks (want %d), %d lexemes", tw.Slug, chunks, tw.Chunks, lexemes)
		}
	}
	emb := rag.NewHashEmbedder()
	ok, err := docstoreHasIndex(ctx, db, emb)
	if err != nil || !ok {
		t.Fatalf("no vector index after generation: %v", err)
	}

	path := filepath.Join(t.TempDir(), "municipalities.yaml")
	if err := country.WriteFile(path, towns); err != nil {
		t.Fatal(err)
	}
	reg, err := municipality.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tw := range towns {
		m, err := reg.Get(tw.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if !m.InTerritory(tw.Lat, tw.Lon) || m.ViberTokenEnv != country.ViberTokenEnv {
			t.Errorf("%s: centre not in territory or token variable %q", tw.Slug, m.ViberTokenEnv)
		}
	}
	if _, err := reg.Get("sombor"); err != nil {
		t.Errorf("the demo municipalities are gone: %v", err)
	}

	s := rag.NewSearcher(docstoreIndex(db), emb)
	res, err := s.Search(ctx, rag.Query{Municipality: towns[4].Slug, Text: "Gde se predaje zahtev za dečiji dodatak?"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hits in the smallest municipality")
	}
	for _, h := range res.Hits {
		var owner string
		if err := db.QueryRow(ctx, `SELECT municipality FROM chunks WHERE id = $1`, h.ChunkID).Scan(&owner); err != nil {
			t.Fatal(err)
		}
		if owner != towns[4].Slug {
			t.Fatalf("hit %d belongs to %s", h.ChunkID, owner)
		}
	}
}

func docstoreIndex(db *postgres.DB) rag.Index { return docstore.New(db) }

func docstoreHasIndex(ctx context.Context, db *postgres.DB, emb rag.Embedder) (bool, error) {
	return docstore.New(db).HasVectorIndex(ctx, emb.Model(), emb.Dim())
}
