package staffstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/backoffice"
)

// byKey orders limits so that transactions lock shared rows in one order
// and never deadlock.
func byKey(limits []backoffice.LoginLimit) []backoffice.LoginLimit {
	return slices.SortedFunc(slices.Values(limits), func(a, b backoffice.LoginLimit) int { return cmp.Compare(a.Key, b.Key) })
}

// fullUntil reports whether attempts hold l.Max attempts younger than
// l.Window at `at`, and when enough of them will have aged out to leave
// room for one more.
func fullUntil(attempts []time.Time, at time.Time, l backoffice.LoginLimit) (time.Time, bool) {
	since := at.Add(-l.Window)
	var recent []time.Time
	for _, a := range attempts {
		if a.After(since) {
			recent = append(recent, a)
		}
	}
	if len(recent) < l.Max {
		return time.Time{}, false
	}
	slices.SortFunc(recent, time.Time.Compare)
	return recent[len(recent)-l.Max].Add(l.Window), true
}

// LoginAttemptsFull reads (without locking) whether any key is full.
func (s *Store) LoginAttemptsFull(ctx context.Context, at time.Time, limits []backoffice.LoginLimit) (bool, time.Time, error) {
	keys := make([]string, len(limits))
	for i, l := range limits {
		keys[i] = l.Key
	}
	rows, err := s.db.Query(ctx, `SELECT key, attempts FROM staff_login_attempts WHERE key = ANY($1)`, keys)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("read login attempts: %w", err)
	}
	stored := map[string][]time.Time{}
	var key string
	var attempts []time.Time
	_, err = pgx.ForEachRow(rows, []any{&key, &attempts}, func() error {
		stored[key] = attempts
		return nil
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("read login attempts: %w", err)
	}
	var until time.Time
	for _, l := range limits {
		if t, full := fullUntil(stored[l.Key], at, l); full && t.After(until) {
			until = t
		}
	}
	return !until.IsZero(), until, nil
}

// ReserveLoginAttempt records an attempt under every limit's key in one
// transaction. The upsert locks each row, so parallel reservations for
// one key see each other's attempts; the keys are taken in a fixed order.
func (s *Store) ReserveLoginAttempt(ctx context.Context, at time.Time, limits []backoffice.LoginLimit) (bool, time.Time, error) {
	var retryAt time.Time
	errFull := errors.New("limit reached")
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		for _, l := range byKey(limits) {
			var attempts []time.Time
			err := tx.QueryRow(ctx, `
				INSERT INTO staff_login_attempts AS t (key, attempts, expires_at) VALUES ($1, ARRAY[$2::timestamptz], $4)
				ON CONFLICT (key) DO UPDATE SET
					attempts = array(SELECT a FROM unnest(t.attempts) a WHERE a > $3 ORDER BY a) || $2::timestamptz,
					expires_at = greatest(t.expires_at, $4)
				WHERE (SELECT count(*) FROM unnest(t.attempts) a WHERE a > $3) < $5
				RETURNING attempts`, l.Key, at, at.Add(-l.Window), at.Add(l.Window), l.Max).Scan(&attempts)
			if errors.Is(err, pgx.ErrNoRows) {
				// Full. The row is locked by the upsert: read it as it is.
				if err := tx.QueryRow(ctx, `SELECT attempts FROM staff_login_attempts WHERE key = $1`, l.Key).Scan(&attempts); err != nil {
					return fmt.Errorf("read login attempts: %w", err)
				}
				retryAt, _ = fullUntil(attempts, at, l)
				return errFull
			}
			if err != nil {
				return fmt.Errorf("reserve login attempt: %w", err)
			}
		}
		return nil
	})
	if errors.Is(err, errFull) {
		return false, retryAt, nil
	}
	if err != nil {
		return false, time.Time{}, err
	}
	// Amortised clean-up: each reservation adds at most a row per key and
	// removes a few that no window needs any more.
	_, _ = s.db.Exec(ctx, `
		DELETE FROM staff_login_attempts WHERE key IN (
			SELECT key FROM staff_login_attempts WHERE expires_at < $1 ORDER BY expires_at LIMIT 10 FOR UPDATE SKIP LOCKED)`, at)
	return true, time.Time{}, nil
}

// ReleaseLoginAttempt removes one attempt at `at` from each key, one
// statement per key (each locks a single row: no deadlock with a
// reservation).
func (s *Store) ReleaseLoginAttempt(ctx context.Context, at time.Time, keys ...string) error {
	for _, k := range slices.Sorted(slices.Values(keys)) {
		_, err := s.db.Exec(ctx, `
			UPDATE staff_login_attempts SET
				attempts = attempts[:array_position(attempts, $2::timestamptz) - 1] || attempts[array_position(attempts, $2::timestamptz) + 1:]
			WHERE key = $1 AND $2::timestamptz = ANY(attempts)`, k, at)
		if err != nil {
			return fmt.Errorf("release login attempt: %w", err)
		}
	}
	return nil
}

// ClearLoginAttempts deletes the key's row.
func (s *Store) ClearLoginAttempts(ctx context.Context, key string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM staff_login_attempts WHERE key = $1`, key); err != nil {
		return fmt.Errorf("clear login attempts: %w", err)
	}
	return nil
}
