package municipality

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Source is a web site the knowledge base follows: `serve` re-crawls it
// on its schedule and `mia ingest --sources` crawls it once (package
// crawl). Its documents are stored under their canonical URLs.
type Source struct {
	// Name keys the source's crawl state and runs; default: the host of
	// the first start URL.
	Name string `yaml:"name,omitempty"`
	// Start lists the URLs the crawl starts from: pages or sitemaps.
	Start []string `yaml:"start"`
	// Prefixes limit the pages followed to these URL paths ("/gradska-uprava/");
	// documents linked from a page in scope are fetched anywhere on the
	// site. Empty: the whole site.
	Prefixes []string `yaml:"prefixes,omitempty"`
	// Schedule is how often serve re-crawls, a duration such as "24h" or
	// "6h" (10m to 720h); empty: DefaultSourceSchedule.
	Schedule string `yaml:"schedule,omitempty"`
	MaxPages int    `yaml:"max_pages,omitempty"` // per run; 0: crawl's default (1000)
	MaxDepth int    `yaml:"max_depth,omitempty"` // links from a start URL; 0: crawl's default (5)
	// StaleAfterDays flags a document in the back-office when the site has
	// not served it for this many days; 0: DefaultStaleAfterDays.
	StaleAfterDays int `yaml:"stale_after_days,omitempty"`
}

// Defaults and bounds of a Source.
const (
	DefaultSourceSchedule = 24 * time.Hour
	MinSourceSchedule     = 10 * time.Minute
	MaxSourceSchedule     = 720 * time.Hour
	DefaultStaleAfterDays = 30
	maxSourcePages        = 100_000
	maxSourceDepth        = 50
)

// Interval returns how often the source is re-crawled.
func (s *Source) Interval() time.Duration {
	d, err := time.ParseDuration(s.Schedule)
	if err != nil || d <= 0 {
		return DefaultSourceSchedule
	}
	return d
}

// StaleAfter returns how long a document may go unseen before it is
// flagged stale.
func (s *Source) StaleAfter() time.Duration {
	days := s.StaleAfterDays
	if days == 0 {
		days = DefaultStaleAfterDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// Key returns Name, or the host of the first start URL.
func (s *Source) Key() string {
	if s.Name != "" {
		return s.Name
	}
	if len(s.Start) > 0 {
		if u, err := url.Parse(s.Start[0]); err == nil && u.Host != "" {
			return u.Host
		}
	}
	return ""
}

// ValidateSources reports every problem with the municipality's sources.
func (m *Municipality) ValidateSources() []error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	names := map[string]bool{}
	for i, s := range m.Sources {
		where := fmt.Sprintf("%s: sources[%d]", m.Slug, i)
		if len(s.Start) == 0 {
			bad("%s: start: give at least one http(s) URL", where)
		}
		for _, raw := range s.Start {
			if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad("%s: start %q: expected an absolute http(s) URL", where, raw)
			}
		}
		for _, p := range s.Prefixes {
			if !strings.HasPrefix(p, "/") {
				bad("%s: prefix %q: expected a URL path starting with /", where, p)
			}
		}
		if s.Schedule != "" {
			d, err := time.ParseDuration(s.Schedule)
			if err != nil || d < MinSourceSchedule || d > MaxSourceSchedule {
				bad("%s: schedule %q: expected a duration from %s to %s, such as 24h", where, s.Schedule, MinSourceSchedule, MaxSourceSchedule)
			}
		}
		if s.MaxPages < 0 || s.MaxPages > maxSourcePages {
			bad("%s: max_pages %d: expected 1 to %d (0 or absent: the default)", where, s.MaxPages, maxSourcePages)
		}
		if s.MaxDepth < 0 || s.MaxDepth > maxSourceDepth {
			bad("%s: max_depth %d: expected 1 to %d (0 or absent: the default)", where, s.MaxDepth, maxSourceDepth)
		}
		if s.StaleAfterDays < 0 || s.StaleAfterDays > 3650 {
			bad("%s: stale_after_days %d: expected 1 to 3650 (0 or absent: %d)", where, s.StaleAfterDays, DefaultStaleAfterDays)
		}
		if k := s.Key(); k != "" {
			if names[k] {
				bad("%s: name %q appears twice (give each source its own name)", where, k)
			}
			names[k] = true
		}
	}
	return errs
}
