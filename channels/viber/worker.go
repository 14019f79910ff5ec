package viber

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
)

// TurnArgs is the job of one incoming message: download its media, run
// the engine, enqueue the reply. It names the message the Store keeps
// (Incoming) and holds nothing the citizen wrote: River keeps job rows
// (and their arguments) for a while after they finish.
type TurnArgs struct {
	Municipality string `json:"municipality"`
	Token        uint64 `json:"token"` // the message's token; River stores args as JSON, integers exactly
	Inbox        int64  `json:"inbox"` // Incoming.ID
}

// Kind implements river.JobArgs.
func (TurnArgs) Kind() string { return "viber_turn" }

// InsertOpts implements river.JobArgsWithInsertOpts. A turn comes after
// every reply waiting to be sent (sendPriority): the queue is first come,
// first served within a priority, so under a burst of callbacks the
// replies of turns already answered would wait behind every turn still
// queued (measured: 2.6 replies a second at 500 callbacks a second).
func (TurnArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, Priority: turnPriority}
}

// River priorities, 1 first: an answered turn's reply before the next
// turn.
const (
	sendPriority = 1
	turnPriority = 2
)

// SendArgs is the job of one reply: the messages of the Reply it names,
// sent in order. Like TurnArgs it holds ids only.
type SendArgs struct {
	Municipality string `json:"municipality"`
	Reply        int64  `json:"reply"` // Reply.ID
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "viber_send" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, Priority: sendPriority}
}

// RegisterWorkers adds the channel's workers (viber_turn, viber_send,
// viber_cleanup) to workers. cfg needs the store, municipalities and
// engine; the store need not insert turn jobs (workers insert through the
// client running them).
func RegisterWorkers(workers *river.Workers, cfg Config) error {
	if cfg.Store == nil || cfg.Municipalities == nil || cfg.Engine == nil {
		return errors.New("viber: store, municipalities and engine are required for the workers")
	}
	cfg = cfg.withDefaults()
	d := &deps{cfg: cfg, store: cfg.Store, media: mediaClient(cfg.HTTP, cfg.MediaHosts)}
	if err := river.AddWorkerSafely(workers, &turnWorker{d: d}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(workers, &sendWorker{d: d}); err != nil {
		return err
	}
	return river.AddWorkerSafely(workers, &cleanupWorker{d: d})
}

// deps is what the workers share.
type deps struct {
	cfg   Config
	store Store
	media *http.Client // cfg.HTTP, redirected only to cfg.MediaHosts
}

// backoff is the wait before attempt+1: RetryBackoff doubled per attempt,
// at most an hour.
func (d *deps) backoff(attempt int) time.Time {
	wait := d.cfg.RetryBackoff
	for i := 1; i < attempt && wait < time.Hour; i++ {
		wait *= 2
	}
	return time.Now().Add(min(wait, time.Hour))
}

func (d *deps) api(slug string) (*Client, error) {
	tok := d.cfg.Tokens[slug]
	if tok == "" {
		return nil, fmt.Errorf("viber: no bot token for %s", slug)
	}
	return &Client{BaseURL: d.cfg.APIURL, Token: tok, HTTP: d.cfg.HTTP}, nil
}

type turnWorker struct {
	river.WorkerDefaults[TurnArgs]
	d *deps
}

func (w *turnWorker) NextRetry(job *river.Job[TurnArgs]) time.Time { return w.d.backoff(job.Attempt) }

func (w *turnWorker) Work(ctx context.Context, job *river.Job[TurnArgs]) error {
	m, err := w.d.cfg.Municipalities.Get(job.Args.Municipality)
	if err != nil {
		return river.JobCancel(err)
	}
	in, err := w.d.store.Incoming(ctx, job.Args.Inbox)
	if errors.Is(err, fault.ErrNotFound) {
		return river.JobCancel(err) // the turn completed already (the message goes with it)
	}
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	// A user's first message subscribes them (with no subscribed callback).
	subscribed := true
	if err := w.d.store.SaveUser(ctx, m.Slug, in.User, subscribed); err != nil {
		return fmt.Errorf("record user: %w", err)
	}
	msg := in.Message
	// A rating button's vote is recorded and thanked here (feedback.go).
	if msg.Type == "text" {
		reply, ok, err := w.d.feedbackReply(ctx, m, in.User.ID, msg.Text)
		if !ok && err == nil {
			// Words asked for after a 👎 "other" (any other button ends the wait).
			reply, ok, err = w.d.commentReply(ctx, m, in.User.ID, msg.Text, assistant.IsPayload(msg.Text) || skipRE.MatchString(msg.Text))
		}
		if ok || err != nil {
			if err != nil {
				return err
			}
			out := &Reply{Municipality: m.Slug, Receiver: in.User.ID, Messages: ReplyMessages(m, in.User.ID, in.User.APIVersion, reply)}
			if err := w.d.store.CompleteTurn(ctx, job, out); err != nil {
				return fmt.Errorf("enqueue reply: %w", err)
			}
			return nil
		}
	}
	t := assistant.Turn{Municipality: m.Slug, Channel: assistant.ChannelViber, UserID: in.User.ID, Text: msg.Text}
	switch msg.Type {
	case "text":
		if assistant.IsPayload(t.Text) {
			t.Payload, t.Text = t.Text, ""
		}
	case "location":
		if l := msg.Location; l != nil {
			t.Location = &assistant.Location{Lat: l.Lat, Lon: l.Lon, Address: msg.Text}
		}
	case "contact":
		if c := msg.Contact; c != nil {
			t.Text = strings.TrimSpace(c.Name + " " + c.PhoneNumber)
		}
	case "url":
		t.Text = strings.TrimSpace(msg.Text + " " + msg.Media)
	case "picture", "video", "file":
		att, err := w.d.fetchMedia(ctx, m.Slug, in)
		if err != nil {
			return err
		}
		if att != nil {
			t.Attachments = append(t.Attachments, *att)
		}
	}
	reply, err := w.d.cfg.Engine.Handle(ctx, t, nil)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	// The message's deletion, the reply's send job and this job's
	// completion commit together: a retry of this job never enqueues a
	// second reply.
	out := &Reply{Municipality: m.Slug, Receiver: in.User.ID, Messages: ReplyMessages(m, in.User.ID, in.User.APIVersion, reply)}
	w.d.addRatingButtons(ctx, reply, out.Messages)
	if err := w.d.store.CompleteTurn(ctx, job, out); err != nil {
		return fmt.Errorf("enqueue reply: %w", err)
	}
	return nil
}

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	d *deps
}

func (w *sendWorker) NextRetry(job *river.Job[SendArgs]) time.Time { return w.d.backoff(job.Attempt) }

// Work sends the parts Viber has not accepted yet. Rate limiting and
// other failures are returned (retried with backoff); a receiver who is
// not subscribed (or not on Viber) stops the job for good.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	api, err := w.d.api(job.Args.Municipality)
	if err != nil {
		return river.JobCancel(err)
	}
	a, err := w.d.store.Reply(ctx, job.Args.Reply)
	if errors.Is(err, fault.ErrNotFound) {
		return nil // sent in full by an attempt that ended before completing the job
	}
	if err != nil {
		return fmt.Errorf("read reply: %w", err)
	}
	sent, err := w.d.store.SentParts(ctx, job.ID)
	if err != nil {
		return err
	}
	log := w.d.cfg.Log.With("municipality", a.Municipality) // job_id comes from the context
	for i := range a.Messages {
		if sent[i] {
			continue
		}
		msg := a.Messages[i]
		msg.Receiver = a.Receiver
		res, err := api.SendMessage(ctx, &msg)
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.Status == StatusAPIVersionUnsupported && msg.MinAPIVersion > 1 {
			// The user's devices are older than the location picker and
			// phone sharing buttons: send the message without them.
			log.InfoContext(ctx, "viber: old client, keyboard reduced", "part", i)
			msg = withoutAPI3(msg)
			res, err = api.SendMessage(ctx, &msg)
		}
		switch {
		case errors.As(err, &apiErr) && (apiErr.Status == StatusReceiverNotSubscribed || apiErr.Status == StatusReceiverNotRegistered):
			log.InfoContext(ctx, "viber: receiver not subscribed, reply dropped", "status", apiErr.Status)
			if err := w.d.store.MarkUnsubscribed(ctx, a.Municipality, a.Receiver); err != nil {
				return err
			}
			if err := w.d.store.DeleteReply(ctx, a.ID); err != nil {
				return err
			}
			return river.JobCancel(err)
		case errors.As(err, &apiErr) && apiErr.Status == StatusTooManyRequests:
			log.WarnContext(ctx, "viber: rate limited, backing off", "part", i, "attempt", job.Attempt)
			return err
		case err != nil:
			return err
		}
		part := SentPart{JobID: job.ID, Part: i, Municipality: a.Municipality, Receiver: a.Receiver, Token: res.MessageToken}
		if err := w.d.store.RecordSent(ctx, part); err != nil {
			return fmt.Errorf("record sent part %d: %w", i, err)
		}
	}
	// Sent: the texts go now, not when River prunes the job.
	if err := w.d.store.DeleteReply(ctx, a.ID); err != nil {
		return fmt.Errorf("delete sent reply: %w", err)
	}
	return nil
}

// withoutAPI3 returns msg without the buttons that need API level 3.
func withoutAPI3(msg Message) Message {
	msg.MinAPIVersion = 0
	if msg.Keyboard == nil {
		return msg
	}
	kb := *msg.Keyboard
	kb.Buttons = nil
	for _, b := range msg.Keyboard.Buttons {
		if b.ActionType != ActionLocationPicker && b.ActionType != ActionSharePhone {
			kb.Buttons = append(kb.Buttons, b)
		}
	}
	msg.Keyboard = &kb
	if len(kb.Buttons) == 0 {
		msg.Keyboard = nil
	}
	return msg
}
