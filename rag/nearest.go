package rag

import "context"

// Nearest returns the k chunks nearest to text by vector alone, through
// the HNSW index at the searcher's ef_search and Candidates or, with exact, by a full
// scan: the yardstick for the index's recall.
func (s *Searcher) Nearest(ctx context.Context, municipality, text string, k int, exact bool) ([]Neighbor, error) {
	vecs, err := s.emb.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return s.index.Nearest(ctx, VectorQuery{Municipality: municipality, Model: s.emb.Model(), Dim: s.emb.Dim(),
		Vector: vecs[0], Limit: k, EfSearch: s.EfSearch, Candidates: s.Candidates, Exact: exact})
}
