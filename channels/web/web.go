// Package web is MIA's web channel: a JSON + Server-Sent Events chat API
// under /api/v1/{municipality}/, the embeddable chat widget (plain JS and
// CSS embedded in the binary), a demo city page and a page that shows a
// cited document with the cited passage highlighted.
//
// The channel only translates: an HTTP request becomes an assistant.Turn
// and the engine's reply stream becomes SSE events. No business rule lives
// here. The server issues a random conversation token, which the browser
// keeps (localStorage); its SHA-256 (userID) is the Turn.UserID of channel
// web and all the server stores (see token.go).
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/semaphore"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/ratelimit"
)

// Assistant answers one turn, streaming its events; *assistant.Engine is one.
type Assistant interface {
	Handle(ctx context.Context, t assistant.Turn, emit func(assistant.Event)) (*assistant.Reply, error)
	// AcceptsMedia reports whether the citizen's conversation has a form
	// open that takes photos or video; an upload is refused unread when not.
	AcceptsMedia(ctx context.Context, municipality string, ch assistant.Channel, user string) (bool, error)
}

// History finds a citizen's conversation and its earlier messages; every
// assistant.ConversationStore is one (postgres/convstore in production).
type History interface {
	Conversation(ctx context.Context, municipality string, ch assistant.Channel, user string) (int64, error)
	FindConversation(ctx context.Context, municipality string, ch assistant.Channel, user string) (int64, bool, error)
	History(ctx context.Context, conv int64, n int) ([]assistant.HistoryMessage, error)
}

// Documents gives the document page its document and the cited passage.
// Every rag.Store is one (postgres/docstore in production).
type Documents interface {
	// Document returns the document with its body; fault.ErrNotFound when
	// the municipality has no such document.
	Document(ctx context.Context, municipality string, id int64) (rag.Document, error)
	// Passage returns the text of one chunk of the document;
	// fault.ErrNotFound when the chunk is not the document's.
	Passage(ctx context.Context, municipality string, documentID, chunkID int64) (string, error)
}

var (
	_ Assistant = (*assistant.Engine)(nil)
	_ History   = assistant.ConversationStore(nil)
	_ Documents = rag.Store(nil)
)

// Limit is a token bucket: Burst requests at once, refilled at Rate per
// second, counted in Config.Limiter across every replica. A zero Limit
// takes the default; a negative Rate disables it.
type Limit struct {
	Rate  float64
	Burst int
}

// Config wires the channel; zero values take the defaults.
type Config struct {
	Municipalities *municipality.Registry
	Assistant      Assistant
	History        History
	Documents      Documents
	// Limiter keeps the per-IP and per-conversation counts, shared by
	// every replica (postgres/limitstore or ratelimit/redislimit). When
	// it fails, requests pass unlimited (see limiter.go).
	Limiter ratelimit.Limiter
	Log     *slog.Logger
	// Feedback records votes on answers (postgres/feedbackstore); nil
	// offers no 👍/👎 and the feedback endpoint answers 404.
	Feedback Feedback
	// Cases lets a citizen follow a case from any device with its
	// reference and their contact (follow.go; *forms.Service); nil: the
	// endpoint answers 404.
	Cases Cases
	// PerFollow limits attempts to follow a case, per client IP and per
	// reference. Default one every 20s, burst 5.
	PerFollow Limit
	// Live serves the live stream of staff replies, handover steps and
	// case status notices (live.go; postgres/handoverstore); nil: none.
	Live handover.Live
	// LiveDone, when closed, ends every live stream (a shutdown must not
	// wait for them; the browsers reconnect to another replica).
	LiveDone <-chan struct{}
	// PublicOrigins are MIA's own origins (scheme://host[:port]), where its
	// demo and document pages are served; the API accepts browser calls
	// from them besides each municipality's AllowOrigins.
	PublicOrigins []string
	// PerIP limits every API request of one client IP. Default 2/s, burst 40.
	PerIP Limit
	// PerConversation limits the messages sent to one conversation.
	// Default one every 3s, burst 5.
	PerConversation Limit
	// MaxBody caps a JSON request body, and the text of an upload, in
	// bytes (413 beyond). Default 16 KiB.
	MaxBody int64
	// MaxUpload caps a multipart message (photos, video) in bytes (413
	// beyond). Default 55 MiB: one video of the forms' 50 MB limit and
	// room for the rest.
	MaxUpload int64
	// UploadDir is where uploaded files wait, on disk, for their turn;
	// each is removed when the turn ends. "" is the system's temporary
	// directory (os.TempDir).
	UploadDir string
	// UploadMemory bounds the bytes of uploaded files held in memory at
	// once, across all requests: a turn with files waits for room (503
	// after 2 minutes); a message larger than the budget waits until it is
	// alone. Default 40 MiB. Each byte of a file is held about four times
	// while its turn runs (as sent, cleaned, and twice in the database
	// driver): some 200 MB of memory at most with the default.
	UploadMemory int64
	// HistoryMessages is how many messages a reload gets back. Default 50.
	HistoryMessages int
	// TurnTimeout bounds one turn. A turn runs on when its request ends (a
	// citizen closed the tab): only the event stream stops, and the reply
	// is recorded for the next visit. Default 30s: the engine's budget
	// (assistant.Config.TurnBudget, 20s) plus the work around the model.
	TurnTimeout time.Duration
	// Now is the clock of the rate limits; nil is time.Now.
	Now func() time.Time
}

// Handler serves the web channel.
type Handler struct {
	cfg     Config
	ipLim   *limiter
	convLim *limiter
	// followIPLim and followRefLim limit attempts to follow a case.
	followIPLim, followRefLim *limiter
	// limitErrors counts failed limit checks (Metrics).
	limitErrors *prometheus.CounterVec
	turns       *turns
	widget      []byte // widget.js with the texts in both scripts
	// uploadMem holds the bytes of uploaded files in memory (UploadMemory).
	uploadMem *semaphore.Weighted
}

// New validates the configuration and returns the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Municipalities == nil || cfg.Assistant == nil || cfg.History == nil || cfg.Documents == nil || cfg.Limiter == nil {
		return nil, errors.New("web: municipalities, assistant, history, documents and limiter are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.PerIP == (Limit{}) {
		cfg.PerIP = Limit{Rate: 2, Burst: 40}
	}
	if cfg.PerConversation == (Limit{}) {
		cfg.PerConversation = Limit{Rate: 1.0 / 3, Burst: 5}
	}
	if cfg.PerFollow == (Limit{}) {
		cfg.PerFollow = Limit{Rate: 1.0 / 20, Burst: 5}
	}
	for _, l := range []Limit{cfg.PerIP, cfg.PerConversation, cfg.PerFollow} {
		if err := ratelimit.PerSecond(l.Rate, l.Burst).Validate(); l.Rate >= 0 && err != nil {
			return nil, fmt.Errorf("web: limit %+v: %w", l, err)
		}
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 16 << 10
	}
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 55 << 20
	}
	if cfg.UploadMemory == 0 {
		cfg.UploadMemory = 40 << 20
	}
	if cfg.UploadMemory < 0 || cfg.MaxUpload < 0 || cfg.MaxBody < 0 {
		return nil, errors.New("web: MaxBody, MaxUpload and UploadMemory must be positive")
	}
	if cfg.UploadDir != "" {
		if fi, err := os.Stat(cfg.UploadDir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("web: upload directory %q is not a directory", cfg.UploadDir)
		}
	}
	if cfg.HistoryMessages == 0 {
		cfg.HistoryMessages = 50
	}
	if cfg.TurnTimeout == 0 {
		cfg.TurnTimeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	widget, err := buildWidget(cfg.Municipalities)
	if err != nil {
		return nil, err
	}
	limitErrors := newLimitErrors()
	return &Handler{
		cfg:          cfg,
		ipLim:        newLimiter(cfg.Limiter, cfg.PerIP, "ip", cfg, limitErrors),
		convLim:      newLimiter(cfg.Limiter, cfg.PerConversation, "conversation", cfg, limitErrors),
		followIPLim:  newLimiter(cfg.Limiter, cfg.PerFollow, "follow_ip", cfg, limitErrors),
		followRefLim: newLimiter(cfg.Limiter, cfg.PerFollow, "follow_ref", cfg, limitErrors),
		limitErrors:  limitErrors,
		turns:        newTurns(),
		widget:       widget,

		uploadMem: semaphore.NewWeighted(cfg.UploadMemory),
	}, nil
}

// Metrics are the channel's own metrics, for the server's registry.
func (h *Handler) Metrics() prometheus.Collector { return h.limitErrors }

// Routes mounts the channel's routes on r; it is what server.Config.Mount
// takes. Every route is described in static/openapi.json.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/", h.demoPage)
	r.Get("/widget.js", h.widgetJS)
	r.Get("/widget.css", h.widgetCSS)
	r.Get("/documents/{id}", h.documentPage)
	r.Get("/api/v1/openapi.json", h.openAPI)
	r.Get("/api/docs", h.apiDocs)
	r.Get("/api/docs.css", h.apiDocsStyle)
	r.Route("/api/v1/{municipality}", func(r chi.Router) {
		r.Use(h.municipality, h.cors, h.limitIP)
		r.Post("/conversations", h.createConversation)
		r.Get("/welcome", h.welcome)          // suggested first questions (history.go)
		r.Post("/cases/follow", h.followCase) // a case's status by reference and contact (follow.go)
		r.Route("/conversations/{token}", func(r chi.Router) {
			r.Use(h.conversationToken)
			r.Get("/messages", h.listMessages) // history.go
			r.Post("/script", h.postScript)    // the citizen's chosen script (history.go)
			// Text, a button, a shared location (JSON) or photos and
			// video (multipart/form-data): all are turns of one conversation.
			r.With(h.limitConversation).Post("/messages", h.postMessage)
			r.Post("/feedback", h.postFeedback) // a vote on an answer (feedback.go)
			r.Get("/events", h.liveEvents)      // live notices and handover state (live.go)
		})
	})
}
