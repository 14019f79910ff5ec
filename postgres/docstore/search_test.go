package docstore

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

// TestBatchSettingsEndWithBatch: settings sent in a search's batch hold
// for its query and are gone when the connection serves the next one,
// without BEGIN and COMMIT round trips.
func TestBatchSettingsEndWithBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, dsn := pgtest.NewDB(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	qs := u.Query()
	qs.Set("pool_max_conns", "1") // the next query meets the same connection
	u.RawQuery = qs.Encode()
	db, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	vector, vectorArgs := searchSettingsQuery(rag.VectorQuery{EfSearch: 40})
	for _, settings := range []struct {
		sql  string
		args []any
	}{{textSettingsQuery(rag.TextQuery{}), nil}, {vector, vectorArgs}} {
		b := &pgx.Batch{}
		b.Queue(settings.sql, settings.args...)
		b.Queue(`SELECT current_setting('enable_seqscan') || current_setting('enable_sort') || current_setting('jit') ||
			current_setting('plan_cache_mode')`)
		var in string
		if err := runBatch(ctx, db, b, func(rows pgx.Rows) (err error) {
			in, err = pgx.CollectExactlyOneRow(rows, pgx.RowTo[string])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var after string
		if err := db.QueryRow(ctx, `SELECT current_setting('enable_seqscan') || current_setting('enable_sort') || current_setting('jit') ||
			current_setting('plan_cache_mode')`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		// The search forces custom plans for itself; every other statement
		// keeps the server's plan cache (auto), or each would be planned anew.
		if in == after || !strings.HasSuffix(in, "force_custom_plan") || after != "onononauto" {
			t.Errorf("settings in the batch %q, after it %q", in, after)
		}
	}
}

// TestTextSearchShapes: the all-terms query's passages come first, the
// fallback's follow only when they are too few, without repeats; reading
// the matches through the full-text index (Sparse) or walking chunks in
// id order finds the same passages in the same order, and a short list
// as long as the matches changes nothing.
func TestTextSearchShapes(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	s := New(db)
	ctx := context.Background()
	emb := rag.NewHashEmbedder()
	texts := []string{"porez na imovinu rok", "porez na imovinu", "porez", "imovina grada", "komunalni otpad"}
	chunks := make([]rag.Chunk, len(texts))
	for i, text := range texts {
		v, _ := emb.Embed(ctx, []string{text})
		chunks[i] = rag.Chunk{Ord: i, Content: text, Tokens: 3, Embedding: v[0]}
	}
	if _, err := s.ReplaceDocument(ctx, rag.Document{Municipality: "sombor", Source: "porez.md", Title: "Dokument",
		Format: "md", ContentHash: "h", EmbedModel: emb.Model()}, chunks); err != nil {
		t.Fatal(err)
	}
	contents := func(q rag.TextQuery) []string {
		t.Helper()
		found, err := s.TextSearch(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range found {
			out = append(out, c.Hit.Content)
		}
		return out
	}
	q := rag.TextQuery{Municipality: "sombor", TSQuery: "(porez) & (imovin) & (rok)", Fallback: "porez | imovin | rok",
		FallbackBelow: 2, Limit: 10, RankCap: 10}
	got := contents(q)
	if len(got) != 4 || got[0] != "porez na imovinu rok" || slices.Contains(got, "komunalni otpad") {
		t.Fatalf("with the fallback: %q", got)
	}
	for _, shape := range []rag.TextQuery{
		{Sparse: true, FallbackSparse: true},
		{Sparse: true},
		{FallbackSparse: true},
		{ShortList: 4, Sparse: true, FallbackSparse: true},
		// A small town's statement keeps its cached plan: after five
		// custom plans a connection may run a generic one, which must
		// find the same.
		{Sparse: true, FallbackSparse: true, Small: true},
	} {
		v := q
		v.Sparse, v.FallbackSparse, v.ShortList, v.Small = shape.Sparse, shape.FallbackSparse, shape.ShortList, shape.Small
		for range 7 {
			if other := contents(v); !slices.Equal(other, got) {
				t.Errorf("%+v: %q, want %q", shape, other, got)
			}
		}
	}
	q.FallbackBelow = 1
	if got := contents(q); len(got) != 1 {
		t.Errorf("enough without the fallback: %q", got)
	}
}
