package backoffice_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres/crawlstore"
)

// TestSourcesPage: the admin sees each source, its runs with the reasons
// of failed URLs, and the stale documents; staff of a body do not.
func TestSourcesPage(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	base, err := os.ReadFile("../municipality/municipalities.yaml")
	if err != nil {
		t.Fatal(err)
	}
	conf := bytes.Replace(base, []byte("media_retention_days: 365"), []byte(`media_retention_days: 365
    sources:
      - name: sombor-rs
        start: ["https://www.sombor.rs/"]
        schedule: 12h
        stale_after_days: 20`), 1)
	reg, err := municipality.Parse(conf)
	if err != nil {
		t.Fatal(err)
	}
	store := crawlstore.New(tb.db)
	now := time.Now()
	run := &crawl.Run{Municipality: "sombor", Source: "sombor-rs", StartedAt: now.Add(-time.Minute)}
	if run.ID, err = store.StartRun(tb.ctx, run); err != nil {
		t.Fatal(err)
	}
	run.Status, run.Error, run.FinishedAt, run.Seen, run.Failed = crawl.StatusFailed, "no start URL could be read", now, 3, 1
	run.Pages = []crawl.PageResult{{URL: "https://www.sombor.rs/sporo", Outcome: crawl.Failed, Reason: "no complete answer within 20s"}}
	if err := store.FinishRun(tb.ctx, run); err != nil {
		t.Fatal(err)
	}
	for _, p := range []crawl.Page{
		{URL: "https://www.sombor.rs/stara-odluka.pdf", LastSeen: now.Add(-25 * 24 * time.Hour)},
		{URL: "https://www.sombor.rs/sveza.html", LastSeen: now.Add(-24 * time.Hour)},
	} {
		p.Municipality, p.Source, p.Canonical, p.ContentHash, p.Format, p.FirstSeen = "sombor", "sombor-rs", p.URL, "h", "pdf", p.LastSeen
		if err := store.SavePage(tb.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	cfg := tb.config(backoffice.Config{InsecureCookies: true, Crawl: store})
	cfg.Municipalities = reg
	r := chi.NewRouter()
	backoffice.New(cfg).Routes(r)
	tb.srv = httptest.NewServer(r)
	t.Cleanup(tb.srv.Close)

	c := tb.client(t)
	c.mustLogin("admin@sombor.rs")
	res := c.get("/staff/sources")
	if res.status != http.StatusOK {
		t.Fatalf("sources page: %d\n%s", res.status, res.body)
	}
	for _, want := range []string{"sombor-rs", "12h0m0s", "20 dana", "neuspešno", "no start URL could be read",
		"https://www.sombor.rs/sporo", "no complete answer within 20s", "Zastareli dokumenti (1)", "stara-odluka.pdf"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("sources page lacks %q", want)
		}
	}
	if strings.Contains(res.body, "sveza.html") || strings.Contains(res.body, "<script") {
		t.Errorf("a fresh page listed as stale, or a script on the page:\n%s", res.body)
	}
	if !strings.Contains(res.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("CSP: %q", res.header.Get("Content-Security-Policy"))
	}
	staff := tb.client(t)
	staff.mustLogin("cistoca@sombor.rs")
	if res := staff.get("/staff/sources"); res.status != http.StatusNotFound {
		t.Fatalf("staff of a body: %d", res.status)
	}
}
