package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/server"
)

// TestSecurityHeaders: public pages, API answers and files carry nosniff,
// a referrer policy and a CSP; pages allow scripts from MIA only (inline
// ones by hash) and framing by the municipality's own sites only.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	const frame = "frame-ancestors 'self' https://www.sombor.rs https://sombor.rs"
	tests := []struct {
		method, path string
		want         []string // parts of the CSP
	}{
		{"GET", "/", []string{"default-src 'none'", "script-src 'self';", "connect-src 'self'", "style-src 'self' 'sha256-", frame}},
		{"GET", "/documents/1?chunk=1", []string{"default-src 'none'", "script-src 'sha256-", "style-src 'self';", frame}},
		{"GET", "/documents/999999", []string{"default-src 'none'", "frame-ancestors 'self'"}},
		{"POST", "/api/v1/sombor/conversations", []string{server.DefaultCSP}},
		{"GET", "/api/v1/nowhere/conversations/x/messages", []string{server.DefaultCSP}},
		{"GET", "/api/v1/openapi.json", []string{server.DefaultCSP}},
		{"GET", "/widget.js", nil},
	}
	for _, tt := range tests {
		res := b.do(t, tt.method, tt.path, nil, nil)
		h := res.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s %s: nosniff %q, referrer policy %q", tt.method, tt.path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		csp := h.Values("Content-Security-Policy")
		if len(csp) != 1 || strings.Contains(csp[0], "unsafe-") {
			t.Errorf("%s %s: CSP %q", tt.method, tt.path, csp)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(csp[0], w) {
				t.Errorf("%s %s: CSP %q lacks %q", tt.method, tt.path, csp[0], w)
			}
		}
	}
}

// TestWidgetUnderStrictHostCSP embeds the widget in a city's page whose
// CSP allows MIA's origin for scripts and connections and nothing else:
// the widget is styled, answers, previews a photo, and the browser
// reports no violation.
func TestWidgetUnderStrictHostCSP(t *testing.T) {
	ctx := browsertest.New(t, 1280, 900)
	console := browsertest.WatchConsole(t, ctx)
	city := httptest.NewUnstartedServer(nil)
	t.Cleanup(city.Close)
	cityOrigin := "http://" + city.Listener.Addr().String()
	// The city's origin stands in for one of the municipality's allow_origins.
	b := setup(t, func(c *web.Config) { c.PublicOrigins = append(c.PublicOrigins, cityOrigin) })
	city.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", fmt.Sprintf(
			"default-src 'none'; script-src %s; connect-src %s; frame-ancestors 'none'", b.srv.URL, b.srv.URL))
		fmt.Fprintf(w, `<!doctype html><html lang="sr-Latn"><head><meta charset="utf-8"><title>Grad</title></head>
<body><h1>Grad</h1><script src="%s/widget.js" data-municipality="sombor" defer></script></body></html>`, b.srv.URL)
	})
	city.Start()
	photo := filepath.Join(t.TempDir(), "rupa.jpg")
	if err := os.WriteFile(photo, jpegPhoto(t), 0o644); err != nil {
		t.Fatal(err)
	}

	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	ctx = tctx
	const answer = `.mia-msg-assistant[data-done="true"] .mia-body`
	err := chromedp.Do(ctx,
		chromedp.Navigate(city.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".mia-launcher")),
	)
	if err != nil {
		t.Fatalf("open the city page: %v", err)
	}
	// The stylesheet applies: the launcher floats in the corner.
	pos, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".mia-launcher")).position`))
	if err != nil || pos != "fixed" {
		t.Errorf("launcher position %q (%v): the widget's stylesheet did not apply", pos, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".mia-launcher")),
		chromedp.SendKeys(chromedp.CSS("#mia-input"), "Koliko košta izvod iz matične knjige rođenih?"),
		chromedp.Click(chromedp.CSS(".mia-send")),
		chromedp.WaitVisible(chromedp.CSS(answer)),
		chromedp.SetUploadFiles(chromedp.CSS("#mia-file"), []string{photo}),
		chromedp.WaitVisible(chromedp.CSS(`.mia-thumb canvas[data-ready="true"]`)),
	)
	browsertest.Screenshot(t, ctx, "csp-city-page.png", false)
	if err != nil {
		t.Fatalf("use the widget under the city's CSP: %v\nconsole: %q", err, console.Lines())
	}
	if a := text(t, ctx, answer); strings.TrimSpace(a) == "" {
		t.Error("empty answer")
	}
	console.NoCSPViolations(t)
}
