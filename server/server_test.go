package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/miasrbija/mia/internal/logctx"
	"github.com/miasrbija/mia/internal/logctx/logtest"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/server"
)

// start serves cfg on a free loopback port until the test ends.
func start(t *testing.T, cfg server.Config) (base string, stop func() error) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	s := server.New(cfg)
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return "http://" + s.Addr(), stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitStatus polls url until it answers want or the deadline passes; it
// waits on the condition, not on a fixed sleep.
func waitStatus(t *testing.T, url string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var got int
	var body string
	for time.Now().Before(deadline) {
		if got, body = get(t, url); got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("GET %s = %d %s; want %d within %s", url, got, body, want, within)
}

func TestReadyzFollowsDatabaseRestart(t *testing.T) {
	pg := pgtest.StartServer(t)
	ctx := context.Background()
	if _, err := postgres.Migrate(ctx, pg.URL(), nil); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, pg.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	logs := &logtest.Buffer{}
	base, _ := start(t, server.Config{DB: db, Logger: slog.New(slog.NewJSONHandler(logs, nil))})

	if code, body := get(t, base+"/readyz"); code != 200 || !strings.Contains(body, `"database":"ok"`) {
		t.Fatalf("readyz before stop = %d %s", code, body)
	}
	pg.Stop()
	waitStatus(t, base+"/readyz", http.StatusServiceUnavailable, 10*time.Second)
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Fatalf("healthz with the database down = %d, want 200: the process is fine", code)
	}
	pg.Start()
	waitStatus(t, base+"/readyz", http.StatusOK, 15*time.Second)
	if !strings.Contains(logs.String(), "database not ready") {
		t.Error("the outage was not logged")
	}
}

func TestMetricsAndRequestLog(t *testing.T) {
	logs := &logtest.Buffer{}
	base, _ := start(t, server.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	resp, err := http.Get(base + "/healthz?jmbg=0101990710006")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rid := resp.Header.Get("X-Request-Id")
	if rid == "" {
		t.Fatal("no X-Request-Id header")
	}
	_, metrics := get(t, base+"/metrics")
	if !strings.Contains(metrics, `mia_http_requests_total{code="200",method="GET",route="/healthz"} 1`) {
		t.Errorf("metrics lack the healthz request:\n%s", grep(metrics, "mia_http"))
	}
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["request_id"] == rid {
			found = true
			if rec["route"] != "/healthz" || rec["status"] != float64(200) {
				t.Errorf("log record = %v", rec)
			}
		}
	}
	if !found {
		t.Errorf("no log line with request id %s:\n%s", rid, logs)
	}
	if strings.Contains(logs.String(), "0101990710006") {
		t.Error("the query string (personal data) reached the log")
	}
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	base, stop := start(t, server.Config{Mount: func(r chi.Router) {
		r.Get("/slow", func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			<-release
			io.WriteString(w, "done")
		})
	}})
	type result struct {
		code int
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		res <- result{code: resp.StatusCode, body: string(b)}
	}()
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("server stopped with a request in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	r := <-res
	if r.err != nil || r.code != 200 || r.body != "done" {
		t.Fatalf("in-flight request = %d %q %v; want 200 done", r.code, r.body, r.err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Serve returned %v after a graceful stop", err)
	}
}

func TestPanicBecomes500(t *testing.T) {
	base, _ := start(t, server.Config{Mount: func(r chi.Router) {
		r.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	}})
	if code, body := get(t, base+"/boom"); code != 500 || !strings.Contains(body, "internal error") {
		t.Fatalf("panic = %d %s", code, body)
	}
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Fatal("server died after a panic")
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestLogAndMetricsBounded: a line a handler logs with the request's
// context carries the request id; a made-up method and an unmatched path
// each get one metrics label, and a huge path is cut in the log.
func TestLogAndMetricsBounded(t *testing.T) {
	logs := &logtest.Buffer{}
	base, _ := start(t, server.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Mount: func(r chi.Router) {
		r.Get("/work", func(w http.ResponseWriter, r *http.Request) {
			// An application's own logger, not the server's, with the
			// handler wrapped as cmd/mia wraps it.
			app := slog.New(logctx.NewHandler(slog.NewJSONHandler(logs, nil)))
			app.WarnContext(r.Context(), "application line")
		})
	}})
	resp, err := http.Get(base + "/work")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rid := resp.Header.Get("X-Request-Id")
	for _, m := range []string{"FOO", "BAR"} {
		req, _ := http.NewRequest(m, base+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	for _, p := range []string{"/nope/" + strings.Repeat("a", 6000), "/other"} {
		get(t, base+p)
	}

	var app, req bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		switch {
		case rec["msg"] == "application line":
			app = rec["request_id"] == rid
		case rec["route"] == "/work":
			req = rec["request_id"] == rid
		}
		if p, _ := rec["path"].(string); len(p) > logctx.MaxValue+40 {
			t.Errorf("path not capped: %d bytes", len(p))
		}
	}
	if !app || !req || strings.Count(logs.String(), rid) != 2 {
		t.Errorf("request id %s not on both lines (application %v, request %v):\n%.2000s", rid, app, req, logs)
	}
	_, metrics := get(t, base+"/metrics")
	for _, want := range []string{`code="405",method="OTHER",route="unmatched"} 2`, `method="GET",route="unmatched"} 2`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, grep(metrics, "mia_http_requests_total"))
		}
	}
	if strings.Contains(metrics, "FOO") || strings.Contains(metrics, "aaaa") {
		t.Errorf("client input became a label:\n%s", grep(metrics, "mia_http"))
	}
}
