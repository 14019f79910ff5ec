package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/municipality"
)

type ctxKey int

const (
	municipalityKey ctxKey = iota
	tokenKey
)

// municipalityFrom returns the municipality the municipality middleware found.
func municipalityFrom(ctx context.Context) *municipality.Municipality {
	m, _ := ctx.Value(municipalityKey).(*municipality.Municipality)
	return m
}

// tokenFrom returns the conversation token the conversationToken middleware checked.
func tokenFrom(ctx context.Context) string {
	t, _ := ctx.Value(tokenKey).(string)
	return t
}

// municipality resolves {municipality}; an unknown slug is a 404.
func (h *Handler) municipality(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, err := h.cfg.Municipalities.Get(chi.URLParam(r, "municipality"))
		if err != nil || chi.URLParam(r, "municipality") == "" {
			writeError(w, errNotFoundMunicipality)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), municipalityKey, m)))
	})
}

// cors lets the municipality's own sites (Municipality.AllowOrigins) and
// this server's own pages call the API from a browser. A request from any
// other origin is refused outright, not only hidden from the page: the
// engine's answers are not for other sites to embed.
func (h *Handler) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" { // not a cross-origin browser request
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		if !allowedOrigin(origin, r, municipalityFrom(r.Context())) {
			writeError(w, errOrigin)
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

func allowedOrigin(origin string, r *http.Request, m *municipality.Municipality) bool {
	if slices.Contains(m.AllowOrigins, origin) {
		return true
	}
	// The demo page and document pages are served by this server.
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host == r.Host
}

// limitIP applies the per-client-IP limit to every API request.
func (h *Handler) limitIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := h.ipLim.allow(clientIP(r)); !ok {
			writeRateLimited(w, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitConversation applies the per-conversation limit to messages.
func (h *Handler) limitConversation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := conversationKey(r.Context())
		if ok, wait := h.convLim.allow(key); !ok {
			writeRateLimited(w, wait)
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

// tokenRE is what newToken makes: 16 random bytes, base64url.
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// conversationToken checks {token}'s form; a malformed one is a 404.
func (h *Handler) conversationToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := chi.URLParam(r, "token")
		if !tokenRE.MatchString(tok) {
			writeError(w, errBadToken)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey, tok)))
	})
}
