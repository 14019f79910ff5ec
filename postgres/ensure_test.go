package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/pgtest"
)

func suffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func adminExec(t *testing.T, sql string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pgtest.ServerURL())
	if err != nil {
		t.Skipf("no PostgreSQL: %v", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// A database that does not exist yet is created, once, and then opens.
func TestEnsureDatabaseCreatesMissing(t *testing.T) {
	ctx := context.Background()
	name := "mia_test_" + suffix()
	u := pgtest.WithDatabase(pgtest.ServerURL(), name)
	t.Cleanup(func() { adminExec(t, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })

	if _, err := postgres.Open(ctx, u); err == nil {
		t.Fatal("Open of a missing database succeeded")
	}
	created, err := postgres.EnsureDatabase(ctx, u)
	if err != nil || !created {
		t.Fatalf("EnsureDatabase = %v, %v; want created", created, err)
	}
	again, err := postgres.EnsureDatabase(ctx, u)
	if err != nil || again {
		t.Fatalf("second EnsureDatabase = %v, %v; want nothing to do", again, err)
	}
	if _, err := postgres.Migrate(ctx, u, nil); err != nil {
		t.Fatalf("migrate the created database: %v", err)
	}
}

// A role that may not create databases gets the exact command to run.
func TestEnsureDatabaseNamesCommandWhenNotAllowed(t *testing.T) {
	ctx := context.Background()
	role := "mia_test_role_" + suffix()
	adminExec(t, "CREATE ROLE "+role+" LOGIN NOCREATEDB")
	t.Cleanup(func() { adminExec(t, "DROP ROLE IF EXISTS "+role) })
	name := "mia_test_" + suffix()
	p, err := url.Parse(pgtest.WithDatabase(pgtest.ServerURL(), name))
	if err != nil {
		t.Fatal(err)
	}
	p.User = url.User(role)

	created, err := postgres.EnsureDatabase(ctx, p.String())
	if created || !errors.Is(err, postgres.ErrCannotCreateDatabase) {
		t.Fatalf("EnsureDatabase = %v, %v; want ErrCannotCreateDatabase", created, err)
	}
	want := "createdb -h " + p.Hostname() + " -p " + p.Port() + " -O " + role + " " + name
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not name the command %q", err, want)
	}
}

// A server that does not answer is reported as such: creating would not help.
func TestEnsureDatabaseServerDown(t *testing.T) {
	_, err := postgres.EnsureDatabase(context.Background(), "postgres://postgres@127.0.0.1:1/mia?sslmode=disable&connect_timeout=2")
	if err == nil || errors.Is(err, postgres.ErrCannotCreateDatabase) {
		t.Fatalf("EnsureDatabase on a closed port = %v", err)
	}
}
