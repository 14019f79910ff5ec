// Package notify delivers case status changes to citizens on the channel
// they filed through. forms.Service.ChangeStatus writes each change to the
// outbox (case_notifications) in the same transaction; a periodic River job
// here reads the pending rows and sends them: on Viber as a message, on
// the web as an assistant message in the citizen's conversation, shown by
// the widget. A row is marked sent only after delivery, so a failed send
// is tried again on the next run.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
)

// Config wires the deliverer.
type Config struct {
	DB             *postgres.DB
	Municipalities *municipality.Registry
	Memory         *assistant.Memory
	ViberAPIURL    string
	Getenv         func(string) string // reads each municipality's Viber token
	Log            *slog.Logger
	// Interval between runs; default 10s.
	Interval time.Duration
}

// Args is the periodic delivery job.
type Args struct{}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "case_notifications" }

// PeriodicJobs returns the delivery job's schedule.
func PeriodicJobs(cfg Config) []*river.PeriodicJob {
	every := cfg.Interval
	if every == 0 {
		every = 10 * time.Second
	}
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			// One run at a time: a slow run must not be overtaken.
			return Args{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
				rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
		},
		&river.PeriodicJobOpts{ID: "case_notifications", RunOnStart: true})}
}

// NewWorker returns the delivery worker.
func NewWorker(cfg Config) *Worker {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Worker{cfg: cfg}
}

// RegisterWorkers adds the delivery worker.
func RegisterWorkers(workers *river.Workers, cfg Config) error {
	return river.AddWorkerSafely(workers, NewWorker(cfg))
}

// Worker delivers pending notifications.
type Worker struct {
	river.WorkerDefaults[Args]
	cfg Config
}

// batch is how many notifications of a channel one run delivers.
const batch = 100

// Work delivers what is pending; a notification that fails stays pending.
func (w *Worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	_, err := w.Deliver(ctx)
	return err
}

// Deliver sends pending notifications of every channel and returns how
// many were delivered.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	out := forms.Outbox{DB: w.cfg.DB}
	sent := 0
	for _, ch := range []assistant.Channel{assistant.ChannelWeb, assistant.ChannelViber, assistant.ChannelCLI} {
		pending, err := out.Pending(ctx, string(ch), batch)
		if err != nil {
			return sent, fmt.Errorf("pending notifications: %w", err)
		}
		for _, n := range pending {
			if err := w.deliver(ctx, ch, n); err != nil {
				w.cfg.Log.WarnContext(ctx, "notification not delivered, will retry", "case", n.CaseID, "channel", ch, "err", err)
				continue
			}
			if err := out.MarkSent(ctx, n.ID); err != nil {
				return sent, err
			}
			sent++
		}
	}
	return sent, nil
}

func (w *Worker) deliver(ctx context.Context, ch assistant.Channel, n forms.Notification) error {
	switch ch {
	case assistant.ChannelWeb:
		return w.cfg.Memory.SaveNotice(ctx, n.Municipality, ch, n.ChannelUser, n.Text)
	case assistant.ChannelViber:
		return w.viber(ctx, n)
	}
	return nil // the command line has no one to tell
}

func (w *Worker) viber(ctx context.Context, n forms.Notification) error {
	m, err := w.cfg.Municipalities.Get(n.Municipality)
	if err != nil {
		return err
	}
	token := w.cfg.Getenv(viber.TokenEnv(m))
	if token == "" {
		return fmt.Errorf("no Viber token in %s", viber.TokenEnv(m))
	}
	client := viber.NewClient(w.cfg.ViberAPIURL, token)
	for _, msg := range viber.ReplyMessages(m, n.ChannelUser, 1, &assistant.Reply{Text: n.Text}) {
		_, err := client.SendMessage(ctx, &msg)
		var apiErr *viber.APIError
		if errors.As(err, &apiErr) && (apiErr.Status == viber.StatusReceiverNotSubscribed || apiErr.Status == viber.StatusReceiverNotRegistered) {
			w.cfg.Log.InfoContext(ctx, "citizen unsubscribed from Viber, notification dropped", "case", n.CaseID)
			return nil
		}
		if err != nil {
			return err
		}
	}
	return w.cfg.Memory.SaveNotice(ctx, n.Municipality, assistant.ChannelViber, n.ChannelUser, n.Text)
}
