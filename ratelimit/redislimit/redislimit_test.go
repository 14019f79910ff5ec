package redislimit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/ratelimit"
	"github.com/miasrbija/mia/ratelimit/limittest"
	"github.com/miasrbija/mia/ratelimit/redislimit"
	"github.com/miasrbija/mia/ratelimit/redislimit/redistest"
)

// replicas gives each replica its own client on one Redis, under the
// test's prefix.
func replicas(t *testing.T) func() ratelimit.Limiter {
	prefix := redistest.Prefix(t)
	return func() ratelimit.Limiter { return redislimit.New(redistest.Client(t), prefix) }
}

func TestContract(t *testing.T) {
	t.Parallel()
	limittest.Run(t, replicas)
}

// A key lives only while its allowance refills: Redis drops it when full.
func TestKeyExpiresWhenFull(t *testing.T) {
	t.Parallel()
	rdb, prefix := redistest.Client(t), redistest.Prefix(t)
	l := redislimit.New(rdb, prefix)
	ctx := context.Background()
	now := time.Now()
	if _, err := l.Allow(ctx, "k", ratelimit.Limit{Burst: 3, Every: 20 * time.Second}, 2, now); err != nil {
		t.Fatal(err)
	}
	ttl, err := rdb.PTTL(ctx, prefix+"k").Result()
	if err != nil || ttl <= 39*time.Second || ttl > 40*time.Second {
		t.Fatalf("TTL %v (%v), want 40s: two intervals to refill", ttl, err)
	}
	// The stored TAT is an exact integer, not a rounded double.
	tat, err := rdb.Get(ctx, prefix+"k").Int64()
	if err != nil || tat != now.UnixMicro()+40_000_000 {
		t.Fatalf("stored TAT %d (%v), want %d", tat, err, now.UnixMicro()+40_000_000)
	}
	if err := l.Refund(ctx, "k", ratelimit.Limit{Burst: 3, Every: 20 * time.Second}, 2, now); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.Exists(ctx, prefix+"k").Result(); err != nil || n != 0 {
		t.Fatalf("key still there after a full refund (%d, %v)", n, err)
	}
}

func TestParseURLHidesPassword(t *testing.T) {
	t.Parallel()
	if _, err := redislimit.ParseURL("redis://:tajna@[bad"); err == nil || strings.Contains(err.Error(), "tajna") {
		t.Fatalf("ParseURL error %v", err)
	}
	if _, err := redislimit.ParseURL("redis://127.0.0.1:6379/2"); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkAllow: one check, one EVALSHA.
func BenchmarkAllow(b *testing.B) {
	limittest.Bench(b, redislimit.New(redistest.Client(b), redistest.Prefix(b)))
}
