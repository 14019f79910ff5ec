package rag

import (
	"context"
	"slices"

	"github.com/miasrbija/mia/serbian"
)

// ExpandQuery runs term expansion alone, as Search does, for measuring it.
func (s *Searcher) ExpandQuery(ctx context.Context, municipality, text string) error {
	st, err := s.index.Lexicon(ctx, municipality)
	if err != nil {
		return err
	}
	_, err = s.expandTerms(ctx, municipality, st, slices.Compact(serbian.Tokens(text)))
	return err
}
