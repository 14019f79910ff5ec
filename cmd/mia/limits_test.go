package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/ratelimit/redislimit"
	"github.com/miasrbija/mia/ratelimit/redislimit/redistest"
)

// With MIA_REDIS_URL set, serve counts the web channel's limits in Redis.
func TestServeLimitsInRedis(t *testing.T) {
	rdb := redistest.Client(t) // skips without a Redis, like pgtest without PostgreSQL
	base, stop := serving(t, map[string]string{"DATABASE_URL": pgtest.NewEmptyDB(t), "MIA_REDIS_URL": redistest.URL()})
	res, err := http.Post(base+"/api/v1/sombor/conversations", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create conversation: %s", res.Status)
	}
	keys, err := rdb.Keys(context.Background(), redislimit.DefaultPrefix+"web:ip:*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("no per-IP limit key in Redis (%v)", err)
	}
	if out := stop(); !strings.Contains(out, "rate limits in Redis") {
		t.Errorf("log does not say where the limits are:\n%s", out)
	}
}

// A wrong or unreachable MIA_REDIS_URL stops serve at start, naming the
// setting and never echoing a password.
func TestRedisURLErrors(t *testing.T) {
	url := pgtest.NewEmptyDB(t)
	_, _, err := runCmd(context.Background(), map[string]string{"DATABASE_URL": url, "MIA_REDIS_URL": "redis://:secret@[::1"}, "serve")
	if err == nil || !strings.Contains(err.Error(), "MIA_REDIS_URL (--redis-url)") || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad URL: %v", err)
	}
	_, _, err = runCmd(context.Background(), map[string]string{"DATABASE_URL": url, "MIA_REDIS_URL": "redis://127.0.0.1:1/0", "MIA_ADDR": freeAddr(t)}, "serve")
	if err == nil || !strings.Contains(err.Error(), "MIA_REDIS_URL") {
		t.Errorf("unreachable Redis: %v", err)
	}
}
