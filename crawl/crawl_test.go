package crawl_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres/crawlstore"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// countingEmbedder counts the embedding calls, so a test sees what was
// re-embedded.
type countingEmbedder struct {
	rag.Embedder
	calls atomic.Int64
}

func (e *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.calls.Add(1)
	return e.Embedder.Embed(ctx, texts)
}

type bundle struct {
	site    *site
	crawler *crawl.Crawler
	store   *crawlstore.Store
	docs    *docstore.Store
	emb     *countingEmbedder
	runner  *ingest.Runner
	src     crawl.Source
}

const muni = "sombor"

func setup(t testing.TB, traps bool) *bundle {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	b := &bundle{site: newSite(t, traps), store: crawlstore.New(db), docs: docstore.New(db),
		emb: &countingEmbedder{Embedder: rag.NewHashEmbedder()}}
	var err error
	b.crawler, err = crawl.New(crawl.Config{Store: b.store, Delay: -1, RequestTimeout: 500 * time.Millisecond,
		MaxBytes: 1 << 20, MaxQueryVariants: 4})
	if err != nil {
		t.Fatal(err)
	}
	b.runner = &ingest.Runner{Store: b.docs, Embedder: b.emb, Municipality: muni}
	b.src = crawl.Source{Municipality: muni, Name: "sajt", Start: []string{b.site.url("/")}, MaxPages: 200, MaxDepth: 10}
	return b
}

func (b *bundle) run(t testing.TB) *crawl.Run {
	t.Helper()
	run, err := b.crawler.Run(context.Background(), b.src, b.runner, crawl.Options{})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return run
}

// outcome returns the run's line for a URL path of the site.
func (b *bundle) outcome(t *testing.T, run *crawl.Run, path string) crawl.PageResult {
	t.Helper()
	for _, p := range run.Pages {
		if p.URL == b.site.url(path) {
			return p
		}
	}
	t.Fatalf("no line for %s in the run; lines: %+v", path, run.Pages)
	return crawl.PageResult{}
}

func (b *bundle) sources(t *testing.T) []string {
	t.Helper()
	return b.sourcesB(t)
}

func (b *bundle) sourcesB(t testing.TB) []string {
	t.Helper()
	docs, err := b.docs.ListDocuments(context.Background(), muni)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range docs {
		out = append(out, d.Source)
	}
	return out
}

func (b *bundle) searchSources(t *testing.T, q string) []string {
	t.Helper()
	res, err := rag.NewSearcher(b.docs, b.emb).Search(context.Background(), rag.Query{Municipality: muni, Text: q, K: 10})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Source)
	}
	return out
}

func TestCrawlSite(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := context.Background()

	// First crawl: every page and document of the site, once.
	run := b.run(t)
	if run.Status != crawl.StatusOK {
		t.Fatalf("status %s: %s", run.Status, run.Error)
	}
	wantDocs := []string{"/", "/usluge/gradski-usluzni-centar.html", "/usluge/komunalni-problemi.html",
		"/usluge/novcana-socijalna-pomoc.html", "/usluge/porez-na-imovinu.html", "/usluge/decji-dodatak.html",
		"/usluge/uverenje-o-drzavljanstvu.html", "/dokumenti/jmbg-vodic.pdf", "/dokumenti/roditeljski-dodatak.pdf",
		"/dokumenti/izvodi.docx", "/dokumenti/biznis.docx", "/dokumenti/grobna-mesta.odt"}
	stored := b.sources(t)
	for _, p := range wantDocs {
		if !slices.Contains(stored, b.site.url(p)) {
			t.Errorf("%s not stored; stored: %v", p, stored)
		}
	}
	for _, p := range []string{"/kopija.html", "/interno/tajna.html", "/stara-strana", "/ogromno", "/sporo", "/nema"} {
		if slices.Contains(stored, b.site.url(p)) {
			t.Errorf("%s stored, it should not be", p)
		}
	}
	// Each bad input ends with its reason and the run went on.
	for path, want := range map[string]string{
		"/kopija.html":        "same content as " + b.site.url("/usluge/gradski-usluzni-centar.html"),
		"/interno/tajna.html": "disallowed by robots.txt",
		"/nema":               "not found (HTTP 404)",
		"/sporo":              "no complete answer within 500ms",
		"/ogromno":            "too large",
	} {
		if got := b.outcome(t, run, path); !strings.Contains(got.Reason, want) {
			t.Errorf("%s: %s %q, want a reason with %q", path, got.Outcome, got.Reason, want)
		}
	}
	if got := b.outcome(t, run, "/kalendar?month=5"); got.Outcome != crawl.Skipped || !strings.Contains(got.Reason, "endless calendar") {
		t.Errorf("calendar: %+v", got)
	}
	var offsite bool
	for _, p := range run.Pages {
		offsite = offsite || (p.URL == "https://example.invalid/spolja" && p.Outcome == crawl.Skipped && strings.Contains(p.Reason, "off-site"))
	}
	if !offsite {
		t.Error("the off-site link has no skipped line")
	}
	// The redirect's target was stored once, under its own URL; robots.txt
	// kept the crawler out of /interno/ entirely.
	first := b.site.hits()
	for _, h := range first {
		if strings.HasPrefix(h.path, "/interno/") {
			t.Errorf("robots.txt ignored: %s requested", h.path)
		}
		if strings.HasPrefix(h.path, "/kalendar") && h.path > "/kalendar?month=5" {
			t.Errorf("calendar followed too far: %s", h.path)
		}
	}
	firstCalls := b.emb.calls.Load()
	if firstCalls == 0 || run.Added != int(firstCalls) {
		t.Errorf("added %d documents with %d embedding calls", run.Added, firstCalls)
	}

	// Unchanged re-crawl: only conditional requests, answered 304, and
	// nothing re-embedded.
	run = b.run(t)
	if run.Added+run.Changed != 0 || b.emb.calls.Load() != firstCalls {
		t.Fatalf("unchanged site: added %d, changed %d, %d embedding calls", run.Added, run.Changed, b.emb.calls.Load()-firstCalls)
	}
	read := map[string]bool{}
	for _, h := range first {
		read[h.path] = h.status == 200 && h.path != "/robots.txt" && h.path != "/ogromno" && h.path != "/sporo"
	}
	for _, h := range b.site.hits() {
		if read[h.path] {
			if !h.conditional || h.status != 304 {
				t.Errorf("re-crawl: %s conditional=%v status %d, want a conditional request answered 304", h.path, h.conditional, h.status)
			}
		}
	}

	// A changed page: only it is re-embedded.
	page := "/usluge/novcana-socijalna-pomoc.html"
	b.site.set(page, []byte(`<html><head><title>Novčana socijalna pomoć</title></head><body><main><h1>Novčana socijalna pomoć</h1>
<p>Od 1. marta 2026. zahtev za novčanu socijalnu pomoć podnosi se u Centru za socijalni rad Sombor, Staparski put 2a, radnim danima od 8 do 14 časova.</p></main></body></html>`))
	run = b.run(t)
	if got := b.emb.calls.Load() - firstCalls; got != 1 || run.Changed != 1 || run.Added != 0 {
		t.Fatalf("one page changed: %d embedding calls, changed %d, added %d", got, run.Changed, run.Added)
	}
	if got := b.outcome(t, run, page); got.Outcome != crawl.Changed {
		t.Errorf("changed page: %+v", got)
	}
	if hits := b.searchSources(t, "Staparski put 2a socijalna pomoć"); len(hits) == 0 || hits[0] != b.site.url(page) {
		t.Errorf("search after the change: %v", hits)
	}

	// A removed page: still searchable after the first 404, retired after
	// the second, and then search no longer returns it.
	gone := "/dokumenti/roditeljski-dodatak.pdf"
	b.site.set(gone, nil)
	const q = "roditeljski dodatak"
	run = b.run(t)
	if got := b.outcome(t, run, gone); got.Outcome != crawl.Missing {
		t.Fatalf("first 404: %+v", got)
	}
	if !slices.Contains(b.searchSources(t, q), b.site.url(gone)) {
		t.Fatalf("retired after one 404")
	}
	run = b.run(t)
	if got := b.outcome(t, run, gone); got.Outcome != crawl.Retired || run.Retired != 1 {
		t.Fatalf("second 404: %+v, retired %d", got, run.Retired)
	}
	if slices.Contains(b.searchSources(t, q), b.site.url(gone)) || slices.Contains(b.sources(t), b.site.url(gone)) {
		t.Fatalf("search still returns the retired document")
	}
	if run.Status != crawl.StatusOK {
		t.Errorf("status %s: %s", run.Status, run.Error)
	}

	// The runs are recorded, newest first, with their failures.
	runs, err := b.store.Runs(ctx, muni, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 5 || runs[0].Retired != 1 || runs[4].Added != int(firstCalls) || len(runs[0].Pages) == 0 {
		t.Errorf("recorded runs: %d, latest retired %d, first added %d", len(runs), runs[0].Retired, runs[4].Added)
	}
	// The ODT was read, not skipped (searching embeds, so it comes last).
	if hits := b.searchSources(t, "zakup grobnog mesta JKP Prostor"); len(hits) == 0 || hits[0] != b.site.url("/dokumenti/grobna-mesta.odt") {
		t.Errorf("the ODT document is not found: %v", hits)
	}
}

// TestSilentSiteKeepsIndex: a source whose server never answers fails
// with a reason and leaves the documents alone, even after many runs.
func TestSilentSiteKeepsIndex(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	if run := b.run(t); run.Added == 0 {
		t.Fatalf("nothing added: %+v", run)
	}
	before := b.sources(t)
	silent := silentServer(t)
	b.site.srv.Close() // the real site goes away as well
	for range 3 {
		run := b.run(t)
		if run.Status != crawl.StatusFailed || !strings.Contains(run.Error, "no start URL could be read") {
			t.Fatalf("site down: status %s, error %q", run.Status, run.Error)
		}
	}
	src := b.src
	src.Name, src.Start = "tihi", []string{silent}
	run, err := b.crawler.Run(context.Background(), src, b.runner, crawl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != crawl.StatusFailed || !strings.Contains(run.Error, "no complete answer") {
		t.Fatalf("silent server: status %s, error %q", run.Status, run.Error)
	}
	if after := b.sources(t); !slices.Equal(before, after) {
		t.Fatalf("documents changed: %v → %v", before, after)
	}
}

// TestDryRun reports what would change and changes nothing.
func TestDryRun(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	run, err := b.crawler.Run(context.Background(), b.src, b.runner, crawl.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if run.Added < 10 || b.emb.calls.Load() != 0 || len(b.sources(t)) != 0 {
		t.Fatalf("dry run: added %d, %d embedding calls, %d documents", run.Added, b.emb.calls.Load(), len(b.sources(t)))
	}
	if runs, _ := b.store.Runs(context.Background(), muni, 10); len(runs) != 0 {
		t.Fatalf("dry run recorded: %+v", runs)
	}
}

// TestPoliteDelay: requests to one host are spaced by the delay.
func TestPoliteDelay(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	const delay = 150 * time.Millisecond
	c, err := crawl.New(crawl.Config{Store: b.store, Delay: delay})
	if err != nil {
		t.Fatal(err)
	}
	src := b.src
	src.MaxPages = 4
	if _, err := c.Run(context.Background(), src, b.runner, crawl.Options{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	hits := b.site.hits()
	if len(hits) < 4 {
		t.Fatalf("%d requests", len(hits))
	}
	// The delay is booked before each request is sent. The server sees one
	// request late when the machine is busy, and the next one closer to it
	// by as much: each gap is held to half the delay, and the whole run,
	// where only its two ends carry that noise, to the delays it books.
	for i := 1; i < len(hits); i++ {
		if gap := hits[i].at.Sub(hits[i-1].at); gap < delay/2 {
			t.Errorf("request %d (%s) came %v after the previous one, want about %v", i, hits[i].path, gap, delay)
		}
	}
	if span, want := hits[len(hits)-1].at.Sub(hits[0].at), time.Duration(len(hits)-1)*delay; span < want-20*time.Millisecond {
		t.Errorf("%d requests in %v, want at least %v", len(hits), span, want)
	}
}
