// Package casestore keeps the forms package's tables in PostgreSQL:
// form_drafts (and form_draft_expiries), case_counters, cases, case_events, case_attachments,
// attachment_blobs and case_notifications. It implements forms.Store (and
// forms.AttachmentStore for the bytes) and holds no rule of the domain:
// forms decides, this package reads and writes rows.
package casestore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/postgres"
)

// Store is the PostgreSQL forms.Store.
type Store struct {
	db *postgres.DB
}

var (
	_ forms.Store           = (*Store)(nil)
	_ forms.AttachmentStore = (*Store)(nil)
	_ forms.Tx              = (*tx)(nil)
)

// New returns the store on db.
func New(db *postgres.DB) *Store { return &Store{db: db} }

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// InTx runs fn in one transaction: committed when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(forms.Tx) error) error {
	return pgx.BeginFunc(ctx, s.db, func(t pgx.Tx) error {
		return fn(&tx{q: t})
	})
}

// tx is forms.Tx on one pgx transaction.
type tx struct {
	q pgx.Tx
}

// notFound turns pgx.ErrNoRows into fault.ErrNotFound with msg, and
// wraps any other error with what was being done.
func notFound(err error, doing, msg string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fault.Wrap(fault.ErrNotFound, err, "%s", msg)
	}
	return fmt.Errorf("%s: %w", doing, err)
}
