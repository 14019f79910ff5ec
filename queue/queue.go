// Package queue runs MIA's durable background jobs on River, in the same
// PostgreSQL database as everything else: a job inserted in a transaction
// exists exactly when the transaction's other rows do.
//
// River's own schema (river_job, river_leader, ...) is installed by
// Migrate with River's migrator, not by goose: River upgrades its schema
// with its releases and owns that history.
package queue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// Client is River's client over pgx: it inserts jobs (InsertTx with the
// caller's transaction) and, once started, works them.
type Client = river.Client[pgx.Tx]

// Migrate installs or upgrades River's tables in the database. It is safe
// to call at every start and from several replicas: River's migrator takes
// a lock and applies only what is missing.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("queue: migrator: %w", err)
	}
	// Replicas starting together take turns: a session advisory lock held
	// on a connection of its own makes the second wait for the first and
	// then find nothing to do. (River's migrations cannot share one
	// transaction: one adds an enum value another then uses.)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLockID); err != nil {
		return fmt.Errorf("queue: migrate lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLockID)
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	return nil
}

// migrateLockID is the advisory lock of River's migrations ("river").
const migrateLockID = 0x7269766572

// Config sets up a client; zero values take the defaults.
type Config struct {
	// MaxWorkers is how many jobs one process works at once. Default 8:
	// jobs mostly wait on HTTP (Viber, media downloads) and the database.
	MaxWorkers int
	// FetchCooldown bounds how often the queue is polled; lower values pick
	// jobs up sooner. Default River's (100ms); tests use 10ms.
	FetchCooldown time.Duration
	// FetchPollInterval is the fallback poll when no notification arrives.
	// Default River's (1s).
	FetchPollInterval time.Duration
	// JobTimeout bounds one attempt. Default 2 minutes (a media download of
	// 50 MB and an engine turn fit in it).
	JobTimeout time.Duration
	// PeriodicJobs are inserted on their schedules by the elected leader
	// (e.g. viber.PeriodicJobs()); ignored by an insert-only client.
	PeriodicJobs []*river.PeriodicJob
	// Log receives a warning for each failed job attempt (an error for a
	// panic); River's own routine messages go to it at debug level.
	Log *slog.Logger
}

// NewClient returns a River client on pool. With workers nil the client
// only inserts jobs (Start is then an error); otherwise it works the
// default queue with cfg.MaxWorkers workers once started. Stop it with
// Stop(ctx), which lets running jobs finish until ctx ends.
func NewClient(pool *pgxpool.Pool, workers *river.Workers, cfg Config) (*Client, error) {
	if pool == nil {
		return nil, errors.New("queue: no database pool")
	}
	log := cmp.Or(cfg.Log, slog.New(slog.DiscardHandler))
	rc := &river.Config{
		ErrorHandler:      jobErrors{log},
		FetchCooldown:     cfg.FetchCooldown,
		FetchPollInterval: cfg.FetchPollInterval,
		JobTimeout:        cmp.Or(cfg.JobTimeout, 2*time.Minute),
		Logger:            slog.New(quietHandler{log.Handler()}),
		Middleware:        []rivertype.Middleware{&jobLogIDs{}},
	}
	if workers != nil {
		rc.Workers = workers
		rc.PeriodicJobs = cfg.PeriodicJobs
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(cfg.MaxWorkers, 8)},
		}
	}
	c, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		return nil, fmt.Errorf("queue: client: %w", err)
	}
	return c, nil
}
