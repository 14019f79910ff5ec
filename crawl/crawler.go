package crawl

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/miasrbija/mia/ingest"
)

// Defaults of Config and Source.
const (
	DefaultDelay            = time.Second
	DefaultRequestTimeout   = 20 * time.Second
	DefaultMaxBytes         = 50 << 20 // ingest.DefaultLimits' file size
	DefaultMaxQueryVariants = 20
	DefaultMaxPages         = 1000
	DefaultMaxDepth         = 5
	DefaultUserAgent        = "MIA-crawler/1.0 (municipal assistant; robots.txt token: mia)"
	// robotsToken is the product token robots.txt groups are matched by.
	robotsToken = "mia"
	// missesToRetire is how many runs in a row a page must answer 404 or
	// 410 before its document leaves search: one bad deploy of the site
	// must not cost the index a page.
	missesToRetire = 2
)

// Config configures a Crawler; zero fields take the defaults above.
type Config struct {
	Store Store // required
	// Delay is the time between two requests to one host (a longer
	// Crawl-delay of the site's robots.txt wins). Negative disables
	// pacing (tests and benchmarks against a local site).
	Delay time.Duration
	// RequestTimeout bounds one request, from connecting to the last byte.
	RequestTimeout time.Duration
	// MaxBytes is the largest body read; a larger one fails the URL.
	MaxBytes int64
	// MaxQueryVariants is how many query strings of one path are followed
	// in a run before the path is taken for a trap.
	MaxQueryVariants int
	UserAgent        string
	// Transport carries the requests; nil is http.DefaultTransport.
	Transport http.RoundTripper
	Now       func() time.Time
	Log       *slog.Logger
	// Progress is called after each URL; nil reports nothing.
	Progress func(Progress)
}

// Progress is reported after each URL of a run.
type Progress struct {
	Done    int // URLs handled
	Queued  int // URLs waiting
	Max     int // the run's MaxPages
	Elapsed time.Duration
}

// Source is one site to crawl for a municipality.
type Source struct {
	Municipality string
	Name         string   // stable key of the source's state and runs
	Start        []string // start URLs: pages or sitemaps
	// Prefixes limit the pages followed to these URL paths ("/gradska-uprava/");
	// documents (PDF, DOCX, ODT) linked from a page in scope are fetched
	// anywhere on the site. Empty: the whole site.
	Prefixes []string
	MaxPages int // URLs requested per run; default DefaultMaxPages
	MaxDepth int // links from a start URL; default DefaultMaxDepth
}

// Ingester stores what the crawler fetches: *ingest.Runner.
type Ingester interface {
	Prepare(ctx context.Context) error
	IngestRemote(ctx context.Context, d ingest.RemoteDocument) (ingest.FileResult, error)
	Retire(ctx context.Context, source string) error
	Finish(ctx context.Context) error
}

var _ Ingester = (*ingest.Runner)(nil)

// Options of one run.
type Options struct {
	// DryRun fetches (conditionally) and reports what would change, but
	// stores, retires and records nothing.
	DryRun bool
}

// Crawler walks sites. It is safe for one run at a time per source;
// the River job guarantees that.
type Crawler struct {
	cfg      Config
	client   *http.Client
	pacer    pacer
	requests atomic.Int64
}

// New returns a crawler; it fails without a store.
func New(cfg Config) (*Crawler, error) {
	if cfg.Store == nil {
		return nil, errors.New("crawl: a store is required")
	}
	if cfg.Delay == 0 {
		cfg.Delay = DefaultDelay
	}
	cfg.RequestTimeout = cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout)
	cfg.MaxBytes = cmp.Or(cfg.MaxBytes, DefaultMaxBytes)
	cfg.MaxQueryVariants = cmp.Or(cfg.MaxQueryVariants, DefaultMaxQueryVariants)
	cfg.UserAgent = cmp.Or(cfg.UserAgent, DefaultUserAgent)
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Log = cmp.Or(cfg.Log, slog.New(slog.DiscardHandler))
	return &Crawler{cfg: cfg, client: newClient(cfg.Transport)}, nil
}

// Run crawls src into ing and returns the run's record, which is stored
// (unless opts.DryRun). Problems of the site (a URL failing, the start
// URLs unreachable) are in the record, with Status failed when nothing
// could be read; the error is for what is not the site's fault: the
// database, the embedder, a cancelled ctx.
func (c *Crawler) Run(ctx context.Context, src Source, ing Ingester, opts Options) (*Run, error) {
	src.MaxPages = cmp.Or(src.MaxPages, DefaultMaxPages)
	src.MaxDepth = cmp.Or(src.MaxDepth, DefaultMaxDepth)
	run := &Run{Municipality: src.Municipality, Source: src.Name, DryRun: opts.DryRun, Status: StatusRunning,
		StartedAt: c.cfg.Now()}
	release, err := c.cfg.Store.Lock(ctx, src.Municipality, src.Name)
	if err != nil {
		return run, err
	}
	defer release()
	if !opts.DryRun {
		id, err := c.cfg.Store.StartRun(ctx, run)
		if err != nil {
			return run, err
		}
		run.ID = id
	}
	reqs := c.requests.Load()
	w := newWalk(c, src, ing, run, opts.DryRun)
	err = w.crawl(ctx)
	run.Requests = int(c.requests.Load() - reqs)
	run.FinishedAt = c.cfg.Now()
	run.Elapsed = run.FinishedAt.Sub(run.StartedAt)
	if err != nil {
		run.Status, run.Error = StatusFailed, oneLine(err.Error())
	} else if run.Status == StatusRunning {
		run.Status = StatusOK
	}
	if !opts.DryRun {
		// The record is written even when the run was cancelled.
		if ferr := c.cfg.Store.FinishRun(context.WithoutCancel(ctx), run); ferr != nil && err == nil {
			err = ferr
		}
	}
	c.cfg.Log.InfoContext(ctx, "crawl: run finished", "municipality", src.Municipality, "source", src.Name,
		"status", run.Status, "seen", run.Seen, "added", run.Added, "changed", run.Changed, "unchanged", run.Unchanged,
		"retired", run.Retired, "failed", run.Failed, "skipped", run.Skipped, "requests", run.Requests,
		"elapsed_ms", run.Elapsed.Milliseconds(), "error", run.Error)
	return run, err
}

// parseLastModified reads an HTTP date; zero when absent or malformed.
func parseLastModified(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := http.ParseTime(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// sameSite reports whether raw is a URL of the site of u.
func sameSite(raw string, u *url.URL) bool {
	v, ok := parseURL(raw)
	return ok && siteKey(v) == siteKey(u)
}

func oneLine(s string) string {
	b := []rune(s)
	for i, r := range b {
		if r == '\n' || r == '\r' || r == '\t' {
			b[i] = ' '
		}
	}
	if len(b) > 300 {
		b = append(b[:300], '…')
	}
	return string(b)
}
