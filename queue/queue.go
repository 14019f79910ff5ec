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
	// JobTimeout bounds one attempt. Default DefaultJobTimeout.
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before it is
	// taken for stuck (its worker crashed) and retried. Default
	// DefaultRescueAfter; it must exceed JobTimeout, or a slow job would
	// run twice at once.
	RescueStuckJobsAfter time.Duration
	// CompletedRetention is how long a completed job's row is kept.
	// Default DefaultCompletedRetention.
	CompletedRetention time.Duration
	// CancelledRetention is how long a cancelled job's row is kept.
	// Default DefaultCancelledRetention.
	CancelledRetention time.Duration
	// DiscardedRetention is how long a job that failed for good is kept,
	// for an operator to read its errors. Default DefaultDiscardedRetention.
	DiscardedRetention time.Duration
	// PeriodicJobs are inserted on their schedules by the elected leader
	// (e.g. viber.PeriodicJobs()); ignored by an insert-only client.
	PeriodicJobs []*river.PeriodicJob
	// Log receives a warning for each failed job attempt (an error for a
	// panic); River's own routine messages go to it at debug level.
	Log *slog.Logger
}

// Defaults of Config.
const (
	// DefaultJobTimeout fits a media download (30 s at most), an engine
	// turn (its budget, 20 s by default) and the database work around them.
	DefaultJobTimeout = 90 * time.Second
	// DefaultRescueAfter gets a job whose worker died (a crash, a killed
	// pod) running again within about 2.5 minutes: River's rescuer runs
	// every 30 s. A Viber turn must fetch its media before Viber's links
	// expire (an hour); River's own default, an hour, would miss them.
	DefaultRescueAfter = 2 * time.Minute
	// DefaultCompletedRetention keeps finished jobs briefly: their
	// arguments carry only ids, but nothing needs them once done.
	DefaultCompletedRetention = time.Hour
	// DefaultCancelledRetention and DefaultDiscardedRetention keep a job
	// that did not succeed long enough to look into it.
	DefaultCancelledRetention = 24 * time.Hour
	DefaultDiscardedRetention = 7 * 24 * time.Hour
)

// riverConfig returns River's configuration of cfg (workers nil: insert
// only). It fails when RescueStuckJobsAfter does not exceed JobTimeout.
func riverConfig(workers *river.Workers, cfg Config) (*river.Config, error) {
	log := cmp.Or(cfg.Log, slog.New(slog.DiscardHandler))
	timeout := cmp.Or(cfg.JobTimeout, DefaultJobTimeout)
	rescue := cmp.Or(cfg.RescueStuckJobsAfter, DefaultRescueAfter)
	if cfg.RescueStuckJobsAfter == 0 && rescue <= timeout {
		rescue = timeout + 30*time.Second // a longer JobTimeout alone moves the rescue after it
	}
	if rescue <= timeout {
		return nil, fmt.Errorf("queue: RescueStuckJobsAfter (%v) must exceed JobTimeout (%v)", rescue, timeout)
	}
	rc := &river.Config{
		CancelledJobRetentionPeriod: cmp.Or(cfg.CancelledRetention, DefaultCancelledRetention),
		CompletedJobRetentionPeriod: cmp.Or(cfg.CompletedRetention, DefaultCompletedRetention),
		DiscardedJobRetentionPeriod: cmp.Or(cfg.DiscardedRetention, DefaultDiscardedRetention),
		ErrorHandler:                jobErrors{log},
		FetchCooldown:               cfg.FetchCooldown,
		FetchPollInterval:           cfg.FetchPollInterval,
		JobTimeout:                  timeout,
		Logger:                      slog.New(quietHandler{log.Handler()}),
		Middleware:                  []rivertype.Middleware{&jobLogIDs{}},
		RescueStuckJobsAfter:        rescue,
	}
	if workers != nil {
		rc.Workers = workers
		rc.PeriodicJobs = cfg.PeriodicJobs
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(cfg.MaxWorkers, 8)},
		}
	}
	return rc, nil
}

// NewClient returns a River client on pool. With workers nil the client
// only inserts jobs (Start is then an error); otherwise it works the
// default queue with cfg.MaxWorkers workers once started. Stop it with
// Stop(ctx), which lets running jobs finish until ctx ends.
func NewClient(pool *pgxpool.Pool, workers *river.Workers, cfg Config) (*Client, error) {
	if pool == nil {
		return nil, errors.New("queue: no database pool")
	}
	rc, err := riverConfig(workers, cfg)
	if err != nil {
		return nil, err
	}
	c, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		return nil, fmt.Errorf("queue: client: %w", err)
	}
	return c, nil
}
