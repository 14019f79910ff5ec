// Package postgres opens MIA's one store: a pgx pool on PostgreSQL with the
// pgvector types registered, and the schema migrations embedded in the
// binary. Domain packages own their SQL; this package owns the connection
// and the schema's history.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
)

// DB is the connection pool shared by every domain package.
type DB struct {
	*pgxpool.Pool
}

// ParseURL checks a database URL without connecting, so a bad value stops
// the program at start with a message naming the setting.
func ParseURL(url string) (*pgxpool.Config, error) {
	if url == "" {
		return nil, errors.New("empty")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message may quote the URL, password included: keep it out.
		return nil, errors.New("not a valid PostgreSQL connection string")
	}
	return cfg, nil
}

// Open connects to the database at url. The schema must already be
// migrated: registering pgvector types needs the extension to exist.
// Open pings once so a wrong URL fails here and not on the first request.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		return pgxvec.RegisterTypes(ctx, c)
	}
	// Partial per-model vector indexes are only usable when the planner sees
	// the model as a constant; generic plans of cached statements would hide it.
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	// A dead server should fail a request quickly rather than hang it.
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	// A search holds two connections at once (vector and full-text
	// branches in parallel); pgx's default of max(4, CPUs) would queue
	// concurrent turns behind each other on a small machine.
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = 16
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{Pool: pool}, nil
}

// Ping reports whether the database answers within the context's deadline.
// The pool drops connections that fail, so after a database restart the
// next Ping dials afresh and recovers by itself.
func (db *DB) Ping(ctx context.Context) error {
	return db.Pool.Ping(ctx)
}
