package viber

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// Retention is how long callbacks (for deduplication) and sent parts are
// kept. Viber redelivers a callback for an hour and reports deliveries for
// up to 14 days; 30 days covers both with room.
const Retention = 30 * 24 * time.Hour

// CleanupArgs is the periodic job deleting channel_events and viber_outbox
// rows older than Retention, and the messages and replies whose jobs
// will not run any more (failed for good or cancelled): those of jobs
// that ran are deleted as they finish.
type CleanupArgs struct{}

// CleanupInterval is how often the cleanup runs: an abandoned message is
// gone within this time of its job's end.
const CleanupInterval = 15 * time.Minute

// Kind implements river.JobArgs.
func (CleanupArgs) Kind() string { return "viber_cleanup" }

// PeriodicJobs returns the channel's periodic jobs, for the queue client's
// configuration (queue.Config.PeriodicJobs).
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(CleanupInterval),
			func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil },
			&river.PeriodicJobOpts{ID: "viber_cleanup", RunOnStart: true}),
	}
}

type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	d *deps
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	cut := time.Now().Add(-Retention)
	events, parts, err := w.d.store.DeleteBefore(ctx, cut)
	if err != nil {
		return fmt.Errorf("viber: cleanup: %w", err)
	}
	messages, replies, err := w.d.store.DeleteAbandoned(ctx)
	if err != nil {
		return fmt.Errorf("viber: cleanup: %w", err)
	}
	w.d.cfg.Log.InfoContext(ctx, "viber: cleanup", "events", events, "outbox", parts, "messages", messages, "replies", replies)
	return nil
}
