package backoffice

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/municipality"
)

// CrawlRuns is what the sources page reads: the crawl runs and the state
// of crawled pages (postgres/crawlstore).
type CrawlRuns interface {
	Runs(ctx context.Context, municipality string, limit int) ([]crawl.Run, error)
	StalePages(ctx context.Context, municipality string, before time.Time) ([]crawl.Page, error)
}

// sourceRunsShown is how many recent runs the page lists.
const sourceRunsShown = 50

func (o *Office) registerSourceRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(o.requireAdmin)
		r.Get("/sources", o.handleSources)
	})
}

// sourceView is one configured source with its staleness threshold.
type sourceView struct {
	Source     municipality.Source
	Name       string
	Interval   time.Duration
	StaleAfter time.Duration
	LastRun    *crawl.Run
}

// handleSources lists the municipality's sources, their recent runs with
// the reasons of failed URLs, and the documents the site has not served
// for longer than their source's stale_after_days.
func (o *Office) handleSources(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	m, err := o.reg.Get(st.Municipality)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	data := map[string]any{"Title": "Izvori"}
	var views []sourceView
	for _, s := range m.Sources {
		views = append(views, sourceView{Source: s, Name: s.Key(), Interval: s.Interval(), StaleAfter: s.StaleAfter()})
	}
	if o.cfg.Crawl == nil {
		data["Sources"] = views
		o.render(w, r, http.StatusOK, "sources", data)
		return
	}
	runs, err := o.cfg.Crawl.Runs(r.Context(), m.Slug, sourceRunsShown)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	for i := range views {
		for j := range runs {
			if runs[j].Source == views[i].Name {
				views[i].LastRun = &runs[j]
				break
			}
		}
	}
	// The shortest threshold bounds the query; each page is then held to
	// its own source's.
	now := o.now()
	minStale := time.Duration(municipality.DefaultStaleAfterDays) * 24 * time.Hour
	after := map[string]time.Duration{}
	for _, v := range views {
		minStale = min(minStale, v.StaleAfter)
		after[v.Name] = v.StaleAfter
	}
	pages, err := o.cfg.Crawl.StalePages(r.Context(), m.Slug, now.Add(-minStale))
	if err != nil {
		o.fail(w, r, err)
		return
	}
	var stale []crawl.Page
	for _, p := range pages {
		limit, ok := after[p.Source]
		if !ok {
			limit = time.Duration(municipality.DefaultStaleAfterDays) * 24 * time.Hour
		}
		if p.LastSeen.Before(now.Add(-limit)) {
			stale = append(stale, p)
		}
	}
	data["Sources"], data["Runs"], data["Stale"] = views, runs, stale
	o.render(w, r, http.StatusOK, "sources", data)
}
