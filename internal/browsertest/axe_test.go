package browsertest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/miasrbija/mia/internal/browsertest"
)

// TestAxeFindsViolations checks the helper on two pages: axe-core must
// report the faults planted in one (so a clean result elsewhere means
// something) and nothing on the other.
func TestAxeFindsViolations(t *testing.T) {
	if _, err := os.Stat(browsertest.AxePath()); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but axe-core is missing: %v", err)
		}
		t.Skipf("axe-core is missing (scripts/deps.sh --browser installs it): %v", err)
	}
	pages := map[string]string{
		"/bad": `<!doctype html><html><head><title>x</title></head><body><main>
<img src="/p.png"><p style="color:#999;background:#fff">Slab kontrast</p><button></button></main></body></html>`,
		"/good": `<!doctype html><html lang="sr-Latn"><head><title>Dobra strana</title></head><body><main>
<h1>Naslov</h1><img src="/p.png" alt="Grb grada"><p>Tekst sa dobrim kontrastom.</p><button type="button">Pošalji</button></main></body></html>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t, 800, 600)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	ids := func(path string) []string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path)); err != nil {
			t.Fatal(err)
		}
		vs, err := browsertest.Axe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range vs {
			out = append(out, v.ID)
			if len(v.Nodes) == 0 || v.Nodes[0].Target == "" || v.String() == "" {
				t.Errorf("violation %s without its element", v.ID)
			}
		}
		return out
	}
	bad := ids("/bad")
	for _, want := range []string{"html-has-lang", "image-alt", "color-contrast", "button-name"} {
		if !slices.Contains(bad, want) {
			t.Errorf("axe-core missed %s on the bad page: %v", want, bad)
		}
	}
	if good := ids("/good"); len(good) != 0 {
		t.Errorf("violations on the good page: %v", good)
	}
}
