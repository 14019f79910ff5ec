package rag

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// Reembed recomputes, with emb, the vectors of every chunk of the
// municipality that another model embedded; the stored texts are used, so
// the source files need not be at hand. Each document switches models in
// one transaction: search never mixes two models within a document. It
// returns the number of chunks re-embedded; progress, when not nil, is
// called after each document with the running total.
func (s *Store) Reembed(ctx context.Context, municipality string, emb Embedder, progress func(chunks int)) (int, error) {
	if err := s.EnsureVectorIndex(ctx, emb.Model(), emb.Dim()); err != nil {
		return 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, title FROM documents WHERE municipality = $1 AND embed_model <> $2 ORDER BY id`,
		municipality, emb.Model())
	if err != nil {
		return 0, fmt.Errorf("reembed: %w", err)
	}
	type doc struct {
		id    int64
		title string
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (doc, error) {
		var d doc
		return d, r.Scan(&d.id, &d.title)
	})
	if err != nil {
		return 0, fmt.Errorf("reembed: %w", err)
	}
	total := 0
	for _, d := range docs {
		n, err := s.reembedDocument(ctx, d.id, d.title, emb)
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

func (s *Store) reembedDocument(ctx context.Context, id int64, title string, emb Embedder) (int, error) {
	rows, err := s.db.Query(ctx, `SELECT id, heading_path, content FROM chunks WHERE document_id = $1 ORDER BY ord`, id)
	if err != nil {
		return 0, err
	}
	var ids []int64
	var texts []string
	for rows.Next() {
		var cid int64
		var path []string
		var content string
		if err := rows.Scan(&cid, &path, &content); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, cid)
		texts = append(texts, EmbedText(title, path, content))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	// Embed outside the transaction: a slow model must not hold locks.
	vecs, err := emb.Embed(ctx, texts)
	if err != nil {
		return 0, fmt.Errorf("reembed document %d: %w", id, err)
	}
	err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		batch := &pgx.Batch{}
		for i, cid := range ids {
			batch.Queue(`UPDATE chunks SET model = $2, embedding = $3 WHERE id = $1`, cid, emb.Model(), pgvector.NewVector(vecs[i]))
		}
		batch.Queue(`UPDATE documents SET embed_model = $2, updated_at = now() WHERE id = $1`, id, emb.Model())
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return 0, fmt.Errorf("reembed document %d: %w", id, err)
	}
	return len(ids), nil
}
