package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"

	"github.com/miasrbija/mia/internal/logctx"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/queue"
)

// logger writes JSON lines, one object per event, to w.
func (c *Config) logger(w io.Writer) *slog.Logger {
	// logctx adds the request or job id from the context to every line.
	return slog.New(logctx.NewHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: c.LogLevel})))
}

// openDB opens the pool and syncs the configured municipalities. With
// migrate it first creates the database when it does not exist and
// applies the schema's and the job queue's migrations; without, it only
// checks that someone did, so a command that reads or
// answers never changes the schema.
func (c *Config) openDB(ctx context.Context, log *slog.Logger, migrate bool) (*postgres.DB, error) {
	if migrate {
		// A first run points at a database nobody created yet: create it
		// when the role may, else say exactly what to run.
		created, err := postgres.EnsureDatabase(ctx, c.DatabaseURL)
		if err != nil {
			return nil, err
		}
		if created {
			log.InfoContext(ctx, "database created", "database", databaseName(c.DatabaseURL))
		}
		if _, err := postgres.Migrate(ctx, c.DatabaseURL, log); err != nil {
			return nil, err
		}
	} else if err := postgres.CheckSchema(ctx, c.DatabaseURL); err != nil {
		return nil, err
	}
	db, err := postgres.Open(ctx, c.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := c.openReplicas(ctx, db, log); err != nil {
		db.Close()
		return nil, err
	}
	if migrate {
		// River keeps its own schema history; its migrator is as safe to
		// run at every start as goose's.
		if err := queue.Migrate(ctx, db.Pool); err != nil {
			db.Close()
			return nil, fmt.Errorf("migrate job queue: %w", err)
		}
	}
	if err := db.SyncMunicipalities(ctx, c.registry); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// validDataKey checks MIA_DATA_KEY's shape: 32 bytes in standard base64.
func validDataKey(s string) bool {
	raw, err := base64.StdEncoding.DecodeString(s)
	return err == nil && len(raw) == 32
}

// databaseName is the database DATABASE_URL names, for a log line (the
// URL itself may hold a password).
func databaseName(url string) string {
	cfg, err := postgres.ParseURL(url)
	if err != nil {
		return ""
	}
	return cfg.ConnConfig.Database
}
