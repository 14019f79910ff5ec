package forms

import (
	"context"
	"fmt"
	"strings"

	"github.com/miasrbija/mia/fault"
)

// FindCases lists the cases in scope that match f, newest first, with
// their bodies' names; at most f.Limit, capped at MaxCaseList. The scope
// always applies: a filter on another body finds nothing.
func (s *Service) FindCases(ctx context.Context, scope CaseScope, f CaseFilter) ([]CaseRow, error) {
	if strings.TrimSpace(scope.Municipality) == "" {
		return nil, fault.Invalid("a municipality is required")
	}
	if f.Limit <= 0 || f.Limit > MaxCaseList {
		f.Limit = MaxCaseList
	}
	rows, err := s.store.FindCases(ctx, scope, f)
	if err != nil {
		return nil, fmt.Errorf("find cases: %w", err)
	}
	if m, err := s.reg.Get(scope.Municipality); err == nil {
		for i := range rows {
			rows[i].BodyName = bodyName(m, rows[i].BodyKey)
		}
	}
	return rows, nil
}

// Stats returns a municipality's case figures, all time.
func (s *Service) Stats(ctx context.Context, municipality string) (*Stats, error) {
	st, err := s.store.CaseStats(ctx, municipality)
	if err != nil {
		return nil, fmt.Errorf("case stats: %w", err)
	}
	return st, nil
}
