package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/limitstore"
	"github.com/miasrbija/mia/ratelimit"
	"github.com/miasrbija/mia/ratelimit/redislimit"
)

var setRedisURL = &setting{env: "MIA_REDIS_URL", flag: "redis-url",
	usage:    "Redis URL for the shared rate limits, e.g. redis://127.0.0.1:6379/0 (default: the limits live in PostgreSQL)",
	expected: "a Redis URL such as redis://127.0.0.1:6379/0",
	apply: func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		if _, err := redislimit.ParseURL(v); err != nil {
			return errHidden // it may hold a password
		}
		c.RedisURL = v
		return nil
	}}

// limiter is where every replica counts the web channel's and the staff
// logins' rate limits: Redis when MIA_REDIS_URL is set, else the
// database. The returned function closes what it opened.
func (c *Config) limiter(ctx context.Context, db *postgres.DB, log *slog.Logger) (ratelimit.Limiter, func(), error) {
	if c.RedisURL == "" {
		return limitstore.New(db, log), func() {}, nil
	}
	rdb, err := redislimit.Open(ctx, c.RedisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("MIA_REDIS_URL: %w", err)
	}
	redislimit.LogTo(log)
	log.InfoContext(ctx, "rate limits in Redis")
	return redislimit.New(rdb, ""), func() { _ = rdb.Close() }, nil
}
