package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// lockID is the advisory lock replicas take while migrating: only one
// migrates, the others wait and then find nothing left to do.
const lockID = 0x6d6961 // "mia"

// Migrate applies every pending migration to the database at url and
// returns the names of those it applied. It is safe to call from several
// processes at once.
func Migrate(ctx context.Context, url string, log *slog.Logger) ([]string, error) {
	cfg, err := ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg.ConnConfig)
	defer db.Close()
	return migrateDB(ctx, db, log)
}

func migrateDB(ctx context.Context, db *sql.DB, log *slog.Logger) ([]string, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	// Poll the lock every second for up to five minutes: long enough for
	// another replica's migration, short enough to notice a stuck one.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []string
	for _, r := range results {
		applied = append(applied, r.Source.Path)
		if log != nil {
			log.Info("migration applied", "file", r.Source.Path, "duration", r.Duration)
		}
	}
	return applied, nil
}

// ErrSchemaBehind is returned by CheckSchema when migrations are pending.
var ErrSchemaBehind = errors.New("the database schema is not up to date: run `mia migrate` (or `mia serve`, which migrates) first")

// CheckSchema reports whether the database at url has every migration
// this binary embeds, without changing anything (goose's own check would
// create its version table): commands that only read or answer run on a
// schema someone else migrated.
func CheckSchema(ctx context.Context, url string) error {
	cfg, err := ParseURL(url)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	if !exists {
		return ErrSchemaBehind
	}
	rows, err := conn.Query(ctx, `SELECT version_id FROM goose_db_version WHERE is_applied`)
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, e := range entries {
		v, err := strconv.ParseInt(strings.SplitN(e.Name(), "_", 2)[0], 10, 64)
		if err != nil {
			return fmt.Errorf("migration %s: no version number", e.Name())
		}
		if !slices.Contains(applied, v) {
			return ErrSchemaBehind
		}
	}
	return nil
}
