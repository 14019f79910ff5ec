package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/miasrbija/mia/internal/browsertest"
)

// openAPIDoc reads the served document's paths and schemas.
func openAPIDoc(t *testing.T, srv string) (ops []string, schemas []string) {
	t.Helper()
	resp, err := http.Get(srv + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths {
		for method := range item {
			if method != "parameters" {
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for name := range doc.Components.Schemas {
		schemas = append(schemas, name)
	}
	return ops, schemas
}

// TestAPIDocsPage: /api/docs shows every operation and schema of the
// served document, with examples, and loads nothing from another site.
func TestAPIDocsPage(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(stubRouter(t))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/docs")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/docs: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "style-src 'self'") {
		t.Errorf("CSP %q lets the page load from elsewhere", csp)
	}
	ops, schemas := openAPIDoc(t, srv.URL)
	if len(ops) < 8 || len(schemas) < 5 {
		t.Fatalf("document too small: %v %v", ops, schemas)
	}
	plain := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(page, " ")
	plain = strings.Join(strings.Fields(plain), " ")
	for _, op := range ops {
		if !strings.Contains(plain, op) {
			t.Errorf("the reference lacks %s", op)
		}
	}
	for _, s := range schemas {
		if !strings.Contains(page, `id="schema-`+s+`"`) {
			t.Errorf("the reference lacks schema %s", s)
		}
	}
	for _, want := range []string{
		"Колико кошта извод",                // the document's own example
		`&#34;citations&#34;: [`,            // an example generated from the Reply schema
		`<a href="#schema-MessageRequest">`, // a reference is a link
		"municipality</code> <span class=\"req\">required</span>",
		"origin_not_allowed", // an enum's values
		"Retry-After",        // a response header
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the reference lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(?:src|href)="(?:https?:)?//`).FindString(page); m != "" {
		t.Errorf("the page links an outside resource: %s", m)
	}
	css, err := http.Get(srv.URL + "/api/docs.css")
	if err != nil || css.StatusCode != 200 || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("GET /api/docs.css: %v %v", css, err)
	}
	css.Body.Close()
}

// TestAPIDocsInBrowser opens the reference in Chromium: it is styled,
// every request stays on this server, and the contents lead to an
// operation.
func TestAPIDocsInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 1280, 900)
	srv := httptest.NewServer(stubRouter(t))
	defer srv.Close()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ctx = tctx

	var mu sync.Mutex
	var requested []string
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requested = append(requested, e.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/api/docs"),
		chromedp.WaitVisible(chromedp.CSS("nav a[href^='#op-post']")),
	)
	if err != nil {
		t.Fatal(err)
	}
	h1 := text(t, ctx, "h1")
	ops, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("article.op").length`))
	if err != nil {
		t.Fatal(err)
	}
	methodBg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".m-POST")).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "#op-post-api-v1-municipality-conversations-token-messages"
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("nav a[href='"+anchor+"']"))); err != nil {
		t.Fatal(err)
	}
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`))
	browsertest.Screenshot(t, ctx, "api-docs.png", false)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := openAPIDoc(t, srv.URL)
	if !strings.Contains(h1, "MIA web channel") || ops != len(want) {
		t.Errorf("h1 %q, %d operations shown; want %d", h1, ops, len(want))
	}
	if methodBg == "" || methodBg == "rgba(0, 0, 0, 0)" {
		t.Errorf("the style sheet was not applied (method background %q)", methodBg)
	}
	if target != anchor {
		t.Errorf("contents link led to %q", target)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(requested, srv.URL+"/api/docs.css") {
		t.Errorf("requests seen: %v; the style sheet is not among them", requested)
	}
	for _, u := range requested {
		if !strings.HasPrefix(u, srv.URL+"/") {
			t.Errorf("the page requested %s, outside this server", u)
		}
	}
}
