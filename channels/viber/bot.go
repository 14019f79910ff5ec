package viber

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/municipality"
)

// DefaultTokenEnv holds the bot token of a municipality whose
// configuration names no variable of its own.
const DefaultTokenEnv = "MIA_VIBER_TOKEN"

// Engine answers turns: *assistant.Engine.
type Engine interface {
	Handle(ctx context.Context, t assistant.Turn, emit func(assistant.Event)) (*assistant.Reply, error)
}

var _ Engine = (*assistant.Engine)(nil)

// Config wires the channel; zero values take the defaults.
type Config struct {
	// Store keeps callbacks, users, media and sent parts, and inserts the
	// jobs; New's store must be able to insert turn jobs (see
	// postgres/viberstore.New).
	Store          Store
	Municipalities *municipality.Registry
	// Engine answers turns; RegisterWorkers needs it.
	Engine Engine
	// Feedback records votes from the rating buttons (feedback.go);
	// nil offers none.
	Feedback Feedback
	// Tokens holds each municipality's bot token by slug (read from the
	// variable TokenEnv names). A municipality without one has no Viber
	// channel: its webhook answers 404.
	Tokens map[string]string
	// APIURL is the Bot API's base URL (MIA_VIBER_API_URL). Default
	// DefaultAPIURL.
	APIURL string
	// HTTP calls the Bot API and downloads media. Default: 30s timeout.
	HTTP *http.Client
	// MaxBody caps a callback's body: larger ones get 413. Default 1 MiB.
	MaxBody int64
	// MaxMedia caps a downloaded picture, video or file; a larger one is
	// not kept (the turn goes on without it). Default 50 MiB, Viber's
	// own cap for files.
	MaxMedia int64
	// MediaHosts are the hosts media is downloaded from: a name matches
	// itself, a name starting with a dot any host under it. A media link
	// elsewhere is not fetched (logged; the turn goes on without it), nor
	// is a redirect elsewhere followed. Default DefaultMediaHosts; tests
	// name their local server.
	MediaHosts []string
	// RetryBackoff is the first wait before a failed job (rate limiting,
	// a Bot API or network error) is tried again; it doubles with each
	// attempt up to an hour. Default 30s.
	RetryBackoff time.Duration
	// EnqueueTimeout bounds each commit of incoming messages (the dedupe
	// rows and the kept messages) and each insert of their turn jobs,
	// whatever the requests waiting on it do.
	// Default 5s: well under Viber's patience, and a stuck commit fails
	// fast with 503 for Viber to redeliver.
	EnqueueTimeout time.Duration
	// QueueSweep is how often kept messages without a turn job are looked
	// for when no callback's commit prompts it (and once at start): only
	// a process stopped between keeping a message and queuing its job
	// leaves any. Default 10s.
	QueueSweep time.Duration
	Log        *slog.Logger
}

func (c Config) withDefaults() Config {
	c.APIURL = cmp.Or(c.APIURL, DefaultAPIURL)
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	c.MaxBody = cmp.Or(c.MaxBody, 1<<20)
	c.MaxMedia = cmp.Or(c.MaxMedia, 50<<20)
	if len(c.MediaHosts) == 0 {
		c.MediaHosts = DefaultMediaHosts
	}
	c.RetryBackoff = cmp.Or(c.RetryBackoff, 30*time.Second)
	c.EnqueueTimeout = cmp.Or(c.EnqueueTimeout, 5*time.Second)
	c.QueueSweep = cmp.Or(c.QueueSweep, 10*time.Second)
	c.Log = cmp.Or(c.Log, slog.New(slog.DiscardHandler))
	return c
}

// TokenEnv names the environment variable holding m's bot token.
func TokenEnv(m *municipality.Municipality) string {
	return cmp.Or(m.ViberTokenEnv, DefaultTokenEnv)
}

// Bot serves the webhook.
type Bot struct {
	cfg   Config
	store Store
	enq   *enqueuer
}

// New returns the webhook of cfg's municipalities. It fails when the
// store or the municipalities are missing; a municipality without a token
// is logged and not served.
func New(cfg Config) (*Bot, error) {
	if cfg.Store == nil || cfg.Municipalities == nil {
		return nil, errors.New("viber: store and municipalities are required")
	}
	cfg = cfg.withDefaults()
	b := &Bot{cfg: cfg, store: cfg.Store, enq: newEnqueuer(cfg.Store, cfg.EnqueueTimeout, cfg.QueueSweep, cfg.Log)}
	for _, m := range cfg.Municipalities.All() {
		if cfg.Tokens[m.Slug] == "" {
			cfg.Log.Warn("viber: no bot token, channel off", "municipality", m.Slug, "env", TokenEnv(m))
		}
	}
	return b, nil
}

// Close stops accepting message callbacks (they get 503, for Viber to
// redeliver) after those in hand are committed. Call it after the HTTP
// server has shut down and before the queue client stops.
func (b *Bot) Close() { b.enq.close() }

// Routes mounts POST /viber/{municipality}.
func (b *Bot) Routes(r chi.Router) {
	r.Post("/viber/{municipality}", b.webhook)
}

// webhook authenticates a callback, records it and answers. Every error
// answer is logged; Viber retries anything but a 200 for an hour.
func (b *Bot) webhook(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	log := b.cfg.Log
	slug := chi.URLParam(r, "municipality")
	m, err := b.cfg.Municipalities.Get(slug)
	token := ""
	if err == nil && m.Slug == slug {
		token = b.cfg.Tokens[m.Slug]
	}
	if token == "" {
		http.Error(w, "no Viber bot here", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, b.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			log.WarnContext(ctx, "viber: callback too large", "municipality", slug, "limit", tooBig.Limit)
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	sig := r.Header.Get("X-Viber-Content-Signature")
	if sig == "" {
		sig = r.URL.Query().Get("sig") // Viber appends it to the URL as well
	}
	if !ValidSignature(token, body, sig) {
		log.WarnContext(ctx, "viber: bad signature", "municipality", slug, "remote", r.RemoteAddr)
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	var cb Callback
	if err := json.Unmarshal(body, &cb); err != nil {
		var head struct{ Event string }
		if json.Unmarshal(body, &head) == nil && !knownEvent(head.Event) {
			log.InfoContext(ctx, "viber: unknown event ignored", "municipality", slug, "event", head.Event)
			w.WriteHeader(http.StatusOK)
			return
		}
		log.WarnContext(ctx, "viber: undecodable callback", "municipality", slug, "err", err)
		http.Error(w, "bad callback", http.StatusBadRequest)
		return
	}
	if err := b.handle(ctx, m, &cb, w); err != nil {
		log.ErrorContext(ctx, "viber: callback", "municipality", slug, "event", cb.Event, "token", cb.MessageToken, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
	}
}

// handle acts on an authenticated callback and writes the answer, or
// returns an error (nothing written) for Viber to redeliver.
func (b *Bot) handle(ctx context.Context, m *municipality.Municipality, cb *Callback, w http.ResponseWriter) error {
	log := b.cfg.Log.With("municipality", m.Slug, "event", cb.Event, "token", cb.MessageToken)
	switch cb.Event {
	case EventWebhook:
		log.InfoContext(ctx, "viber: webhook verified")
	case EventConversationStarted:
		if cb.User != nil {
			if err := b.store.SaveUser(ctx, m.Slug, cleanUser(*cb.User), cb.Subscribed); err != nil {
				// The welcome matters more than the record.
				log.ErrorContext(ctx, "viber: record user", "err", err)
			}
		}
		msg, err := Welcome(m)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(msg)
	case EventMessage:
		if cb.Sender == nil || cb.Message == nil || cb.Sender.ID == "" {
			log.WarnContext(ctx, "viber: message without sender or content")
			break
		}
		if err := b.enq.enqueue(ctx, m.Slug, cb); err != nil {
			return fmt.Errorf("enqueue turn: %w", err)
		}
	case EventSubscribed, EventUnsubscribed:
		subscribed := cb.Event == EventSubscribed
		u := cb.User
		if u == nil {
			u = &User{ID: cb.UserID}
		}
		if err := b.store.RecordSubscription(ctx, eventOf(m.Slug, cb), cleanUser(*u), subscribed); err != nil {
			return err
		}
	case EventDelivered, EventSeen, EventFailed:
		if _, err := b.store.RecordEvent(ctx, eventOf(m.Slug, cb)); err != nil {
			return err
		}
		if cb.Event == EventFailed {
			// The message passed the API but a client rejected it, often
			// a keyboard the device cannot show.
			log.WarnContext(ctx, "viber: message failed on the device", "desc", cb.Desc)
		}
	default:
		log.InfoContext(ctx, "viber: unknown event ignored")
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func knownEvent(e string) bool {
	switch e {
	case EventWebhook, EventConversationStarted, EventSubscribed, EventUnsubscribed,
		EventMessage, EventDelivered, EventSeen, EventFailed:
		return true
	}
	return false
}
