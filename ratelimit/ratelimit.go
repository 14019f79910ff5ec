// Package ratelimit is MIA's rate limit, shared by every replica: the web
// channel's per-IP and per-conversation limits and the back office's
// login limits all count through one Limiter whose state lives in
// PostgreSQL (postgres/limitstore, the default) or in Redis
// (ratelimit/redislimit, when MIA_REDIS_URL is set). Two replicas behind
// one address therefore allow exactly what one would.
//
// # Algorithm
//
// The generic cell rate algorithm (GCRA), which is a token bucket kept as
// a single number per key: the theoretical arrival time (TAT), the moment
// at which the key's allowance would be full again. A Limit of Burst B and
// interval T (one request's worth comes back every T) admits n requests at
// `now` when
//
//	max(TAT, now) + n·T − B·T ≤ now
//
// and then stores TAT = max(TAT, now) + n·T; a refused request stores
// nothing. A TAT at or before now is a full allowance, the same as no row,
// so a backend may forget such keys at any time (Redis lets them expire,
// PostgreSQL deletes them in passing). In any stretch of time D at most
// B + ⌊D/T⌋ requests pass: B at once, then one per T.
//
// Because the whole state is one integer, a backend checks and updates it
// in one atomic step (one UPSERT statement in PostgreSQL, one Lua script
// in Redis): there is no read-modify-write race between replicas.
//
// Time comes from the caller (each replica's clock, kept by NTP), so tests
// can move it; a skew of a few milliseconds between replicas shifts a
// refill by as much and nothing more. Times are kept in whole
// microseconds since the Unix epoch.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limit is Burst requests at once, then one more every Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// PerSecond is the Limit of a token bucket refilled at rate per second.
func PerSecond(rate float64, burst int) Limit {
	return Limit{Burst: burst, Every: time.Duration(float64(time.Second) / rate)}
}

// maxSpan bounds Burst·Every: a year of allowance is beyond any limit MIA
// sets, and keeps every sum in exact integer range (also as a Lua double).
const maxSpan = 365 * 24 * time.Hour

// Validate reports a Limit that cannot be applied.
func (l Limit) Validate() error {
	switch {
	case l.Burst < 1:
		return fmt.Errorf("ratelimit: burst %d: must be at least 1", l.Burst)
	case l.Every < time.Microsecond:
		return fmt.Errorf("ratelimit: interval %v: must be at least 1µs", l.Every)
	case time.Duration(l.Burst) > maxSpan/l.Every:
		return fmt.Errorf("ratelimit: burst %d × %v exceeds %v", l.Burst, l.Every, maxSpan)
	}
	return nil
}

// Result is the outcome of a check.
type Result struct {
	Allowed bool
	// RetryAfter, when not Allowed, is how long until the same request
	// would pass (if nothing else is taken meanwhile).
	RetryAfter time.Duration
}

// Limiter applies limits to keys. Keys are opaque: callers pass hashes
// or other values that are not personal data in clear. Every method is
// safe for concurrent use by many replicas.
type Limiter interface {
	// Allow takes n (1 ≤ n ≤ l.Burst) requests from key's allowance at
	// `at` when all n are there, and otherwise takes nothing.
	Allow(ctx context.Context, key string, l Limit, n int, at time.Time) (Result, error)
	// Peek reports whether one request would be allowed at `at`,
	// recording nothing.
	Peek(ctx context.Context, key string, l Limit, at time.Time) (Result, error)
	// Refund gives back n requests taken earlier (a check that never
	// ran, a login that succeeded); an allowance never grows past full.
	Refund(ctx context.Context, key string, l Limit, n int, at time.Time) error
	// Reset forgets key: its allowance is full again.
	Reset(ctx context.Context, key string) error
}

// ErrInvalid marks a check that cannot be made (bad limit, n or key).
var ErrInvalid = errors.New("ratelimit: invalid check")

// Check validates the arguments of Allow or Refund; backends call it
// first.
func Check(key string, l Limit, n int) error {
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalid)
	}
	if err := l.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if n < 1 || n > l.Burst {
		return fmt.Errorf("%w: %d requests against a burst of %d", ErrInvalid, n, l.Burst)
	}
	return nil
}

// Micros is t in the backends' unit: microseconds since the Unix epoch.
func Micros(t time.Time) int64 { return t.UnixMicro() }

// Denied is the Result of a refused Allow of n at now, the key's TAT
// being tat (both in microseconds): the request passes once
// tat + n·T − B·T ≤ now.
func Denied(tat, now int64, l Limit, n int) Result {
	every := l.Every.Microseconds()
	wait := tat + int64(n)*every - int64(l.Burst)*every - now
	return Result{RetryAfter: time.Duration(max(wait, 1)) * time.Microsecond}
}

// PeekAt is Peek's answer for a key whose TAT is tat (0: no state).
func PeekAt(tat, now int64, l Limit) Result {
	every := l.Every.Microseconds()
	if max(tat, now)+every-int64(l.Burst)*every <= now {
		return Result{Allowed: true}
	}
	return Denied(tat, now, l, 1)
}
