package rag

import (
	"context"
	"fmt"
)

// Reembed recomputes, with emb, the vectors of every chunk of the
// municipality that another model embedded; the stored texts are used, so
// the source files need not be at hand. Each document switches models in
// one transaction: search never mixes two models within a document. It
// returns the number of chunks re-embedded; progress, when not nil, is
// called after each document with the running total.
//
// When emb's model has no vector index yet, the index is built once after
// every vector is stored, with build's settings: one bulk build is far
// faster than growing the graph row by row. An interrupted run builds it
// on its next run.
func Reembed(ctx context.Context, store Store, municipality string, emb Embedder, progress func(chunks int), build IndexBuild) (int, error) {
	indexed, err := store.HasVectorIndex(ctx, emb.Model(), emb.Dim())
	if err != nil {
		return 0, fmt.Errorf("reembed: %w", err)
	}
	docs, err := store.DocumentsToReembed(ctx, municipality, emb.Model())
	if err != nil {
		return 0, fmt.Errorf("reembed: %w", err)
	}
	total := 0
	for _, d := range docs {
		n, err := reembedDocument(ctx, store, d, emb)
		if err != nil {
			return total, err
		}
		total += n
		if progress != nil {
			progress(total)
		}
	}
	if !indexed {
		if err := store.BuildVectorIndex(ctx, emb.Model(), emb.Dim(), build); err != nil {
			return total, fmt.Errorf("reembed: %w", err)
		}
	}
	return total, nil
}

func reembedDocument(ctx context.Context, store Store, d Document, emb Embedder) (int, error) {
	chunks, err := store.DocumentChunks(ctx, d.ID)
	if err != nil {
		return 0, fmt.Errorf("reembed document %d: %w", d.ID, err)
	}
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = EmbedText(d.Title, c.HeadingPath, c.Content)
	}
	// Embed before the store's transaction: a slow model must not hold locks.
	vecs, err := emb.Embed(ctx, texts)
	if err != nil {
		return 0, fmt.Errorf("reembed document %d: %w", d.ID, err)
	}
	for i := range chunks {
		chunks[i].Embedding = vecs[i]
	}
	if err := store.ReplaceEmbeddings(ctx, d.ID, emb.Model(), chunks); err != nil {
		return 0, fmt.Errorf("reembed document %d: %w", d.ID, err)
	}
	return len(chunks), nil
}
