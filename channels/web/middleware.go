package web

import (
	"context"
	"net"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/municipality"
)

type ctxKey int

const (
	municipalityKey ctxKey = iota
	conversationCtxKey
)

// municipalityFrom returns the municipality the municipality middleware found.
func municipalityFrom(ctx context.Context) *municipality.Municipality {
	m, _ := ctx.Value(municipalityKey).(*municipality.Municipality)
	return m
}

// conversationRef is the conversation the conversationToken middleware
// found: its id and the citizen's id on channel web (userID of the token).
type conversationRef struct {
	id   int64
	user string
}

// userFrom returns the citizen's id (the token's hash) of the conversation
// the conversationToken middleware found.
func userFrom(ctx context.Context) string {
	c, _ := ctx.Value(conversationCtxKey).(conversationRef)
	return c.user
}

// conversationFrom returns the id of the conversation the
// conversationToken middleware found.
func conversationFrom(ctx context.Context) int64 {
	c, _ := ctx.Value(conversationCtxKey).(conversationRef)
	return c.id
}

// municipality resolves {municipality}; an unknown slug is a 404.
func (h *Handler) municipality(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, err := h.cfg.Municipalities.Get(chi.URLParam(r, "municipality"))
		if err != nil || chi.URLParam(r, "municipality") == "" {
			writeError(w, r, errNotFoundMunicipality)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), municipalityKey, m)))
	})
}

// cors lets the municipality's own sites (Municipality.AllowOrigins) and
// MIA's own public origins (Config.PublicOrigins: its demo and document
// pages) call the API from a browser. A request from any other origin is
// refused outright, not only hidden from the page: the engine's answers
// are not for other sites to embed. The Host header is never trusted for
// this: a client chooses it.
func (h *Handler) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" { // not a cross-origin browser request
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		if !allowedOrigin(origin, municipalityFrom(r.Context()), h.cfg.PublicOrigins) {
			writeError(w, r, errOrigin)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Expose-Headers", "Retry-After, X-Request-Id")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func allowedOrigin(origin string, m *municipality.Municipality, public []string) bool {
	return slices.Contains(m.AllowOrigins, origin) || slices.Contains(public, origin)
}

// limitIP applies the per-client-IP limit to every API request.
func (h *Handler) limitIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := h.ipLim.allow(r.Context(), ipKey(clientIP(r))); !ok {
			writeRateLimited(w, r, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitConversation applies the per-conversation limit to messages.
func (h *Handler) limitConversation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := conversationKey(r.Context())
		if ok, wait := h.convLim.allow(r.Context(), key); !ok {
			writeRateLimited(w, r, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the connection's address. Behind a proxy, the proxy must
// rewrite RemoteAddr (MIA does not trust X-Forwarded-For by itself).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// conversationToken admits only a token the server issued: one of the
// municipality's web conversations must have its hash. Any other token,
// well-formed or not, is a 404 and creates nothing, so a client cannot
// choose its own token (and with it a conversation another citizen could
// be steered into).
func (h *Handler) conversationToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		tok := chi.URLParam(r, "token")
		if !tokenRE.MatchString(tok) {
			writeError(w, r, errBadToken)
			return
		}
		user := userID(tok)
		conv, found, err := h.cfg.History.FindConversation(ctx, municipalityFrom(ctx).Slug, assistant.ChannelWeb, user)
		if err != nil {
			h.cfg.Log.ErrorContext(ctx, "find conversation", "err", err)
			writeError(w, r, errInternal)
			return
		}
		if !found {
			writeError(w, r, errBadToken)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, conversationCtxKey, conversationRef{id: conv, user: user})))
	})
}
