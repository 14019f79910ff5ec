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
	"os"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

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
	DB             *pgxpool.Pool
	Municipalities *municipality.Registry
	// Queue inserts jobs; New needs it (RegisterWorkers does not: a
	// worker inserts through the client that runs it).
	Queue *river.Client[pgx.Tx]
	// Engine answers turns; RegisterWorkers needs it.
	Engine Engine
	// Getenv reads the tokens (Municipality.ViberTokenEnv, else
	// DefaultTokenEnv). Default os.Getenv; read once, in New or
	// RegisterWorkers.
	Getenv func(string) string
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
	// RetryBackoff is the first wait before a failed job (rate limiting,
	// a Bot API or network error) is tried again; it doubles with each
	// attempt up to an hour. Default 30s.
	RetryBackoff time.Duration
	Log          *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	c.APIURL = cmp.Or(c.APIURL, DefaultAPIURL)
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	c.MaxBody = cmp.Or(c.MaxBody, 1<<20)
	c.MaxMedia = cmp.Or(c.MaxMedia, 50<<20)
	c.RetryBackoff = cmp.Or(c.RetryBackoff, 30*time.Second)
	c.Log = cmp.Or(c.Log, slog.New(slog.DiscardHandler))
	return c
}

// tokens reads each municipality's token; a municipality without one has
// no Viber channel (its webhook answers 404).
func (c Config) tokens() map[string]string {
	out := map[string]string{}
	for _, m := range c.Municipalities.All() {
		if t := c.Getenv(TokenEnv(m)); t != "" {
			out[m.Slug] = t
		}
	}
	return out
}

// TokenEnv names the environment variable holding m's bot token.
func TokenEnv(m *municipality.Municipality) string {
	return cmp.Or(m.ViberTokenEnv, DefaultTokenEnv)
}

// Bot serves the webhook.
type Bot struct {
	cfg    Config
	tokens map[string]string
	store  store
	enq    *enqueuer
}

// New returns the webhook of cfg's municipalities. It fails when the
// database, the municipalities or the queue are missing; a municipality
// whose token variable is unset is logged and not served.
func New(cfg Config) (*Bot, error) {
	if cfg.DB == nil || cfg.Municipalities == nil || cfg.Queue == nil {
		return nil, errors.New("viber: database, municipalities and queue are required")
	}
	cfg = cfg.withDefaults()
	b := &Bot{cfg: cfg, tokens: cfg.tokens(), store: store{cfg.DB}, enq: newEnqueuer(cfg.DB, cfg.Queue)}
	for _, m := range cfg.Municipalities.All() {
		if b.tokens[m.Slug] == "" {
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
		token = b.tokens[m.Slug]
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
			if err := b.store.upsertUser(ctx, b.cfg.DB, m.Slug, cb.User, &cb.Subscribed); err != nil {
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
		err := pgx.BeginFunc(ctx, b.cfg.DB, func(tx pgx.Tx) error {
			fresh, err := b.store.recordEvent(ctx, tx, m.Slug, cb)
			if err != nil || !fresh || u.ID == "" {
				return err
			}
			return b.store.upsertUser(ctx, tx, m.Slug, u, &subscribed)
		})
		if err != nil {
			return err
		}
	case EventDelivered, EventSeen, EventFailed:
		if _, err := b.store.recordEvent(ctx, b.cfg.DB, m.Slug, cb); err != nil {
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
