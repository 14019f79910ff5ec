package docstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/rag"
)

// ReadIndex returns the store's search side (rag.Index) reading through
// the database's Read: on a streaming replica when MIA_DATABASE_READ_URL
// names healthy ones, each call run once more on the primary when its
// replica fails. Search tolerates a replica's bounded lag (a document
// ingested a moment ago is found a moment later); documents, ingestion and
// re-embedding stay on the primary through the Store itself. Build one per
// Searcher: it remembers the vocabulary generations it has seen.
func (s *Store) ReadIndex() rag.Index {
	return &readIndex{Store: s, seen: map[string]int64{}}
}

// readIndex routes each rag.Index call as a whole, so a replica that dies
// mid-call costs a retry, never a half result. A method rag.Index gains
// later runs on the primary (through the embedded Store) until it is
// routed here too.
//
// The Searcher caches vocabulary look-ups under the generation Lexicon
// returned. Replicas replay at their own pace, so a look-up could land on
// one still holding an older vocabulary and be cached under the newer
// generation until the next refresh. A look-up therefore first checks the
// generation of the server it runs on (replay only moves forward) and,
// when that server is behind the newest generation seen, runs on the
// primary instead (postgres.ErrStaleRead).
type readIndex struct {
	*Store
	mu   sync.Mutex
	seen map[string]int64 // municipality → newest vocabulary generation read
}

var _ rag.Index = (*readIndex)(nil)

// onRead runs f with a Store on the pool Read picks, and the context Read
// gives for it; the Store shares parent's memory of dense indexes.
func onRead[T any](ctx context.Context, parent *Store, f func(context.Context, *Store) (T, error)) (T, error) {
	var out T
	err := parent.db.Read(ctx, func(ctx context.Context, pool *postgres.DB) error {
		s := New(pool)
		s.dense = parent.dense
		var err error
		out, err = f(ctx, s)
		return err
	})
	return out, err
}

func (r *readIndex) Lexicon(ctx context.Context, municipality string) (rag.LexiconState, error) {
	st, err := onRead(ctx, r.Store, func(ctx context.Context, s *Store) (rag.LexiconState, error) {
		return s.Lexicon(ctx, municipality)
	})
	if err == nil {
		r.mu.Lock()
		r.seen[municipality] = max(r.seen[municipality], st.Generation)
		r.mu.Unlock()
	}
	return st, err
}

// lookup runs a vocabulary look-up on a server whose vocabulary is at
// least the newest generation seen.
func (r *readIndex) lookup(ctx context.Context, municipality string, f func(context.Context, *Store) ([]rag.Lexeme, error)) ([]rag.Lexeme, error) {
	r.mu.Lock()
	seen := r.seen[municipality]
	r.mu.Unlock()
	if seen == 0 || r.db.Reads() == nil {
		return onRead(ctx, r.Store, f) // nothing to be behind, or one server only
	}
	return onRead(ctx, r.Store, func(ctx context.Context, s *Store) ([]rag.Lexeme, error) {
		st, err := s.Lexicon(ctx, municipality)
		if err != nil {
			return nil, err
		}
		if st.Generation < seen {
			return nil, fmt.Errorf("vocabulary generation %d, seen %d: %w", st.Generation, seen, postgres.ErrStaleRead)
		}
		return f(ctx, s)
	})
}

func (r *readIndex) Lexemes(ctx context.Context, municipality string, tokens []string) ([]rag.Lexeme, error) {
	return r.lookup(ctx, municipality, func(ctx context.Context, s *Store) ([]rag.Lexeme, error) {
		return s.Lexemes(ctx, municipality, tokens)
	})
}

func (r *readIndex) SimilarLexemes(ctx context.Context, municipality string, tokens []string) ([]rag.Lexeme, error) {
	return r.lookup(ctx, municipality, func(ctx context.Context, s *Store) ([]rag.Lexeme, error) {
		return s.SimilarLexemes(ctx, municipality, tokens)
	})
}

func (r *readIndex) VectorSearch(ctx context.Context, q rag.VectorQuery) ([]rag.Candidate, error) {
	return onRead(ctx, r.Store, func(ctx context.Context, s *Store) ([]rag.Candidate, error) {
		return s.VectorSearch(ctx, q)
	})
}

func (r *readIndex) TextSearch(ctx context.Context, q rag.TextQuery) ([]rag.Candidate, error) {
	return onRead(ctx, r.Store, func(ctx context.Context, s *Store) ([]rag.Candidate, error) {
		return s.TextSearch(ctx, q)
	})
}

func (r *readIndex) Nearest(ctx context.Context, q rag.VectorQuery) ([]rag.Neighbor, error) {
	return onRead(ctx, r.Store, func(ctx context.Context, s *Store) ([]rag.Neighbor, error) {
		return s.Nearest(ctx, q)
	})
}
