// Package redistest gives tests a real Redis: the one at
// MIA_TEST_REDIS_URL, or redis://127.0.0.1:6379/0. With the variable
// unset and no Redis answering, the test is skipped (as pgtest does for
// PostgreSQL); with it set, an unreachable Redis fails the test. Each
// test gets its own key prefix and its keys are deleted when it ends, so
// tests share one Redis safely.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/miasrbija/mia/ratelimit/redislimit"
)

const defaultURL = "redis://127.0.0.1:6379/0"

// URL is the Redis tests use.
func URL() string {
	if u := os.Getenv("MIA_TEST_REDIS_URL"); u != "" {
		return u
	}
	return defaultURL
}

// Client opens a client on the test Redis, closed when the test ends.
// Call it once per replica: each gets its own connections.
func Client(tb testing.TB) *redis.Client {
	tb.Helper()
	rdb, err := redislimit.Open(context.Background(), URL())
	if err != nil {
		if os.Getenv("MIA_TEST_REDIS_URL") == "" {
			tb.Skipf("redistest: no Redis at %s and MIA_TEST_REDIS_URL unset: %v", defaultURL, err)
		}
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// Prefix returns a key prefix of the test's own; every key under it is
// deleted when the test ends.
func Prefix(tb testing.TB) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	p := "mia-test:" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		rdb, err := redislimit.Open(context.Background(), URL())
		if err != nil {
			return
		}
		defer rdb.Close()
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, p+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	return p
}
