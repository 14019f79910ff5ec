// Package notify delivers case status changes to citizens on the channel
// they filed through. forms.Service.ChangeStatus writes each change to the
// outbox (case_notifications) in the same transaction; a periodic River job
// here reads the pending rows and hands each to its channel's Sender: on
// Viber a message (viber.Notifier), on the web an assistant message in the
// citizen's conversation, shown by the widget (ConversationSender). A row
// is marked sent only after delivery, so a failed send is tried again on
// the next run. The package knows no channel: cmd/mia wires the senders.
package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
)

// Sender delivers a notification's text to a citizen on one channel.
type Sender interface {
	// Send delivers text to the channel user of the municipality. An
	// error leaves the notification pending, to be tried again on the
	// next run; nil marks it sent, also when the channel decided it
	// cannot be delivered at all (a citizen who unsubscribed).
	Send(ctx context.Context, municipality, channelUser, text string) error
}

// Outbox is the notifications waiting for delivery: forms' outbox
// (forms.OutboxStore, in PostgreSQL postgres/casestore).
type Outbox interface {
	// PendingNotifications returns up to limit unsent notifications of a
	// channel, oldest first.
	PendingNotifications(ctx context.Context, channel string, limit int) ([]forms.Notification, error)
	// MarkNotificationSent records that a notification was delivered.
	MarkNotificationSent(ctx context.Context, id int64) error
}

// Notices records a message from the city in a citizen's conversation:
// assistant.ConversationStore.
type Notices interface {
	SaveNotice(ctx context.Context, municipality string, ch assistant.Channel, user, text string) error
}

// ConversationSender delivers a notification by adding it to the
// citizen's conversation on Channel: what the web widget shows with the
// conversation's history.
type ConversationSender struct {
	Notices Notices
	Channel assistant.Channel
}

// Send implements Sender.
func (s ConversationSender) Send(ctx context.Context, municipality, user, text string) error {
	return s.Notices.SaveNotice(ctx, municipality, s.Channel, user, text)
}

// Discard is the Sender of a channel with no one to tell (the command
// line): its notifications are marked sent without delivery.
type Discard struct{}

// Send implements Sender.
func (Discard) Send(context.Context, string, string, string) error { return nil }

// Config wires the deliverer.
type Config struct {
	Outbox Outbox
	// Senders deliver each channel's notifications, by channel name
	// (string(assistant.ChannelWeb), ...). A channel without a sender is
	// not read: its notifications stay pending.
	Senders map[string]Sender
	Log     *slog.Logger
	// Interval between runs; default 10s.
	Interval time.Duration
}

// Args is the periodic delivery job.
type Args struct{}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "case_notifications" }

// PeriodicJobs returns the delivery job's schedule.
func PeriodicJobs(cfg Config) []*river.PeriodicJob {
	every := cmp.Or(cfg.Interval, 10*time.Second)
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			// One run at a time: a slow run must not be overtaken.
			return Args{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
				rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
		},
		&river.PeriodicJobOpts{ID: "case_notifications", RunOnStart: true})}
}

// NewWorker returns the delivery worker. It fails without an outbox or
// with a nil sender.
func NewWorker(cfg Config) (*Worker, error) {
	if cfg.Outbox == nil {
		return nil, errors.New("notify: an outbox is required")
	}
	for ch, s := range cfg.Senders {
		if s == nil {
			return nil, fmt.Errorf("notify: no sender for channel %q", ch)
		}
	}
	cfg.Log = cmp.Or(cfg.Log, slog.New(slog.DiscardHandler))
	channels := make([]string, 0, len(cfg.Senders))
	for ch := range cfg.Senders {
		channels = append(channels, ch)
	}
	slices.Sort(channels) // a stable order from run to run
	return &Worker{cfg: cfg, channels: channels}, nil
}

// RegisterWorkers adds the delivery worker.
func RegisterWorkers(workers *river.Workers, cfg Config) error {
	w, err := NewWorker(cfg)
	if err != nil {
		return err
	}
	return river.AddWorkerSafely(workers, w)
}

// Worker delivers pending notifications.
type Worker struct {
	river.WorkerDefaults[Args]
	cfg      Config
	channels []string
}

// batch is how many notifications of a channel one run delivers.
const batch = 100

// Work delivers what is pending; a notification that fails stays pending.
func (w *Worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	_, err := w.Deliver(ctx)
	return err
}

// Deliver sends pending notifications of every channel with a sender and
// returns how many were delivered.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	sent := 0
	for _, ch := range w.channels {
		pending, err := w.cfg.Outbox.PendingNotifications(ctx, ch, batch)
		if err != nil {
			return sent, fmt.Errorf("pending notifications: %w", err)
		}
		for _, n := range pending {
			if err := w.cfg.Senders[ch].Send(ctx, n.Municipality, n.ChannelUser, n.Text); err != nil {
				w.cfg.Log.WarnContext(ctx, "notification not delivered, will retry", "case", n.CaseID, "channel", ch, "err", err)
				continue
			}
			if err := w.cfg.Outbox.MarkNotificationSent(ctx, n.ID); err != nil {
				return sent, err
			}
			sent++
		}
	}
	return sent, nil
}
