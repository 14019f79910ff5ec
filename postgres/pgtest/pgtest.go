// Package pgtest gives integration tests a real, migrated PostgreSQL
// database of their own, and a throwaway PostgreSQL server for tests that
// must stop and start one. Nothing here is mocked.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
)

// defaultURL is the machine's server as `make test` sets it up.
const defaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL returns the URL of the server tests create databases on:
// DATABASE_URL when set, else the local default.
func ServerURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return defaultURL
}

// WithDatabase returns u with its database name replaced.
func WithDatabase(u, name string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(fmt.Sprintf("pgtest: bad server URL: %v", err))
	}
	p.Path = "/" + name
	return p.String()
}

var template struct {
	once sync.Once
	name string
	err  error
	mu   sync.Mutex // CREATE DATABASE ... TEMPLATE must not overlap within a process
}

// NewDB creates a fresh database migrated to the current schema, with the
// default municipalities synced, and drops it when the test ends. It
// returns the open pool and the database's URL.
//
// When DATABASE_URL is unset and no server answers at the default address
// the test is skipped; with DATABASE_URL set an unreachable server fails it.
func NewDB(tb testing.TB) (*postgres.DB, string) {
	tb.Helper()
	ctx := context.Background()
	admin := connectAdmin(tb)
	defer admin.Close(ctx)

	template.once.Do(func() { template.name, template.err = makeTemplate(ctx, admin) })
	if template.err != nil {
		tb.Fatalf("pgtest: template database: %v", template.err)
	}
	name := "mia_test_" + randomSuffix()
	template.mu.Lock()
	_, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template.name))
	template.mu.Unlock()
	if err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	u := WithDatabase(ServerURL(), name)
	db, err := postgres.Open(ctx, u)
	if err != nil {
		tb.Fatalf("pgtest: open: %v", err)
	}
	tb.Cleanup(func() {
		db.Close()
		a := connectAdmin(tb)
		defer a.Close(ctx)
		if _, err := a.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return db, u
}

// NewEmptyDB creates an empty database (not migrated) dropped when the test
// ends, and returns its URL: for tests of migration itself.
func NewEmptyDB(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	admin := connectAdmin(tb)
	defer admin.Close(ctx)
	name := "mia_test_" + randomSuffix()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		a := connectAdmin(tb)
		defer a.Close(ctx)
		if _, err := a.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return WithDatabase(ServerURL(), name)
}

func connectAdmin(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		if os.Getenv("DATABASE_URL") == "" {
			tb.Skipf("pgtest: no PostgreSQL at %s and DATABASE_URL unset: %v", defaultURL, err)
		}
		tb.Fatalf("pgtest: connect to DATABASE_URL: %v", err)
	}
	return c
}

// makeTemplate migrates a database once per test process; each test's
// database is then a cheap file-level copy of it.
func makeTemplate(ctx context.Context, admin *pgx.Conn) (string, error) {
	name := "mia_tmpl_" + randomSuffix()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	u := WithDatabase(ServerURL(), name)
	if _, err := postgres.Migrate(ctx, u, nil); err != nil {
		return "", err
	}
	db, err := postgres.Open(ctx, u)
	if err != nil {
		return "", err
	}
	defer db.Close()
	reg, err := municipality.Load("")
	if err != nil {
		return "", err
	}
	if err := db.SyncMunicipalities(ctx, reg); err != nil {
		return "", err
	}
	return name, nil
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Main runs a package's tests and then drops the template database. Use it
// as the package's TestMain in packages that call NewDB.
func Main(m *testing.M) {
	dropStale()
	code := m.Run()
	if template.name != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if c, err := pgx.Connect(ctx, ServerURL()); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+template.name+" WITH (FORCE)")
			c.Close(ctx)
		}
		cancel()
	}
	os.Exit(code)
}

// dropStale drops test databases left over an hour ago by runs that were
// killed before their cleanups ran.
func dropStale() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `
		SELECT d.datname FROM pg_database d
		WHERE (d.datname LIKE 'mia\_test\_%' OR d.datname LIKE 'mia\_tmpl\_%')
		  AND (pg_stat_file('base/' || d.oid || '/PG_VERSION')).modification < now() - interval '1 hour'`)
	if err != nil {
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, n := range names {
		if strings.HasPrefix(n, "mia_") {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+n+" WITH (FORCE)")
		}
	}
}
