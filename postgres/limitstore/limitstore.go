// Package limitstore keeps MIA's rate limits in PostgreSQL (the
// rate_limits table): the default ratelimit.Limiter, shared by every
// replica on the database. Each check is one statement.
package limitstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/ratelimit"
)

// Store is the PostgreSQL ratelimit.Limiter.
type Store struct {
	db  *postgres.DB
	log *slog.Logger
	// nextPrune is when (µs) the next check also deletes spent rows.
	nextPrune atomic.Int64
}

var _ ratelimit.Limiter = (*Store)(nil)

// pruneEvery spaces the deletions of full allowances: the table holds at
// most the keys active within one minute plus those still refilling.
const pruneEvery = time.Minute

// New returns the limiter on db's primary pool (every check writes). log,
// nil discarding, gets failed clean-ups.
func New(db *postgres.DB, log *slog.Logger) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{db: db, log: log}
}

// allowSQL is the GCRA step of package ratelimit in one UPSERT. A new key
// starts full, so its first check (n ≤ burst) passes. For a known key the
// row lock serialises parallel checks: each sees the TAT the previous one
// wrote. A refused check keeps the TAT and only records ok = false, so
// RETURNING tells the two apart.
//
// $1 key, $2 now (µs), $3 n, $4 interval (µs), $5 burst.
const allowSQL = `
INSERT INTO rate_limits AS r (key, tat, ok) VALUES ($1, $2::bigint + $3::bigint * $4::bigint, true)
ON CONFLICT (key) DO UPDATE SET
	tat = CASE WHEN greatest(r.tat, $2) + ($3 - $5) * $4 <= $2 THEN greatest(r.tat, $2) + $3 * $4 ELSE r.tat END,
	ok  = greatest(r.tat, $2) + ($3 - $5) * $4 <= $2
RETURNING tat, ok`

// Allow takes n requests from key's allowance when all are there.
func (s *Store) Allow(ctx context.Context, key string, l ratelimit.Limit, n int, at time.Time) (ratelimit.Result, error) {
	if err := ratelimit.Check(key, l, n); err != nil {
		return ratelimit.Result{}, err
	}
	now := ratelimit.Micros(at)
	var tat int64
	var ok bool
	if err := s.db.QueryRow(ctx, allowSQL, key, now, n, l.Every.Microseconds(), l.Burst).Scan(&tat, &ok); err != nil {
		return ratelimit.Result{}, fmt.Errorf("rate limit check: %w", err)
	}
	s.maybePrune(ctx, now)
	if ok {
		return ratelimit.Result{Allowed: true}, nil
	}
	return ratelimit.Denied(tat, now, l, n), nil
}

// Peek reads key's state without locking or writing.
func (s *Store) Peek(ctx context.Context, key string, l ratelimit.Limit, at time.Time) (ratelimit.Result, error) {
	if err := ratelimit.Check(key, l, 1); err != nil {
		return ratelimit.Result{}, err
	}
	var tat int64 // 0: no row, a full allowance
	err := s.db.QueryRow(ctx, `SELECT tat FROM rate_limits WHERE key = $1`, key).Scan(&tat)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return ratelimit.Result{}, fmt.Errorf("rate limit peek: %w", err)
	}
	return ratelimit.PeekAt(tat, ratelimit.Micros(at), l), nil
}

// Refund moves key's TAT back by n intervals; a TAT that falls behind now
// is a full allowance, however far behind.
func (s *Store) Refund(ctx context.Context, key string, l ratelimit.Limit, n int, at time.Time) error {
	if err := ratelimit.Check(key, l, n); err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, `UPDATE rate_limits SET tat = tat - $2::bigint * $3::bigint WHERE key = $1 AND tat > $4`,
		key, n, l.Every.Microseconds(), ratelimit.Micros(at))
	if err != nil {
		return fmt.Errorf("rate limit refund: %w", err)
	}
	return nil
}

// Reset deletes key's row.
func (s *Store) Reset(ctx context.Context, key string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM rate_limits WHERE key = $1`, key); err != nil {
		return fmt.Errorf("rate limit reset: %w", err)
	}
	return nil
}

// Prune deletes every row whose allowance is full at `at`: forgetting
// them changes no answer. It returns how many went.
func (s *Store) Prune(ctx context.Context, at time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM rate_limits WHERE tat <= $1`, ratelimit.Micros(at))
	if err != nil {
		return 0, fmt.Errorf("rate limit prune: %w", err)
	}
	return tag.RowsAffected(), nil
}

// maybePrune runs Prune from one check a minute per replica. A failure
// costs nothing but a larger table until the next one.
func (s *Store) maybePrune(ctx context.Context, now int64) {
	next := s.nextPrune.Load()
	if now < next || !s.nextPrune.CompareAndSwap(next, now+pruneEvery.Microseconds()) {
		return
	}
	if next == 0 {
		return // the first check only starts the clock
	}
	if _, err := s.Prune(ctx, time.UnixMicro(now)); err != nil {
		s.log.WarnContext(ctx, "rate limit prune", "err", err)
	}
}
