package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/postgres/pgtest"
)

// TestComposeDatabaseRoles runs deploy/postgres/init-roles.sql as
// docker compose does (once, as the superuser, on a fresh server), the
// migrations as mia_owner, and then checks that the server's role, mia,
// uses the schema but cannot change it nor switch off the audit log's
// append-only triggers.
func TestComposeDatabaseRoles(t *testing.T) {
	pg := pgtest.StartServer(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pg.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE mia"); err != nil {
		t.Fatal(err)
	}
	admin.Close(ctx)
	script, err := os.ReadFile(filepath.Join("..", "..", "deploy", "postgres", "init-roles.sql"))
	if err != nil {
		t.Fatal(err)
	}
	super := roleURL(t, pg.URL(), "postgres")
	exec(t, super, string(script))

	owner := map[string]string{"DATABASE_URL": roleURL(t, pg.URL(), "mia_owner")}
	if _, _, err := runCmd(ctx, owner, "migrate"); err != nil {
		t.Fatalf("migrate as mia_owner: %v", err)
	}
	app := roleURL(t, pg.URL(), "mia")
	// Rows: the server's work.
	exec(t, app, `INSERT INTO staff (municipality, email, name, role, password_hash) VALUES ('sombor', 'a@example.rs', 'A', 'admin', 'x');
		INSERT INTO staff_audit (municipality, staff_id, action) SELECT 'sombor', id, 'login' FROM staff`)
	for _, stmt := range []string{
		"ALTER TABLE staff_audit DISABLE TRIGGER staff_audit_no_update_delete",
		"ALTER TABLE staff_audit DISABLE TRIGGER ALL",
		"DELETE FROM staff_audit",
		"UPDATE staff_audit SET action = 'nothing'",
		"TRUNCATE staff_audit",
		"DROP TABLE staff_audit",
		"CREATE TABLE mine (id int)",
		"ALTER TABLE cases ADD COLUMN x int",
	} {
		if err := tryExec(app, stmt); err == nil {
			t.Errorf("the server's role may run %q", stmt)
		}
	}
	// The server starts against the owner's schema without migrating.
	if _, _, err := runCmd(ctx, map[string]string{"DATABASE_URL": app}, "search", "porez"); err != nil {
		t.Errorf("search as mia: %v", err)
	}
}

// roleURL is the server's mia database as role user.
func roleURL(t *testing.T, server, user string) string {
	t.Helper()
	u, err := url.Parse(pgtest.WithDatabase(server, "mia"))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(user)
	return u.String()
}

func exec(t *testing.T, dsn, sql string) {
	t.Helper()
	if err := tryExec(dsn, sql); err != nil {
		t.Fatalf("%.80s…: %v", strings.TrimSpace(sql), err)
	}
}

func tryExec(dsn, sql string) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
