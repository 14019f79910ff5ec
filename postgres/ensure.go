package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes EnsureDatabase tells apart.
const (
	codeInvalidCatalog    = "3D000" // the database does not exist
	codeDuplicateDatabase = "42P04" // created meanwhile by someone else
	codeInsufficientPriv  = "42501"
)

// ErrCannotCreateDatabase is returned (wrapped, with the command to run)
// by EnsureDatabase when the database is missing and cannot be created.
var ErrCannotCreateDatabase = errors.New("the database does not exist")

// EnsureDatabase makes sure the database named by url exists. When the
// server answers that it does not (SQLSTATE 3D000), it connects to the
// server's maintenance database ("postgres", else "template1") with the
// same credentials and creates it. It returns true when it created it.
//
// When the role may not create databases, or no maintenance database
// answers, the error wraps ErrCannotCreateDatabase and names the exact
// createdb command to run. Any other connection failure (server down,
// wrong password) is returned as such: creating would not help. Several
// processes may call it at once.
func EnsureDatabase(ctx context.Context, url string) (bool, error) {
	cfg, err := ParseURL(url)
	if err != nil {
		return false, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cc := cfg.ConnConfig.Copy()
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = 5 * time.Second
	}
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err == nil {
		conn.Close(context.WithoutCancel(ctx))
		return false, nil
	}
	if sqlState(err) != codeInvalidCatalog {
		return false, fmt.Errorf("connect to database: %w", err)
	}
	name := cc.Database
	var maint *pgx.Conn
	for _, db := range []string{"postgres", "template1"} {
		if db == name {
			continue
		}
		mc := cc.Copy()
		mc.Database = db
		if maint, err = pgx.ConnectConfig(ctx, mc); err == nil {
			break
		}
	}
	if maint == nil {
		return false, fmt.Errorf("%w: database %q on %s; no maintenance database answered (%v): create it with\n    %s",
			ErrCannotCreateDatabase, name, hostPort(cc), err, CreateDBCommand(cc))
	}
	defer maint.Close(context.WithoutCancel(ctx))
	_, err = maint.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	switch sqlState(err) {
	case "":
		if err != nil {
			return false, fmt.Errorf("create database %q: %w", name, err)
		}
		return true, nil
	case codeDuplicateDatabase:
		return false, nil
	case codeInsufficientPriv:
		return false, fmt.Errorf("%w: database %q on %s, and role %q may not create databases: as a role that may, run\n    %s",
			ErrCannotCreateDatabase, name, hostPort(cc), cc.User, CreateDBCommand(cc))
	default:
		return false, fmt.Errorf("create database %q: %w", name, err)
	}
}

// CreateDBCommand is the createdb command line that creates the database
// of cc on its server, owned by cc's role (never with the password).
func CreateDBCommand(cc *pgx.ConnConfig) string {
	args := []string{"createdb", "-h", cc.Host, "-p", strconv.Itoa(int(cc.Port))}
	if cc.User != "" {
		args = append(args, "-O", cc.User)
	}
	args = append(args, cc.Database)
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

func hostPort(cc *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d", cc.Host, cc.Port)
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and a few safe punctuation marks.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
