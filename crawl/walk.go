package crawl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// walk is the state of one run.
type walk struct {
	c     *Crawler
	src   Source
	ing   Ingester
	run   *Run
	dry   bool
	start time.Time

	known     map[string]*Page // stored state by URL
	byHash    map[string]string
	canonDone map[string]string // canonical → URL that stored it in this run
	queued    map[string]bool
	visited   map[string]bool
	noted     map[string]bool // off-site URLs and trapped paths already reported
	variants  map[string]map[string]bool
	robots    map[string]*robots
	sites     map[string]bool
	queue     []item
	retire    []*Page
	fetched   int
	startOK   bool
	startErrs []string
	changed   bool
	prepared  bool
}

type item struct {
	u     *url.URL
	depth int
	start bool
}

func newWalk(c *Crawler, src Source, ing Ingester, run *Run, dry bool) *walk {
	return &walk{c: c, src: src, ing: ing, run: run, dry: dry, start: time.Now(),
		known: map[string]*Page{}, byHash: map[string]string{}, canonDone: map[string]string{},
		queued: map[string]bool{}, visited: map[string]bool{}, noted: map[string]bool{},
		variants: map[string]map[string]bool{}, robots: map[string]*robots{}, sites: map[string]bool{}}
}

func (w *walk) crawl(ctx context.Context) error {
	pages, err := w.c.cfg.Store.Pages(ctx, w.src.Municipality, w.src.Name)
	if err != nil {
		return err
	}
	for i := range pages {
		p := &pages[i]
		w.known[p.URL] = p
		if !p.Retired && p.DuplicateOf == "" && p.ContentHash != "" && p.Format != "sitemap" {
			w.byHash[p.ContentHash] = p.Canonical
		}
	}
	for _, s := range w.src.Start {
		u, ok := parseURL(s)
		if !ok {
			w.startErrs = append(w.startErrs, s+": not an http(s) URL")
			continue
		}
		w.sites[siteKey(u)] = true
		w.push(item{u: u, start: true})
	}
	revisited := false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(w.queue) == 0 && !revisited {
			// Pages known from earlier runs but not linked any more are
			// asked again, so a removed page is noticed and retired.
			revisited = true
			for _, p := range pages {
				if u, ok := parseURL(p.URL); ok && !p.Retired && !w.visited[p.URL] && !w.queued[p.URL] && w.sites[siteKey(u)] {
					w.push(item{u: u, depth: p.Depth})
				}
			}
		}
		if len(w.queue) == 0 {
			break
		}
		if w.fetched >= w.src.MaxPages {
			w.result(PageResult{URL: w.queue[0].u.String(), Outcome: Skipped,
				Reason: fmt.Sprintf("max-pages %d reached; %d URLs not visited", w.src.MaxPages, len(w.queue))})
			break
		}
		it := w.queue[0]
		w.queue = w.queue[1:]
		if err := w.visit(ctx, it); err != nil {
			return err
		}
		if w.c.cfg.Progress != nil {
			w.c.cfg.Progress(Progress{Done: len(w.visited), Queued: len(w.queue), Max: w.src.MaxPages, Elapsed: time.Since(w.start)})
		}
	}
	return w.finish(ctx)
}

// push queues a URL found by the run; enqueue decides whether a link is
// worth it.
func (w *walk) push(it item) {
	k := it.u.String()
	if w.queued[k] || w.visited[k] {
		return
	}
	w.queued[k] = true
	w.queue = append(w.queue, it)
}

// enqueue follows a link of a page at depth from.
func (w *walk) enqueue(raw string, from int) {
	u, ok := parseURL(raw)
	if !ok {
		return
	}
	k := u.String()
	if w.queued[k] || w.visited[k] {
		return
	}
	if !w.sites[siteKey(u)] {
		if !w.noted[k] {
			w.noted[k] = true
			w.result(PageResult{URL: k, Outcome: Skipped, Reason: "off-site link, not followed"})
		}
		return
	}
	ext := linkExt(u)
	if skippedExts[ext] || from+1 > w.src.MaxDepth {
		return
	}
	if documentExts[ext] == "" && !inPrefixes(u, w.src.Prefixes) {
		return
	}
	if u.RawQuery != "" {
		pathKey := siteKey(u) + u.Path
		v := w.variants[pathKey]
		if v == nil {
			v = map[string]bool{}
			w.variants[pathKey] = v
		}
		if !v[u.RawQuery] && len(v) >= w.c.cfg.MaxQueryVariants {
			if !w.noted[pathKey] {
				w.noted[pathKey] = true
				w.result(PageResult{URL: k, Outcome: Skipped, Reason: fmt.Sprintf(
					"more than %d query variants of %s: taken for an endless calendar or filter, not followed", w.c.cfg.MaxQueryVariants, u.Path)})
			}
			return
		}
		v[u.RawQuery] = true
	}
	w.push(item{u: u, depth: from + 1})
}

func (w *walk) result(r PageResult) {
	switch r.Outcome {
	case Added:
		w.run.Added++
	case Changed:
		w.run.Changed++
	case Unchanged, Duplicate, Listed:
		w.run.Unchanged++
	case Retired:
		w.run.Retired++
	case Failed:
		w.run.Failed++
	case Skipped:
		w.run.Skipped++
	}
	w.run.Chunks += r.Chunks
	w.run.Pages = append(w.run.Pages, r)
	if r.Outcome == Failed {
		w.c.cfg.Log.Debug("crawl: failed", "url", r.URL, "reason", r.Reason)
	}
}

// robotsFor returns the rules of u's host, fetching robots.txt once per
// run. Its Sitemap lines are queued when the host is one of the source's.
func (w *walk) robotsFor(ctx context.Context, u *url.URL) (*robots, error) {
	key := u.Scheme + "://" + u.Host
	if r, ok := w.robots[key]; ok {
		return r, nil
	}
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	resp, err := w.c.fetch(ctx, ru, nil, w.delay(nil))
	var r *robots
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err == nil && resp.status == http.StatusOK:
		r = parseRobots(resp.body, robotsToken)
	case err == nil && resp.status >= 400 && resp.status < 500:
		r = &robots{} // no robots.txt: everything is allowed
	default:
		reason := "unreachable"
		if err != nil {
			reason = err.Error()
		} else {
			reason = fmt.Sprintf("HTTP %d", resp.status)
		}
		r = &robots{denyAll: true, why: reason}
		w.result(PageResult{URL: ru.String(), Outcome: Failed, Reason: "robots.txt: " + reason + "; the host is not crawled in this run"})
	}
	w.robots[key] = r
	for _, s := range r.sitemaps {
		if su, ok := parseURL(s); ok && w.sites[siteKey(su)] {
			w.push(item{u: su})
		}
	}
	return r, nil
}

func (w *walk) delay(r *robots) time.Duration {
	d := w.c.cfg.Delay
	if d < 0 {
		return 0
	}
	if r != nil && r.crawlDelay > d {
		return r.crawlDelay
	}
	return d
}

// visit fetches one URL and deals with the answer. Only failures that are
// not the site's come back as errors.
func (w *walk) visit(ctx context.Context, it item) error {
	k := it.u.String()
	w.visited[k] = true
	rb, err := w.robotsFor(ctx, it.u)
	if err != nil {
		return err
	}
	if !rb.allowed(it.u) {
		reason := "disallowed by robots.txt"
		if rb.denyAll {
			reason = "robots.txt could not be read (" + rb.why + "), so the host is not crawled"
		}
		w.result(PageResult{URL: k, Outcome: Skipped, Reason: reason})
		w.noteStart(it, reason)
		return nil
	}
	prev := w.known[k]
	w.fetched++
	resp, err := w.c.fetch(ctx, it.u, prev, w.delay(rb))
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		out := Failed
		if errors.Is(err, errOffsite) {
			out = Skipped
		}
		r := PageResult{URL: k, Outcome: out, Reason: oneLine(err.Error())}
		if resp != nil {
			r.Status = resp.status
		}
		w.result(r)
		w.noteStart(it, r.Reason)
		return nil
	}
	if resp.final != nil {
		if f, ok := parseURL(resp.final.String()); ok {
			w.visited[f.String()] = true
		}
	}
	switch {
	case resp.status == http.StatusNotModified && prev != nil:
		return w.notModified(ctx, it, prev)
	case resp.status == http.StatusNotFound || resp.status == http.StatusGone:
		return w.missing(ctx, it, prev, resp.status)
	case resp.status == http.StatusOK:
		w.run.Seen++
		if it.start {
			w.startOK = true
		}
		return w.read(ctx, it, prev, resp)
	}
	w.run.Seen++
	reason := fmt.Sprintf("HTTP %d %s", resp.status, http.StatusText(resp.status))
	w.result(PageResult{URL: k, Outcome: Failed, Status: resp.status, Reason: reason})
	w.noteStart(it, reason)
	return nil
}

func (w *walk) noteStart(it item, reason string) {
	if it.start {
		w.startErrs = append(w.startErrs, it.u.String()+": "+reason)
	}
}

// notModified: the page is as stored; its stored links stand in for
// reading it again.
func (w *walk) notModified(ctx context.Context, it item, prev *Page) error {
	w.run.Seen++
	if it.start {
		w.startOK = true
	}
	prev.Misses, prev.LastSeen = 0, w.c.cfg.Now()
	w.result(PageResult{URL: prev.URL, Canonical: prev.Canonical, Outcome: Unchanged, Status: http.StatusNotModified})
	if prev.DuplicateOf == "" && prev.Canonical != "" {
		w.canonDone[prev.Canonical] = prev.URL
	}
	for _, l := range prev.Links {
		if prev.Format == "sitemap" {
			w.enqueue(l, it.depth-1)
		} else {
			w.enqueue(l, it.depth)
		}
	}
	return w.save(ctx, prev)
}

// missing counts a 404/410 of a page with a document; the second in a row
// retires it at the end of the run.
func (w *walk) missing(ctx context.Context, it item, prev *Page, status int) error {
	w.run.Seen++
	reason := fmt.Sprintf("not found (HTTP %d)", status)
	w.noteStart(it, reason)
	if prev == nil || prev.Retired {
		w.result(PageResult{URL: it.u.String(), Outcome: Failed, Status: status, Reason: reason})
		return nil
	}
	prev.Misses++
	if prev.Misses >= missesToRetire {
		w.retire = append(w.retire, prev)
		return nil
	}
	w.result(PageResult{URL: prev.URL, Canonical: prev.Canonical, Outcome: Missing, Status: status,
		Reason: fmt.Sprintf("%s, %d of %d before it is retired", reason, prev.Misses, missesToRetire)})
	return w.save(ctx, prev)
}

// read handles a 200: a sitemap is listed, a document is stored unless it
// is one already stored under another URL.
func (w *walk) read(ctx context.Context, it item, prev *Page, resp *response) error {
	k := it.u.String()
	now := w.c.cfg.Now()
	sum := sha256.Sum256(resp.body)
	hash := hex.EncodeToString(sum[:])
	final := it.u
	if f, ok := parseURL(resp.final.String()); ok {
		final = f
	}
	page := Page{Municipality: w.src.Municipality, Source: w.src.Name, URL: k, Canonical: final.String(),
		ETag: resp.etag, LastModified: resp.lastModified, ContentHash: hash, Depth: it.depth,
		FirstSeen: now, LastSeen: now}
	if prev != nil {
		page.FirstSeen, page.LastChanged = prev.FirstSeen, prev.LastChanged
	}
	format, media := formatOf(resp.contentType, final)
	switch format {
	case "":
		w.result(PageResult{URL: k, Outcome: Skipped, Status: resp.status, Reason: fmt.Sprintf("not a document MIA reads (%s)", cmpStr(media, "no Content-Type"))})
		return nil
	case "xml":
		locs, err := parseSitemap(resp.body)
		if err != nil {
			w.result(PageResult{URL: k, Outcome: Skipped, Status: resp.status, Reason: "XML that is not a sitemap"})
			return nil
		}
		page.Format, page.Links = "sitemap", locs
		for _, l := range locs {
			w.enqueue(l, it.depth-1) // a sitemap's URLs are as near as the sitemap
		}
		w.result(PageResult{URL: k, Outcome: Listed, Status: resp.status, Reason: fmt.Sprintf("%d URLs", len(locs))})
		return w.save(ctx, &page)
	}
	page.Format = format
	noindex := false
	if format == "html" {
		pl := extractLinks(resp.body, final)
		if pl.canonical != "" && sameSite(pl.canonical, final) {
			page.Canonical = pl.canonical
		}
		page.Links = pl.links
		noindex = pl.noindex
		if !pl.nofollow {
			for _, l := range pl.links {
				w.enqueue(l, it.depth)
			}
		}
	}
	res := PageResult{URL: k, Canonical: page.Canonical, Status: resp.status}
	switch other := w.canonDone[page.Canonical]; {
	case noindex:
		res.Outcome, res.Reason = Skipped, "the page asks not to be indexed (meta robots noindex)"
	case other != "" && other != k:
		res.Outcome, res.Reason = Duplicate, "same document as "+other
		page.DuplicateOf = other
	case w.byHash[hash] != "" && w.byHash[hash] != page.Canonical:
		res.Outcome, res.Reason = Duplicate, "same content as "+w.byHash[hash]
		page.DuplicateOf = w.byHash[hash]
	default:
		if err := w.store(ctx, &page, prev, resp, &res); err != nil {
			return err
		}
	}
	w.result(res)
	return w.save(ctx, &page)
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
