package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/internal/logctx/logtest"
	"github.com/miasrbija/mia/server"
)

// TestHugeMethodsAndPathsStayBounded: 20 requests with 50 KB made-up
// methods and 50 KB paths grow /metrics by a few labels at most, and each
// request log line stays capped.
func TestHugeMethodsAndPathsStayBounded(t *testing.T) {
	logs := &logtest.Buffer{}
	// Headers up to 1 MiB here, so the requests reach the handlers; the
	// default cap answers them 431 (checked below).
	base, _ := start(t, server.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		Timeouts: server.Timeouts{MaxHeaderBytes: 1 << 20}})
	get(t, base+"/healthz")
	_, before := get(t, base+"/metrics")
	for i := range 20 {
		method := strings.Repeat(string(rune('A'+i)), 50<<10)
		req, err := http.NewRequest(method, base+"/"+strings.Repeat(string(rune('a'+i)), 50<<10), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	_, after := get(t, base+"/metrics")
	// Go's own metrics change a little between scrapes, and the new
	// OTHER/unmatched series add a few hundred bytes.
	if grow := len(after) - len(before); grow > 4<<10 {
		t.Errorf("/metrics grew by %d bytes:\n%s", grow, grep(after, "mia_http_requests_total"))
	}
	if !strings.Contains(after, `method="OTHER",route="unmatched"} 20`) {
		t.Errorf("the 20 requests are not counted under one label:\n%s", grep(after, "mia_http_requests_total"))
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var requests int
	for _, line := range lines {
		if len(line) > 6<<10 {
			t.Errorf("log line of %d bytes: %.200s…", len(line), line)
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %.200q", line)
		}
		if rec["route"] == "unmatched" {
			requests++
			if rec["method"] != "OTHER" {
				t.Errorf("method logged as %.100v", rec["method"])
			}
		}
	}
	if requests != 20 {
		t.Errorf("%d request lines for the 20 requests", requests)
	}

	// With the default cap, such a request line is refused before routing.
	base2, _ := start(t, server.Config{})
	resp, err := http.Get(base2 + "/" + strings.Repeat("a", 100<<10))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a 100 KB path with the default header cap: %s, want 431", resp.Status)
	}
}

// TestMetricsOnSeparateAddress: with MetricsAddr set, /metrics answers
// there and no longer on the main address.
func TestMetricsOnSeparateAddress(t *testing.T) {
	s := server.New(server.Config{Addr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0"})
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	base, metrics := "http://"+s.Addr(), "http://"+s.MetricsAddr()
	if metrics == base || s.MetricsAddr() == "" {
		t.Fatalf("metrics address %q, main %q", s.MetricsAddr(), s.Addr())
	}
	get(t, base+"/healthz")
	if code, _ := get(t, base+"/metrics"); code != http.StatusNotFound {
		t.Errorf("main address /metrics = %d, want 404", code)
	}
	code, body := get(t, metrics+"/metrics")
	if code != 200 || !strings.Contains(body, `mia_http_requests_total{code="200",method="GET",route="/healthz"} 1`) {
		t.Errorf("metrics address /metrics = %d:\n%s", code, grep(body, "mia_http"))
	}
	if code, _ := get(t, metrics+"/healthz"); code != http.StatusNotFound {
		t.Errorf("metrics address serves /healthz: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// TestSlowHeadersAreCut: a client sending its headers byte by byte loses
// the connection after ReadHeader, long before it would finish.
func TestSlowHeadersAreCut(t *testing.T) {
	base, _ := start(t, server.Config{Timeouts: server.Timeouts{ReadHeader: 300 * time.Millisecond}})
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	begin := time.Now()
	req := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("s", 200) + "\r\n\r\n"
	go func() { // the whole request would take 5 s
		for i := 0; i < len(req); i++ {
			if _, err := conn.Write([]byte{req[i]}); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection was still open after %s", time.Since(begin))
	}
	if took := time.Since(begin); took > 3*time.Second || strings.Contains(string(got), "200 OK") {
		t.Fatalf("a byte-by-byte client was served or kept its connection for %s: %q", took, got)
	}
}

// TestSlowBodyIsCutAndStreamsAreNot: a body that trickles in is cut at its
// deadline; a request whose body came at once may stream its answer for
// longer than that deadline.
func TestSlowBodyIsCutAndStreamsAreNot(t *testing.T) {
	bodyErr := make(chan error, 1)
	base, _ := start(t, server.Config{Timeouts: server.Timeouts{Body: 300 * time.Millisecond, MinBodyRate: 1 << 30},
		Mount: func(r chi.Router) {
			r.Post("/upload", func(w http.ResponseWriter, r *http.Request) {
				_, err := io.ReadAll(r.Body)
				bodyErr <- err
			})
			r.Post("/stream", func(w http.ResponseWriter, r *http.Request) {
				if _, err := io.ReadAll(r.Body); err != nil {
					http.Error(w, err.Error(), 400)
					return
				}
				for i := range 8 { // 800 ms: past the body deadline
					select {
					case <-r.Context().Done():
						return
					case <-time.After(100 * time.Millisecond):
					}
					io.WriteString(w, "data: "+string(rune('0'+i))+"\n\n")
					http.NewResponseController(w).Flush()
				}
			})
		}})
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-bodyErr:
		if err == nil {
			t.Fatal("the handler read a body that never came")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a trickling body held the handler past its deadline")
	}

	resp, err := http.Post(base+"/stream", "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if strings.Count(string(got), "data:") != 8 {
		t.Errorf("stream cut after the body deadline: %q", got)
	}
}

// TestSecurityHeaders: every response carries nosniff, a referrer policy
// and the default CSP; HSTS only when configured.
func TestSecurityHeaders(t *testing.T) {
	for _, hsts := range []bool{false, true} {
		base, _ := start(t, server.Config{HSTS: hsts, Mount: func(r chi.Router) {
			r.Get("/page", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Security-Policy", "default-src 'self'")
			})
		}})
		for _, path := range []string{"/healthz", "/metrics", "/nope", "/page"} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
				t.Errorf("%s: nosniff %q, referrer policy %q", path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
			}
			want := server.DefaultCSP
			if path == "/page" {
				want = "default-src 'self'" // a page's own policy wins
			}
			if got := h.Values("Content-Security-Policy"); len(got) != 1 || got[0] != want {
				t.Errorf("%s: CSP %q, want %q", path, got, want)
			}
			if got := h.Get("Strict-Transport-Security"); (got != "") != hsts || (hsts && !strings.HasPrefix(got, "max-age=31536000")) {
				t.Errorf("%s with HSTS %v: Strict-Transport-Security %q", path, hsts, got)
			}
		}
	}
}

// TestUnmatchedPathsMasked: digits and e-mail addresses in a path no
// route knows do not reach the log.
func TestUnmatchedPathsMasked(t *testing.T) {
	logs := &logtest.Buffer{}
	base, _ := start(t, server.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	get(t, base+"/prijava/0101990710006/pera.peric@example.rs/tel/0641234567")
	out := logs.String()
	for _, secret := range []string{"0101990710006", "pera.peric", "example.rs", "0641234567"} {
		if strings.Contains(out, secret) {
			t.Errorf("%s reached the log:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, `"path":"/prijava/#/[email]/tel/#"`) {
		t.Errorf("masked path not logged:\n%s", out)
	}
}

// TestLimitPerIP: one address gets its burst, then 429 with Retry-After;
// another address is not affected.
func TestLimitPerIP(t *testing.T) {
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	h = server.LimitPerIP(1, 3)(h)
	do := func(addr string) *http.Response {
		r, _ := http.NewRequest("POST", "/viber/sombor", nil)
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	for i := range 3 {
		if res := do("203.0.113.5:4000"); res.StatusCode != 200 {
			t.Fatalf("request %d within the burst: %d", i, res.StatusCode)
		}
	}
	res := do("203.0.113.5:4001")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" {
		t.Errorf("past the burst: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := do("198.51.100.7:4000"); res.StatusCode != 200 {
		t.Errorf("another address: %d", res.StatusCode)
	}
	// IPv6 addresses of one /64 share a bucket.
	for i := range 3 {
		do("[2001:db8:1:2::" + string(rune('a'+i)) + "]:1")
	}
	if res := do("[2001:db8:1:2:ffff::1]:1"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64: %d", res.StatusCode)
	}
}
