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
func Reembed(ctx context.Context, store Store, municipality string, emb Embedder, progress func(chunks int)) (int, error) {
	if err := store.EnsureVectorIndex(ctx, emb.Model(), emb.Dim()); err != nil {
		return 0, err
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
