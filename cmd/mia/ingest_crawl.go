package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/crawlstore"
	"github.com/miasrbija/mia/postgres/docstore"

	"github.com/schollz/progressbar/v3"
)

// crawlFlags are ingest's flags for crawling.
type crawlFlags struct {
	sources  bool
	maxPages int
	maxDepth int
	prefixes []string
	dryRun   bool
}

func bindCrawlFlags(fs *flag.FlagSet) *crawlFlags {
	f := &crawlFlags{}
	fs.BoolVar(&f.sources, "sources", false, "crawl the municipality's sources (municipalities file) once")
	fs.IntVar(&f.maxPages, "max-pages", 0, "URLs requested per site (default: the source's, else 1000)")
	fs.IntVar(&f.maxDepth, "max-depth", 0, "links followed from a start URL (default: the source's, else 5)")
	fs.Func("prefix", "follow only pages under this URL path, e.g. /gradska-uprava/ (repeatable)", func(v string) error {
		if !strings.HasPrefix(v, "/") {
			return fmt.Errorf("%q: expected a URL path starting with /", v)
		}
		f.prefixes = append(f.prefixes, v)
		return nil
	})
	fs.BoolVar(&f.dryRun, "dry-run", false, "with URLs or --sources: list what would change, change nothing")
	return f
}

// crawlArgs splits ingest's arguments: all URLs (a crawl) or all paths.
func crawlArgs(args []string, f *crawlFlags) ([]string, error) {
	var urls []string
	for _, a := range args {
		if strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://") {
			urls = append(urls, a)
		}
	}
	if len(urls) > 0 && len(urls) != len(args) {
		return nil, usageError{"give either paths or URLs, not both"}
	}
	if len(urls) == 0 && !f.sources && (f.dryRun || f.maxPages != 0 || f.maxDepth != 0 || len(f.prefixes) > 0) {
		return nil, usageError{"--dry-run, --max-pages, --max-depth and --prefix apply to URLs and --sources only"}
	}
	if f.maxPages < 0 || f.maxDepth < 0 {
		return nil, usageError{"--max-pages and --max-depth must not be negative"}
	}
	if len(urls) > 0 {
		src := municipality.Source{Start: urls}
		m := municipality.Municipality{Slug: "cli", Sources: []municipality.Source{src}}
		for _, err := range m.ValidateSources() {
			return nil, usageError{strings.TrimPrefix(err.Error(), "cli: sources[0]: ")}
		}
	}
	return urls, nil
}

// runCrawl crawls the URLs given, or every configured source, into r.
func runCrawl(ctx context.Context, e *env, c *Config, db *postgres.DB, m *municipality.Municipality, r *ingest.Runner,
	urls []string, f *crawlFlags, asJSON bool) error {
	var sources []crawl.Source
	if len(urls) > 0 {
		src := municipality.Source{Start: urls}
		// Ad-hoc URLs share the state of a configured source of the same
		// name (the first URL's host), so either re-crawls cheaply.
		for _, s := range m.Sources {
			if s.Key() == src.Key() {
				src.MaxPages, src.MaxDepth, src.Prefixes = s.MaxPages, s.MaxDepth, s.Prefixes
			}
		}
		sources = append(sources, crawl.FromConfig(m.Slug, src))
	} else {
		for _, s := range m.Sources {
			sources = append(sources, crawl.FromConfig(m.Slug, s))
		}
		if len(sources) == 0 {
			return fmt.Errorf("%s has no sources in the municipalities file", m.Slug)
		}
	}
	cfg := crawl.Config{Store: crawlstore.New(db), Delay: c.CrawlDelay, Log: c.logger(io.Discard)}
	var progress *crawlProgress
	if isTerminal(e.stderr) && !asJSON {
		progress = &crawlProgress{w: e.stderr}
		cfg.Progress = progress.update
	}
	crawler, err := crawl.New(cfg)
	if err != nil {
		return err
	}
	var runs []*crawl.Run
	var failed []string
	for _, src := range sources {
		if f.maxPages > 0 {
			src.MaxPages = f.maxPages
		}
		if f.maxDepth > 0 {
			src.MaxDepth = f.maxDepth
		}
		if len(f.prefixes) > 0 {
			src.Prefixes = f.prefixes
		}
		run, err := crawler.Run(ctx, src, r, crawl.Options{DryRun: f.dryRun})
		if progress != nil {
			progress.finish()
		}
		if run != nil {
			runs = append(runs, run)
		}
		if err != nil {
			printRuns(e.stdout, runs, asJSON)
			return err
		}
		if run.Status == crawl.StatusFailed {
			failed = append(failed, src.Name+": "+run.Error)
		}
	}
	if err := printRuns(e.stdout, runs, asJSON); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d sources failed: %s", len(failed), len(runs), strings.Join(failed, "; "))
	}
	return nil
}

// printRuns writes each run's failed and skipped URLs (and, in a dry run,
// what would change), then a one-line summary; or the runs as JSON.
func printRuns(w io.Writer, runs []*crawl.Run, asJSON bool) error {
	if asJSON {
		return newPrinter(w, true).encode(runs)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, run := range runs {
		for _, p := range run.Pages {
			show := p.Outcome == crawl.Failed || p.Outcome == crawl.Skipped || p.Outcome == crawl.Missing || p.Outcome == crawl.Retired
			if run.DryRun {
				show = show || p.Outcome == crawl.Added || p.Outcome == crawl.Changed
			}
			if show {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(p.Outcome)), p.URL, p.Reason)
			}
		}
		rate := float64(run.Seen) / max(run.Elapsed.Seconds(), 1e-9)
		dry := ""
		if run.DryRun {
			dry = " (dry run: nothing changed)"
		}
		fmt.Fprintf(tw, "%s %s: seen %d, added %d, changed %d, unchanged %d, retired %d, failed %d, skipped %d; %d requests, %d chunks in %.1fs (%.1f pages/s)%s\n",
			run.Status, run.Source, run.Seen, run.Added, run.Changed, run.Unchanged, run.Retired, run.Failed, run.Skipped,
			run.Requests, run.Chunks, run.Elapsed.Seconds(), rate, dry)
		if run.Error != "" {
			fmt.Fprintf(tw, "  %s\n", run.Error)
		}
	}
	return tw.Flush()
}

// crawlProgress draws one bar per source run: pages done out of those
// known so far (the queue grows as pages are read), and the rate.
type crawlProgress struct {
	w    io.Writer
	bar  *progressbar.ProgressBar
	done int
}

func (c *crawlProgress) update(p crawl.Progress) {
	if c.bar == nil {
		c.bar = progressbar.NewOptions(1, progressbar.OptionSetWriter(c.w), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("pages"),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(c.w) }))
	}
	// One more than done until the run ends: a bar that reaches its
	// total finishes for good, and the queue may still grow.
	total := min(p.Done+p.Queued, max(p.Max, p.Done))
	c.bar.ChangeMax(max(total, p.Done+1))
	c.bar.Set(p.Done)
	c.done = p.Done
}

// finish shows the run's last count as its total, ends the line, and
// starts afresh for the next source.
func (c *crawlProgress) finish() {
	if c.bar == nil {
		return
	}
	c.bar.ChangeMax(max(c.done, 1)) // reaching the total ends the line
	if !c.bar.IsFinished() {
		c.bar.Exit() // nothing done: just end the line
	}
	c.bar, c.done = nil, 0
}

// crawlJobConfig wires serve's periodic re-crawl of the sources.
func crawlJobConfig(c *Config, db *postgres.DB, reg *municipality.Registry, log *slog.Logger) (crawl.JobConfig, error) {
	emb, err := c.embedder()
	if err != nil {
		return crawl.JobConfig{}, err
	}
	crawler, err := crawl.New(crawl.Config{Store: crawlstore.New(db), Delay: c.CrawlDelay, Log: log})
	if err != nil {
		return crawl.JobConfig{}, err
	}
	docs := docstore.New(db)
	return crawl.JobConfig{Crawler: crawler, Municipalities: reg, Log: log, Ingester: func(slug string) crawl.Ingester {
		return &ingest.Runner{Store: docs, Embedder: emb, Municipality: slug, Limits: ingest.DefaultLimits(), Log: log}
	}}, nil
}
