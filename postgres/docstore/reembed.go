package docstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"github.com/miasrbija/mia/rag"
)

// DocumentsToReembed implements rag.Store.
func (s *Store) DocumentsToReembed(ctx context.Context, municipality, model string) ([]rag.Document, error) {
	rows, err := s.db.Query(ctx, `SELECT id, title FROM documents WHERE municipality = $1 AND embed_model <> $2 ORDER BY id`,
		municipality, model)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Document, error) {
		var d rag.Document
		return d, r.Scan(&d.ID, &d.Title)
	})
}

// DocumentChunks implements rag.Store.
func (s *Store) DocumentChunks(ctx context.Context, documentID int64) ([]rag.Chunk, error) {
	rows, err := s.db.Query(ctx, `SELECT id, ord, heading_path, content FROM chunks WHERE document_id = $1 ORDER BY ord`, documentID)
	if err != nil {
		return nil, fmt.Errorf("chunks of document %d: %w", documentID, err)
	}
	chunks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Chunk, error) {
		var c rag.Chunk
		return c, r.Scan(&c.ID, &c.Ord, &c.HeadingPath, &c.Content)
	})
	if err != nil {
		return nil, fmt.Errorf("chunks of document %d: %w", documentID, err)
	}
	return chunks, nil
}

// ReplaceEmbeddings implements rag.Store: every update in one batch of one
// transaction.
func (s *Store) ReplaceEmbeddings(ctx context.Context, documentID int64, model string, chunks []rag.Chunk) error {
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		batch := &pgx.Batch{}
		for _, c := range chunks {
			batch.Queue(`UPDATE chunks SET model = $2, embedding = $3 WHERE id = $1`, c.ID, model, pgvector.NewVector(c.Embedding))
		}
		// updated_at is the content's last change, shown in citations: a
		// new embedding model changes no content.
		batch.Queue(`UPDATE documents SET embed_model = $2 WHERE id = $1`, documentID, model)
		return tx.SendBatch(ctx, batch).Close()
	})
}
