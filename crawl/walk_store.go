package crawl

import (
	"context"
	"fmt"
	"strings"

	"github.com/miasrbija/mia/ingest"
)

// store hands the document to ingest (or, in a dry run, says what would
// happen) and settles the page's change date.
func (w *walk) store(ctx context.Context, page, prev *Page, resp *response, res *PageResult) error {
	w.canonDone[page.Canonical] = page.URL
	w.byHash[page.ContentHash] = page.Canonical
	fresh := prev == nil || prev.Retired || prev.DuplicateOf != ""
	if w.dry {
		switch {
		case fresh:
			res.Outcome, res.Reason = Added, "would be added"
		case prev.ContentHash != page.ContentHash || prev.Canonical != page.Canonical:
			res.Outcome, res.Reason = Changed, "would be re-indexed"
		default:
			res.Outcome = Unchanged
		}
		return nil
	}
	if !w.prepared {
		if err := w.ing.Prepare(ctx); err != nil {
			return err
		}
		w.prepared = true
	}
	fr, err := w.ing.IngestRemote(ctx, ingest.RemoteDocument{Source: page.Canonical, URL: page.Canonical,
		Format: page.Format, Data: resp.body, LastModified: parseLastModified(resp.lastModified)})
	if err != nil {
		return err
	}
	res.Chunks, res.Reason = fr.Chunks, fr.Reason
	switch fr.Outcome {
	case ingest.Added, ingest.Updated:
		res.Outcome = Changed
		if fr.Outcome == ingest.Added {
			res.Outcome = Added
		}
		w.changed = true
		page.LastChanged = w.c.cfg.Now()
		if t := parseLastModified(resp.lastModified); !t.IsZero() {
			page.LastChanged = t
		}
	case ingest.Unchanged:
		res.Outcome = Unchanged
	case ingest.Skipped:
		res.Outcome = Skipped
	default:
		res.Outcome = Failed
		// A page that cannot be read keeps no validators, so the next run
		// reads it again rather than taking a 304 for success.
		delete(w.byHash, page.ContentHash)
		delete(w.canonDone, page.Canonical)
		page.ETag, page.LastModified, page.ContentHash = "", "", ""
	}
	return nil
}

func (w *walk) save(ctx context.Context, p *Page) error {
	if w.dry {
		return nil
	}
	p.Municipality, p.Source = w.src.Municipality, w.src.Name
	w.known[p.URL] = p
	return w.c.cfg.Store.SavePage(ctx, *p)
}

// finish retires the pages missing twice, unless the run looks like the
// site (not its pages) failing, then refreshes the vocabulary.
func (w *walk) finish(ctx context.Context) error {
	if !w.startOK {
		w.run.Status = StatusFailed
		w.run.Error = "no start URL could be read, nothing retired: " + oneLine(strings.Join(w.startErrs, "; "))
		for _, p := range w.retire {
			w.result(PageResult{URL: p.URL, Canonical: p.Canonical, Outcome: Missing, Reason: "not found again; not retired while the site fails"})
			if err := w.save(ctx, p); err != nil {
				return err
			}
		}
		return w.refresh(ctx)
	}
	live := 0
	for _, p := range w.known {
		if !p.Retired && p.DuplicateOf == "" && p.Format != "sitemap" {
			live++
		}
	}
	if len(w.retire) > max(2, live/2) {
		w.run.Status = StatusFailed
		w.run.Error = fmt.Sprintf("%d of %d pages are gone at once: none retired (is the site broken?)", len(w.retire), live)
		for _, p := range w.retire {
			w.result(PageResult{URL: p.URL, Canonical: p.Canonical, Outcome: Missing, Reason: "not found again; not retired, too many at once"})
			if err := w.save(ctx, p); err != nil {
				return err
			}
		}
		return w.refresh(ctx)
	}
	for _, p := range w.retire {
		res := PageResult{URL: p.URL, Canonical: p.Canonical, Outcome: Retired, Reason: fmt.Sprintf("not found in %d runs in a row", p.Misses)}
		if w.dry {
			res.Reason = "would be retired: " + res.Reason
			w.result(res)
			continue
		}
		if !w.canonicalLive(p) {
			if err := w.ing.Retire(ctx, p.Canonical); err != nil {
				return err
			}
			w.changed = true
		}
		p.Retired = true
		w.result(res)
		if err := w.save(ctx, p); err != nil {
			return err
		}
	}
	return w.refresh(ctx)
}

// canonicalLive reports whether another URL still serves p's document.
func (w *walk) canonicalLive(p *Page) bool {
	for _, o := range w.known {
		if o.URL != p.URL && o.Canonical == p.Canonical && !o.Retired && o.Misses == 0 && o.DuplicateOf == "" && o.ContentHash != "" {
			return true
		}
	}
	return false
}

func (w *walk) refresh(ctx context.Context) error {
	if w.dry || !w.changed {
		return nil
	}
	return w.ing.Finish(ctx)
}
