// Package server is MIA's HTTP front: the chi router, the middleware every
// request passes (request id, structured log, metrics, panic recovery),
// health and readiness, Prometheus metrics, and graceful shutdown. Channels
// mount their routes on it; it holds no business rule.
package server

import (
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
	DB   Pinger // checked by /readyz
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
}

// Server is the running HTTP server.
type Server struct {
	cfg     Config
	handler http.Handler
	reg     *prometheus.Registry
	srv     *http.Server
	ln      net.Listener
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
	s := &Server{cfg: cfg, reg: prometheus.NewRegistry()}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(s.reg)

	r := chi.NewRouter()
	r.Use(realIP(cfg.TrustedProxies))
	r.Use(middleware.RequestID)
	r.Use(requestLogID)
	r.Use(m.middleware)
	r.Use(logRequests(cfg.Logger))
	r.Use(recoverPanics(cfg.Logger))
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg}))
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

// Listen binds the address; after it, Addr reports the bound address (useful
// with port 0).
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (MIA_ADDR): %w", s.cfg.Addr, err)
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

// Serve serves until ctx is cancelled, then stops accepting connections and
// waits up to ShutdownTimeout for in-flight requests to finish.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	s.cfg.Logger.Info("serving", "addr", "http://"+s.Addr())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.cfg.Logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
