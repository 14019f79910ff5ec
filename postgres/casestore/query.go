package casestore

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/forms"
)

// buildQueueQuery returns the SQL and arguments listing the cases in scope
// that match f; every value is a parameter, never part of the text.
func buildQueueQuery(scope forms.CaseScope, f forms.CaseFilter) (string, []any) {
	var cond []string
	var args []any
	add := func(sql string, v any) {
		args = append(args, v)
		cond = append(cond, fmt.Sprintf(sql, len(args)))
	}
	add("c.municipality = $%d", scope.Municipality)
	if scope.Body != "" {
		add("c.body_key = $%d", scope.Body)
	}
	if f.Status != "" {
		add("c.status = $%d", f.Status)
	}
	if f.Category != "" {
		add("c.fields->>'category' = $%d", f.Category)
	}
	if f.Body != "" {
		add("c.body_key = $%d", f.Body)
	}
	if !f.From.IsZero() {
		add("c.created_at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("c.created_at < $%d", f.To.AddDate(0, 0, 1))
	}
	args = append(args, f.Limit)
	return `SELECT c.id, c.ref, c.kind, c.status, coalesce(c.fields->>'category', ''), c.body_key, c.created_at
		FROM cases c WHERE ` + strings.Join(cond, " AND ") + fmt.Sprintf(` ORDER BY c.created_at DESC, c.id DESC LIMIT $%d`, len(args)), args
}

// FindCases lists the cases in scope matching f, newest first.
func (s *Store) FindCases(ctx context.Context, scope forms.CaseScope, f forms.CaseFilter) ([]forms.CaseRow, error) {
	q, args := buildQueueQuery(scope, f)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find cases: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (forms.CaseRow, error) {
		var c forms.CaseRow
		err := r.Scan(&c.ID, &c.Ref, &c.Kind, &c.Status, &c.Category, &c.BodyKey, &c.CreatedAt)
		return c, err
	})
}

// CaseStats returns a municipality's case figures, all time.
func (s *Store) CaseStats(ctx context.Context, municipality string) (*forms.Stats, error) {
	st := &forms.Stats{}
	var err error
	if st.Forms, err = s.counts(ctx, `
		SELECT form, count(*) FROM cases WHERE municipality = $1 GROUP BY form ORDER BY count(*) DESC, form`, municipality); err != nil {
		return nil, err
	}
	if st.Categories, err = s.counts(ctx, `
		SELECT fields->>'category', count(*) FROM cases
		WHERE municipality = $1 AND coalesce(fields->>'category', '') <> ''
		GROUP BY 1 ORDER BY count(*) DESC, 1`, municipality); err != nil {
		return nil, err
	}
	if st.Bodies, err = s.counts(ctx, `
		SELECT body_key, count(*) FROM cases
		WHERE municipality = $1 AND body_key <> '' GROUP BY body_key ORDER BY count(*) DESC, body_key`, municipality); err != nil {
		return nil, err
	}
	// Time to resolve: from filing to the first resolved event.
	var median *float64
	err = s.db.QueryRow(ctx, `
		SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) FROM (
			SELECT extract(epoch FROM min(e.created_at) - c.created_at)::float8 AS secs
			FROM cases c JOIN case_events e ON e.case_id = c.id AND e.to_status = 'resolved'
			WHERE c.municipality = $1 GROUP BY c.id, c.created_at
		) r`, municipality).Scan(&st.Resolved, &median)
	if err != nil {
		return nil, fmt.Errorf("case stats, resolve time: %w", err)
	}
	if median != nil {
		st.MedianResolve = time.Duration(math.Round(*median)) * time.Second
	}
	return st, nil
}

// counts runs a two-column (key, count) query.
func (s *Store) counts(ctx context.Context, sql string, args ...any) ([]forms.Count, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("case stats: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (forms.Count, error) {
		var c forms.Count
		err := r.Scan(&c.Key, &c.N)
		return c, err
	})
}
