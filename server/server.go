// Package server is MIA's HTTP front: the chi router, the middleware every
// request passes (request id, structured log, metrics, panic recovery),
// health and readiness, Prometheus metrics, and graceful shutdown. Channels
// mount their routes on it; it holds no business rule.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/miasrbija/mia/internal/logctx"
)

// Pinger reports whether a dependency the server needs is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config is what the server needs; zero values take the defaults.
type Config struct {
	Addr string // listen address, e.g. "127.0.0.1:8080"
	// MetricsAddr, when set, is a second listen address that serves
	// /metrics alone, and the main address no longer serves it: the
	// figures need not be public. Empty serves /metrics on Addr.
	MetricsAddr string
	DB          Pinger // checked by /readyz
	// Logger gets the request log and errors; nil discards. Its handler is
	// wrapped with logctx.NewHandler (request ids, capped fields) unless
	// it already is.
	Logger *slog.Logger
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// after a stop signal. Default 20s.
	ShutdownTimeout time.Duration
	// Mount adds the routes of channels and pages; nil mounts nothing.
	Mount func(r chi.Router)
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; empty trusts no header and uses the peer's address.
	TrustedProxies []netip.Prefix
	// HSTS sends Strict-Transport-Security (one year) on every response:
	// only for deployments reached over TLS alone.
	HSTS bool
	// Timeouts holds connections to account; zero fields take defaults.
	Timeouts Timeouts
}

// Timeouts bound what a slow or silent client can hold. There is no
// single whole-request ReadTimeout: it would have to suit a 50 MB video
// on a phone line and so would bound nothing else; each body gets a
// deadline for its own length instead (see bodyDeadline). There is no
// WriteTimeout: answers stream over SSE for as long as a turn runs.
type Timeouts struct {
	// ReadHeader bounds reading the request line and headers, however
	// slowly they trickle in. Default 10s.
	ReadHeader time.Duration
	// Body is the time any request body gets, plus one second per
	// MinBodyRate bytes its Content-Length declares, at most MaxBody.
	// Default 30s.
	Body time.Duration
	// MinBodyRate in bytes per second. Default 32 KiB/s (256 kbit/s, a
	// slow mobile uplink: a 50 MB video gets about 27 minutes).
	MinBodyRate int64
	// MaxBody caps a body's deadline. Default 30 minutes.
	MaxBody time.Duration
	// Idle closes a keep-alive connection without a request. Default 60s.
	Idle time.Duration
	// MaxHeaderBytes caps the request line and headers; beyond it the
	// answer is 431. Default 64 KiB.
	MaxHeaderBytes int
}

func (t Timeouts) withDefaults() Timeouts {
	t.ReadHeader = cmp.Or(t.ReadHeader, 10*time.Second)
	t.Body = cmp.Or(t.Body, 30*time.Second)
	t.MinBodyRate = cmp.Or(t.MinBodyRate, 32<<10)
	t.MaxBody = cmp.Or(t.MaxBody, 30*time.Minute)
	t.Idle = cmp.Or(t.Idle, 60*time.Second)
	t.MaxHeaderBytes = cmp.Or(t.MaxHeaderBytes, 64<<10)
	return t
}

// Server is the running HTTP server.
type Server struct {
	cfg     Config
	handler http.Handler
	metrics http.Handler // /metrics alone, on MetricsAddr; nil without one
	reg     *prometheus.Registry
	ln      net.Listener
	mln     net.Listener // MetricsAddr's
}

// New builds the server and its routes without listening.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = slog.New(logctx.NewHandler(cfg.Logger.Handler()))
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 20 * time.Second
	}
	cfg.Timeouts = cfg.Timeouts.withDefaults()
	s := &Server{cfg: cfg, reg: prometheus.NewRegistry()}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(s.reg)
	expose := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg})

	r := chi.NewRouter()
	r.Use(securityHeaders(cfg.HSTS))
	r.Use(realIP(cfg.TrustedProxies))
	r.Use(middleware.RequestID)
	r.Use(requestLogID)
	r.Use(m.middleware)
	r.Use(logRequests(cfg.Logger))
	r.Use(recoverPanics(cfg.Logger))
	r.Use(bodyDeadline(cfg.Timeouts))
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	if cfg.MetricsAddr == "" {
		r.Handle("/metrics", expose)
	} else {
		mr := chi.NewRouter()
		mr.Use(securityHeaders(false))
		mr.Handle("/metrics", expose)
		s.metrics = mr
	}
	if cfg.Mount != nil {
		cfg.Mount(r)
	}
	s.handler = r
	return s
}

// Handler returns the server's routes, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Registry returns the Prometheus registry, so other packages can add metrics.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Listen binds the address, and MetricsAddr when set; after it, Addr and
// MetricsAddr report the bound addresses (useful with port 0).
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (MIA_ADDR): %w", s.cfg.Addr, err)
	}
	if s.cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s (MIA_METRICS_ADDR): %w", s.cfg.MetricsAddr, err)
		}
		s.mln = mln
	}
	s.ln = ln
	return nil
}

// Addr is the bound address, or the configured one before Listen.
func (s *Server) Addr() string {
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.cfg.Addr
}

// MetricsAddr is the bound metrics address, the configured one before
// Listen, or "" when /metrics is on the main address.
func (s *Server) MetricsAddr() string {
	if s.mln != nil {
		return s.mln.Addr().String()
	}
	return s.cfg.MetricsAddr
}

// httpServer is one listener's server with the connection limits.
func (s *Server) httpServer(h http.Handler) *http.Server {
	t := s.cfg.Timeouts
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    t.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
}

// Serve serves until ctx is cancelled, then stops accepting connections and
// waits up to ShutdownTimeout for in-flight requests to finish.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	srvs := []*http.Server{s.httpServer(s.handler)}
	lns := []net.Listener{s.ln}
	if s.mln != nil {
		srvs = append(srvs, s.httpServer(s.metrics))
		lns = append(lns, s.mln)
	}
	errc := make(chan error, len(srvs))
	for i, srv := range srvs {
		go func() { errc <- srv.Serve(lns[i]) }()
	}
	s.cfg.Logger.Info("serving", "addr", "http://"+s.Addr())
	if s.mln != nil {
		s.cfg.Logger.Info("serving metrics", "addr", "http://"+s.MetricsAddr()+"/metrics")
	}
	var first error
	select {
	case first = <-errc: // a listener failed: stop the other one too
	case <-ctx.Done():
	}
	s.cfg.Logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	for _, srv := range srvs {
		if err := srv.Shutdown(sctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
	}
	n := len(srvs)
	if first != nil {
		errs = append(errs, first)
		n--
	}
	for range n {
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
