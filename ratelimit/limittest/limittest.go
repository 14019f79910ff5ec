// Package limittest checks that a ratelimit.Limiter backend keeps the
// package's contract: the GCRA arithmetic, peeking, refunds, and exact
// counts when many replicas check one key at once. Each backend's tests
// run it against a real store.
package limittest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/ratelimit"
)

// Replicas opens limiters on one store for a test: each call of the
// returned function is another replica's limiter, with its own
// connections, sharing the store's state.
type Replicas func(t *testing.T) func() ratelimit.Limiter

// t0 is a fixed clock reading; the tests move time by hand.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// Run runs the contract tests against a backend.
func Run(t *testing.T, open Replicas) {
	t.Run("BurstThenRefill", func(t *testing.T) { t.Parallel(); burstThenRefill(t, open(t)()) })
	t.Run("KeysAreIndependent", func(t *testing.T) { t.Parallel(); keysAreIndependent(t, open(t)()) })
	t.Run("TakeSeveral", func(t *testing.T) { t.Parallel(); takeSeveral(t, open(t)()) })
	t.Run("Invalid", func(t *testing.T) { t.Parallel(); invalid(t, open(t)()) })
	t.Run("PeekRecordsNothing", func(t *testing.T) { t.Parallel(); peekRecordsNothing(t, open(t)()) })
	t.Run("RefundAndReset", func(t *testing.T) { t.Parallel(); refundAndReset(t, open(t)()) })
	t.Run("ParallelReplicasCountExactly", func(t *testing.T) { t.Parallel(); parallelReplicas(t, open(t)) })
}

func allow(t *testing.T, l ratelimit.Limiter, key string, lim ratelimit.Limit, n int, at time.Time) ratelimit.Result {
	t.Helper()
	r, err := l.Allow(context.Background(), key, lim, n, at)
	if err != nil {
		t.Fatalf("Allow(%s, %d): %v", key, n, err)
	}
	return r
}

// Burst 3, one more every 2s: three pass, the fourth waits exactly the
// time one request's worth takes to come back.
func burstThenRefill(t *testing.T, l ratelimit.Limiter) {
	lim := ratelimit.Limit{Burst: 3, Every: 2 * time.Second}
	for i := range 3 {
		if r := allow(t, l, "k", lim, 1, t0); !r.Allowed {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	r := allow(t, l, "k", lim, 1, t0)
	if r.Allowed || r.RetryAfter != 2*time.Second {
		t.Fatalf("fourth request: %+v, want refused for 2s", r)
	}
	// A refusal takes nothing: half a second later the wait is shorter by as much.
	if r := allow(t, l, "k", lim, 1, t0.Add(500*time.Millisecond)); r.Allowed || r.RetryAfter != 1500*time.Millisecond {
		t.Fatalf("0.5s later: %+v, want refused for 1.5s", r)
	}
	if r := allow(t, l, "k", lim, 1, t0.Add(2*time.Second)); !r.Allowed {
		t.Fatal("not refilled after 2s")
	}
	if r := allow(t, l, "k", lim, 1, t0.Add(2*time.Second)); r.Allowed {
		t.Fatal("one refill let two through")
	}
	// Long idle: the allowance is full again, no more than full.
	later := t0.Add(time.Hour)
	for i := range 3 {
		if r := allow(t, l, "k", lim, 1, later); !r.Allowed {
			t.Fatalf("after an hour, request %d refused", i+1)
		}
	}
	if r := allow(t, l, "k", lim, 1, later); r.Allowed {
		t.Fatal("an idle key grew past its burst")
	}
}

func keysAreIndependent(t *testing.T, l ratelimit.Limiter) {
	lim := ratelimit.Limit{Burst: 1, Every: time.Minute}
	allow(t, l, "a", lim, 1, t0)
	if r := allow(t, l, "a", lim, 1, t0); r.Allowed {
		t.Fatal("a: second request allowed")
	}
	if r := allow(t, l, "b", lim, 1, t0); !r.Allowed {
		t.Fatal("b shares a's allowance")
	}
}

// n requests at once pass only when all n are there; a refusal takes none.
func takeSeveral(t *testing.T, l ratelimit.Limiter) {
	lim := ratelimit.Limit{Burst: 5, Every: time.Second}
	if r := allow(t, l, "k", lim, 4, t0); !r.Allowed {
		t.Fatal("4 of 5 refused")
	}
	r := allow(t, l, "k", lim, 2, t0)
	if r.Allowed || r.RetryAfter != time.Second {
		t.Fatalf("2 more with 1 left: %+v, want refused for 1s", r)
	}
	if r := allow(t, l, "k", lim, 1, t0); !r.Allowed {
		t.Fatal("the refused pair took the last request")
	}
}

func invalid(t *testing.T, l ratelimit.Limiter) {
	ctx := context.Background()
	ok := ratelimit.Limit{Burst: 2, Every: time.Second}
	for _, c := range []struct {
		key string
		lim ratelimit.Limit
		n   int
	}{
		{"", ok, 1}, {"k", ok, 0}, {"k", ok, 3}, {"k", ratelimit.Limit{Burst: 0, Every: time.Second}, 1},
		{"k", ratelimit.Limit{Burst: 1}, 1}, {"k", ratelimit.Limit{Burst: 1 << 40, Every: time.Hour}, 1},
	} {
		if _, err := l.Allow(ctx, c.key, c.lim, c.n, t0); !errors.Is(err, ratelimit.ErrInvalid) {
			t.Errorf("Allow(%q, %+v, %d): %v, want ErrInvalid", c.key, c.lim, c.n, err)
		}
	}
	if err := l.Refund(ctx, "k", ok, -1, t0); !errors.Is(err, ratelimit.ErrInvalid) {
		t.Errorf("Refund of -1: %v, want ErrInvalid", err)
	}
}

func peekRecordsNothing(t *testing.T, l ratelimit.Limiter) {
	ctx := context.Background()
	lim := ratelimit.Limit{Burst: 2, Every: 10 * time.Second}
	for range 5 {
		if r, err := l.Peek(ctx, "k", lim, t0); err != nil || !r.Allowed {
			t.Fatalf("peek at a fresh key: %+v, %v", r, err)
		}
	}
	allow(t, l, "k", lim, 2, t0)
	r, err := l.Peek(ctx, "k", lim, t0.Add(4*time.Second))
	if err != nil || r.Allowed || r.RetryAfter != 6*time.Second {
		t.Fatalf("peek at a spent key: %+v, %v; want refused for 6s", r, err)
	}
	if r, err := l.Peek(ctx, "k", lim, t0.Add(10*time.Second)); err != nil || !r.Allowed {
		t.Fatalf("peek after a refill: %+v, %v", r, err)
	}
}

func refundAndReset(t *testing.T, l ratelimit.Limiter) {
	ctx := context.Background()
	lim := ratelimit.Limit{Burst: 2, Every: time.Minute}
	// Refunding a key with no state changes nothing.
	if err := l.Refund(ctx, "k", lim, 1, t0); err != nil {
		t.Fatal(err)
	}
	allow(t, l, "k", lim, 2, t0)
	if err := l.Refund(ctx, "k", lim, 1, t0); err != nil {
		t.Fatal(err)
	}
	if r := allow(t, l, "k", lim, 1, t0); !r.Allowed {
		t.Fatal("the refunded request is not back")
	}
	if r := allow(t, l, "k", lim, 1, t0); r.Allowed {
		t.Fatal("a refund of one gave back two")
	}
	// A refund beyond full leaves the allowance full, not larger.
	if err := l.Refund(ctx, "k", lim, 2, t0); err != nil {
		t.Fatal(err)
	}
	if err := l.Refund(ctx, "k", lim, 2, t0); err != nil {
		t.Fatal(err)
	}
	allow(t, l, "k", lim, 2, t0)
	if r := allow(t, l, "k", lim, 1, t0); r.Allowed {
		t.Fatal("refunds grew the allowance past its burst")
	}
	if err := l.Reset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if r := allow(t, l, "k", lim, 2, t0); !r.Allowed {
		t.Fatal("not full after Reset")
	}
	if err := l.Reset(ctx, "never-seen"); err != nil {
		t.Fatalf("Reset of an unknown key: %v", err)
	}
}

// Two replicas, 60 requests for one key at the same moment, 30 from each:
// exactly the burst passes, whoever asks.
func parallelReplicas(t *testing.T, replica func() ratelimit.Limiter) {
	a, b := replica(), replica()
	lim := ratelimit.Limit{Burst: 17, Every: time.Hour}
	var passed atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 60 {
		l := []ratelimit.Limiter{a, b}[i%2]
		wg.Go(func() {
			<-start
			r, err := l.Allow(context.Background(), "shared", lim, 1, t0)
			if err != nil {
				t.Error(err)
				return
			}
			if r.Allowed {
				passed.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := passed.Load(); n != 17 {
		t.Fatalf("%d of 60 passed across two replicas, want exactly 17", n)
	}
	// Many keys at once stay independent under load.
	var keysPassed atomic.Int64
	for i := range 40 {
		l := []ratelimit.Limiter{a, b}[i%2]
		wg.Go(func() {
			r, err := l.Allow(context.Background(), "many-"+strconv.Itoa(i%10), ratelimit.Limit{Burst: 2, Every: time.Hour}, 1, t0)
			if err == nil && r.Allowed {
				keysPassed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := keysPassed.Load(); n != 20 {
		t.Fatalf("%d passed over 10 keys of burst 2, want 20", n)
	}
}
