package docstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

// TestMunicipalityIndexServesFilteredSearch: building the vector index
// builds each municipality's own; a search filtered to one municipality
// is planned on that municipality's index every time (also past the
// executions after which a cached statement could take a generic plan),
// and the index's name is the one migration 00017 computes.
func TestMunicipalityIndexServesFilteredSearch(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	ctx := context.Background()
	s := New(db)
	emb := rag.NewHashEmbedder()
	for _, town := range []string{"sombor", "laktasi"} {
		chunks := make([]rag.Chunk, 40)
		for i := range chunks {
			text := fmt.Sprintf("Zahtev broj %d za %s podnosi se na šalteru %d uslužnog centra.", i, town, i%7)
			v, err := emb.Embed(ctx, []string{text})
			if err != nil {
				t.Fatal(err)
			}
			chunks[i] = rag.Chunk{Ord: i, Content: text, Tokens: 12, Embedding: v[0]}
		}
		if _, err := s.ReplaceDocument(ctx, rag.Document{Municipality: town, Source: "a.md", Title: "Zahtevi", Format: "md",
			ContentHash: "h", EmbedModel: emb.Model()}, chunks); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.BuildVectorIndex(ctx, emb.Model(), emb.Dim(), rag.IndexBuild{}); err != nil {
		t.Fatal(err)
	}
	for _, town := range []string{"sombor", "laktasi"} {
		var exists bool
		var sqlName string
		err := db.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL,
			'chunks_hnsw_t_' || left(md5($2 || '/' || $3 || '/' || $4::int), 20)`,
			townIndexName(town, emb.Model(), emb.Dim()), town, emb.Model(), emb.Dim()).Scan(&exists, &sqlName)
		if err != nil {
			t.Fatal(err)
		}
		if !exists {
			t.Fatalf("%s has no vector index of its own", town)
		}
		if sqlName != townIndexName(town, emb.Model(), emb.Dim()) {
			t.Fatalf("migration's name %s, Go's %s", sqlName, townIndexName(town, emb.Model(), emb.Dim()))
		}
	}
	if _, err := db.Exec(ctx, `ANALYZE chunks`); err != nil {
		t.Fatal(err)
	}

	v, _ := emb.Embed(ctx, []string{"gde se podnosi zahtev"})
	q := rag.VectorQuery{Municipality: "laktasi", Model: emb.Model(), Dim: emb.Dim(), Vector: v[0], Limit: 10, EfSearch: 400}
	own := townIndexName("laktasi", emb.Model(), emb.Dim())
	for i := range 8 {
		var plan []string
		err := pgx.BeginTxFunc(ctx, db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			settings, args := searchSettingsQuery(q)
			if _, err := tx.Exec(ctx, settings, args...); err != nil {
				return err
			}
			// Keep the sequential scan out of the way, as on a table of
			// real size, so the choice is between the two indexes.
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			sql, args := nearestQuery(q)
			rows, err := tx.Query(ctx, "EXPLAIN "+sql, args...)
			if err != nil {
				return err
			}
			plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if text := strings.Join(plan, "\n"); !strings.Contains(text, own) {
			t.Fatalf("execution %d not planned on laktasi's own index %s:\n%s", i+1, own, text)
		}
	}
}

func TestTownIndexSQLRefusesUnsafeInput(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		town, model string
		dim         int
	}{
		{"sombor'; DROP TABLE chunks; --", "m", 384},
		{"Sombor", "m", 384},
		{"sombor", "bad'model", 384},
		{"sombor", "m", 4000},
	} {
		if _, err := townIndexSQL(tt.town, tt.model, tt.dim); err == nil {
			t.Errorf("townIndexSQL(%q, %q, %d): no error", tt.town, tt.model, tt.dim)
		}
	}
	ddl, err := townIndexSQL("novi-sad", "text-embedding-3-small", 1536)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ddl, "WHERE model = 'text-embedding-3-small' AND municipality = 'novi-sad'") ||
		!strings.Contains(ddl, "embedding::vector(1536)") {
		t.Errorf("DDL: %s", ddl)
	}
}
