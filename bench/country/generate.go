package country

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/rag"
)

// Options are a generation run's settings.
type Options struct {
	Plan Plan
	// Corpora are the directories whose Markdown documents give the
	// sentences (corpus/sombor, corpus/laktasi).
	Corpora []string
	// WorkMem is maintenance_work_mem for the HNSW build ("4GB" at the top
	// setting: a graph that does not fit is built several times slower).
	WorkMem string
	// Progress, when set, hears of each municipality loaded and of the
	// index build.
	Progress func(Progress)
}

// Progress is how far a run is.
type Progress struct {
	Municipality     string
	Done, Total      int // municipalities loaded
	Chunks           int // chunks loaded so far
	Index            *rag.IndexProgress
	RefreshingLexica bool
}

// perDocument is the chunks of one generated document, about a long
// decision or guide.
const perDocument = 50

// Generate registers the plan's municipalities in the database and loads
// their chunks, embedded by the offline embedder, then builds the vector
// index once (as a first ingestion does) and each municipality's
// vocabulary. Chunks a previous run left for the same municipalities are
// replaced. It drops the embedder's vector index for the load: run it on
// a benchmark database, never on one serving citizens.
func Generate(ctx context.Context, db *postgres.DB, opt Options) ([]Municipality, error) {
	towns, err := opt.Plan.Sizes()
	if err != nil {
		return nil, err
	}
	topics, err := readTopics(opt.Corpora)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	w := newWriter(topics)
	emb := rag.NewHashEmbedder()
	store := docstore.New(db)
	progress := opt.Progress
	if progress == nil {
		progress = func(Progress) {}
	}

	for _, t := range towns {
		if _, err := db.Exec(ctx, `INSERT INTO municipalities (slug, name) VALUES ($1, $2)
			ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name`, t.Slug, t.Name); err != nil {
			return nil, fmt.Errorf("register %s: %w", t.Slug, err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM documents WHERE municipality = $1`, t.Slug); err != nil {
			return nil, fmt.Errorf("clear %s: %w", t.Slug, err)
		}
	}
	// Inserting into an HNSW graph row by row is many times slower than
	// building it once over the loaded rows.
	if err := dropVectorIndexes(ctx, db); err != nil {
		return nil, err
	}

	loaded := 0
	for i, t := range towns {
		if err := loadTown(ctx, store, emb, w, t); err != nil {
			return nil, err
		}
		loaded += t.Chunks
		progress(Progress{Municipality: t.Slug, Done: i + 1, Total: len(towns), Chunks: loaded})
	}
	if _, err := db.Exec(ctx, `ANALYZE chunks`); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	build := rag.IndexBuild{WorkMem: opt.WorkMem, Progress: func(p rag.IndexProgress) {
		progress(Progress{Done: len(towns), Total: len(towns), Chunks: loaded, Index: &p})
	}}
	if err := store.BuildVectorIndex(ctx, emb.Model(), emb.Dim(), build); err != nil {
		return nil, err
	}
	progress(Progress{Done: len(towns), Total: len(towns), Chunks: loaded, RefreshingLexica: true})
	for _, t := range towns {
		if err := store.RefreshLexemes(ctx, t.Slug); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Slug, err)
		}
	}
	if _, err := db.Exec(ctx, `VACUUM ANALYZE chunks`); err != nil {
		return nil, fmt.Errorf("vacuum: %w", err)
	}
	return towns, nil
}

// loadTown writes one municipality's documents, embedding them on every
// core. Its random source is seeded by its slug's rank, so a run is
// repeatable.
func loadTown(ctx context.Context, store *docstore.Store, emb *rag.HashEmbedder, w *writer, t Municipality) error {
	rng := rand.New(rand.NewPCG(uint64(len(t.Slug)), uint64(t.Chunks)^hash(t.Slug)))
	type doc struct {
		source, title string
		chunks        []rag.Chunk
	}
	var docs []doc
	for n, left := 0, t.Chunks; left > 0; n++ {
		size := min(perDocument, left)
		left -= size
		title, paths, texts := w.document(rng, t.Name, size)
		d := doc{source: fmt.Sprintf("generated/%04d.md", n), title: title, chunks: make([]rag.Chunk, size)}
		for i := range size {
			d.chunks[i] = rag.Chunk{Ord: i, HeadingPath: paths[i], Content: texts[i], Tokens: len(texts[i]) / 5}
		}
		docs = append(docs, d)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, d := range docs {
		g.Go(func() error {
			texts := make([]string, len(d.chunks))
			for i, c := range d.chunks {
				texts[i] = rag.EmbedText(d.title, c.HeadingPath, c.Content)
			}
			vecs, err := emb.Embed(gctx, texts)
			if err != nil {
				return err
			}
			for i := range d.chunks {
				d.chunks[i].Embedding = vecs[i]
			}
			_, err = store.ReplaceDocument(gctx, rag.Document{Municipality: t.Slug, Source: d.source, Title: d.title,
				Format: "md", ContentHash: "generated", EmbedModel: emb.Model()}, d.chunks)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("load %s: %w", t.Slug, err)
	}
	return nil
}

// dropVectorIndexes drops every HNSW index on chunks.
func dropVectorIndexes(ctx context.Context, db *postgres.DB) error {
	rows, err := db.Query(ctx, `SELECT quote_ident(indexname) FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename = 'chunks' AND indexdef LIKE '%USING hnsw%'`)
	if err != nil {
		return fmt.Errorf("vector indexes: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("vector indexes: %w", err)
	}
	for _, n := range names {
		if _, err := db.Exec(ctx, `DROP INDEX `+n); err != nil {
			return fmt.Errorf("drop %s: %w", n, err)
		}
	}
	return nil
}

func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}
