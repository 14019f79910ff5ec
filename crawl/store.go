package crawl

import (
	"context"
	"errors"
	"time"
)

// ErrBusy: another run of the source holds its lock.
var ErrBusy = errors.New("another run of this source is in progress")

// Page is the crawl state of one URL of a source.
type Page struct {
	Municipality string
	Source       string // the sources: entry's name
	URL          string // as requested, normalised
	Canonical    string // the identity its document is stored under
	ETag         string
	LastModified string // the Last-Modified header as sent
	ContentHash  string // SHA-256 of the bytes served
	Format       string // "html", "pdf", "docx", "odt", "sitemap"
	Links        []string
	Depth        int
	Misses       int  // consecutive runs answering 404/410
	Retired      bool // removed from search after missing twice
	DuplicateOf  string
	FirstSeen    time.Time
	LastSeen     time.Time // last run it answered 200 or 304
	LastChanged  time.Time // Last-Modified when given, else the run that saw new bytes
}

// Outcome is what a run did with one URL.
type Outcome string

// Outcomes of a URL in a run.
const (
	Added     Outcome = "added"
	Changed   Outcome = "changed"
	Unchanged Outcome = "unchanged" // 304, or the same bytes
	Duplicate Outcome = "duplicate" // same bytes or canonical as another URL
	Missing   Outcome = "missing"   // 404/410 once; retired at the second
	Retired   Outcome = "retired"
	Failed    Outcome = "failed"
	Skipped   Outcome = "skipped" // robots.txt, off-site, trap, not a document
	Listed    Outcome = "listed"  // a sitemap read for its URLs
)

// PageResult is one URL's line in a run's report.
type PageResult struct {
	URL       string  `json:"url"`
	Canonical string  `json:"canonical,omitempty"`
	Outcome   Outcome `json:"outcome"`
	Reason    string  `json:"reason,omitempty"`
	Status    int     `json:"status,omitempty"`
	Chunks    int     `json:"chunks,omitempty"`
}

// Run statuses.
const (
	StatusRunning = "running"
	StatusOK      = "ok"
	StatusFailed  = "failed"
)

// Run is the record of one crawl of a source.
type Run struct {
	ID           int64         `json:"id"`
	Municipality string        `json:"municipality"`
	Source       string        `json:"source"`
	DryRun       bool          `json:"dry_run,omitempty"`
	Status       string        `json:"status"`
	Error        string        `json:"error,omitempty"`
	StartedAt    time.Time     `json:"started_at"`
	FinishedAt   time.Time     `json:"finished_at"`
	Seen         int           `json:"seen"` // URLs that answered
	Unchanged    int           `json:"unchanged"`
	Changed      int           `json:"changed"`
	Added        int           `json:"added"`
	Retired      int           `json:"retired"`
	Failed       int           `json:"failed"`
	Skipped      int           `json:"skipped"`
	Requests     int           `json:"requests"`
	Chunks       int           `json:"chunks"`
	Elapsed      time.Duration `json:"elapsed_ns"`
	Pages        []PageResult  `json:"pages"`
}

// Failures returns the failed and skipped lines of the run.
func (r *Run) Failures() []PageResult {
	var out []PageResult
	for _, p := range r.Pages {
		if p.Outcome == Failed || p.Outcome == Skipped {
			out = append(out, p)
		}
	}
	return out
}

// Store keeps crawl state and run records. postgres/crawlstore implements
// it.
type Store interface {
	// Pages returns the state of every URL of a municipality's source.
	Pages(ctx context.Context, municipality, source string) ([]Page, error)
	// SavePage inserts or replaces the state of p.URL.
	SavePage(ctx context.Context, p Page) error
	// StartRun records a run as running and returns its id.
	StartRun(ctx context.Context, r *Run) (int64, error)
	// FinishRun records a run's outcome and counts (by r.ID).
	FinishRun(ctx context.Context, r *Run) error
	// Runs returns a municipality's latest runs, newest first, with their
	// failed and skipped pages only.
	Runs(ctx context.Context, municipality string, limit int) ([]Run, error)
	// Lock takes the source's run lock, held until release is called or
	// the process dies; ErrBusy when another run holds it. A queue that
	// takes a long crawl for stuck and starts it again cannot crawl one
	// site twice at once.
	Lock(ctx context.Context, municipality, source string) (release func(), err error)
	// StalePages returns the municipality's live documents (not retired,
	// not duplicates) last seen before before, oldest first.
	StalePages(ctx context.Context, municipality string, before time.Time) ([]Page, error)
}
