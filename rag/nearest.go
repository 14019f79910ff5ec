package rag

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// Neighbor is a chunk and its cosine distance to a query.
type Neighbor struct {
	ChunkID  int64
	Distance float64
}

// Nearest returns the k chunks nearest to text by vector alone, through
// the HNSW index at the searcher's ef_search or, with exact, by a full
// scan: the yardstick for the index's recall.
func (s *Searcher) Nearest(ctx context.Context, municipality, text string, k int, exact bool) ([]Neighbor, error) {
	vecs, err := s.emb.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	dim := s.emb.Dim()
	var out []Neighbor
	err = pgx.BeginTxFunc(ctx, s.store.db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('hnsw.ef_search', $1, true), set_config('enable_indexscan', $2, true)`,
			fmt.Sprint(s.EfSearch), fmt.Sprint(!exact)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT id, embedding::vector(%d) <=> $3 FROM chunks
			WHERE municipality = $1 AND model = $2 ORDER BY embedding::vector(%d) <=> $3 LIMIT $4`, dim, dim),
			municipality, s.emb.Model(), pgvector.NewVector(vecs[0]), k)
		if err != nil {
			return err
		}
		var n Neighbor
		_, err = pgx.ForEachRow(rows, []any{&n.ChunkID, &n.Distance}, func() error {
			out = append(out, n)
			return nil
		})
		return err
	})
	return out, err
}
