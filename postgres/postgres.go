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
	reader Reader // nil: reads run on Pool too
}

// Reader runs read-only work that tolerates a bounded lag behind the
// primary (search, analytics) on another pool, typically a streaming
// replica; postgres/replica implements it. fn must only read, must use
// the context it is given (it may carry a shorter deadline for a replica),
// and may be run twice: a second time on the primary when the first pool
// fails.
type Reader interface {
	Read(ctx context.Context, fn func(context.Context, *DB) error) error
	Close()
}

// ErrStaleRead is what a Read function returns (wrapped or not) when it
// finds its pool behind something the caller has already seen elsewhere:
// the Reader runs it again on the primary, which is never behind, and
// keeps the replica in use.
var ErrStaleRead = errors.New("read pool is behind what was already read")

// SetReader makes Read use r; call it before the DB is shared. Close then
// closes r too.
func (db *DB) SetReader(r Reader) { db.reader = r }

// Reads returns the Reader set by SetReader, or nil.
func (db *DB) Reads() Reader { return db.reader }

// Read runs fn on a pool for lag-tolerant reads: a healthy replica when
// SetReader was given one, else this DB. Work that must see its own
// writes (anything after a write in the same request) uses the DB itself.
func (db *DB) Read(ctx context.Context, fn func(context.Context, *DB) error) error {
	if db.reader == nil {
		return fn(ctx, db)
	}
	return db.reader.Read(ctx, fn)
}

// Close closes the Reader, if any, and the pool.
func (db *DB) Close() {
	if db.reader != nil {
		db.reader.Close()
	}
	db.Pool.Close()
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
	if _, err := ParseURL(url); err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	db, err := OpenLazy(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := db.Pool.Ping(ctx); err != nil {
		db.Pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// OpenLazy makes the pool of Open without connecting: for a read replica,
// which may be down when MIA starts and is used once it answers.
func OpenLazy(ctx context.Context, url string) (*DB, error) {
	cfg, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		return pgxvec.RegisterTypes(ctx, c)
	}
	// Plans are cached the server's way (plan_cache_mode auto): a statement
	// is planned anew only while a generic plan looks costlier. The searches
	// whose plans need their parameters as constants (partial per-model and
	// per-municipality vector indexes, full-text matches) force custom plans
	// for themselves (docstore's settings queries). Forced on the connection,
	// every statement, trigger and job-queue query was planned at every
	// execution: planning was about two fifths of PostgreSQL's CPU in an
	// offline turn, most of it the two searches of a small town.
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
	return &DB{Pool: pool}, nil
}

// Ping reports whether the database answers within the context's deadline.
// The pool drops connections that fail, so after a database restart the
// next Ping dials afresh and recovers by itself.
func (db *DB) Ping(ctx context.Context) error {
	return db.Pool.Ping(ctx)
}
