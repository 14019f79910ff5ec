package server

import (
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/miasrbija/mia/internal/logctx"
)

// requestLogID puts chi's request id into the context for logctx, so every
// line an application logs with the request's context (engine, forms,
// channels) carries the same request_id as the request log.
func requestLogID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := logctx.WithRequestID(r.Context(), middleware.GetReqID(r.Context()))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// logRequests writes one JSON line per request. It logs the route pattern
// (the path only for unmatched requests) and never the query string or
// body, where personal data (JMBG, phone numbers) could travel.
func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			// The id goes back to the client so a citizen's problem report
			// can be matched to the log line.
			w.Header().Set("X-Request-Id", middleware.GetReqID(r.Context()))
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			lvl := slog.LevelInfo
			if ww.Status() >= 500 {
				lvl = slog.LevelError
			}
			// The route pattern, not the path: paths carry conversation
			// tokens, which are secrets of the citizen's browser. An
			// unmatched path is logged with digits and e-mail addresses
			// masked (a JMBG or a phone number typed into a URL).
			route := routePattern(r)
			path := ""
			if route == "unmatched" {
				path = maskPath(r.URL.Path)
			}
			// request_id comes from the context (logctx), which caps the
			// path too; a made-up method is "OTHER", as in the metrics.
			log.LogAttrs(r.Context(), lvl, "request",
				slog.String("method", methodLabel(r.Method)),
				slog.String("route", route),
				slog.String("path", path),
				slog.Int("status", status(ww)),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
			)
		})
	}
}

// recoverPanics turns a handler panic into a 500 and a logged stack, so
// one bad request never takes the process down.
func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.ErrorContext(r.Context(), "panic", "panic", v, "stack", string(debug.Stack()))
					writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mia_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mia_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		// The route pattern, not the path, and the known methods only keep
		// label cardinality bounded whatever clients send.
		route, method := routePattern(r), methodLabel(r.Method)
		m.requests.WithLabelValues(route, method, strconv.Itoa(status(ww))).Inc()
		m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	})
}

// methodLabel is the method for a metrics label: an unknown method, which a
// client may make up at will, is "OTHER".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

// status is the response's code; a handler that wrote nothing sent 200.
func status(ww middleware.WrapResponseWriter) int {
	if c := ww.Status(); c != 0 {
		return c
	}
	return http.StatusOK
}

var (
	emailRE  = regexp.MustCompile(`[^/@\s]+@[^/@\s]+`)
	digitsRE = regexp.MustCompile(`[0-9]+`)
)

// maskPath hides what could be personal data in a path no route knows:
// an e-mail address becomes "[email]" and every run of digits "#".
func maskPath(p string) string {
	return digitsRE.ReplaceAllLiteralString(emailRE.ReplaceAllLiteralString(p, "[email]"), "#")
}
