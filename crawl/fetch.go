package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// response is one fetched URL.
type response struct {
	status       int
	final        *url.URL // after redirects
	etag         string
	lastModified string
	contentType  string
	location     string // a redirect that was not followed (off-site)
	body         []byte
}

// errOffsite: a redirect leads off the site; it is not followed.
var errOffsite = errors.New("redirects off the site")

const maxRedirects = 5

// newClient returns the crawler's HTTP client: redirects within the site
// are followed (up to maxRedirects), redirects off it are returned as
// they are. Timeouts come from each request's context.
func newClient(base http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: base,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if siteKey(req.URL) != siteKey(via[0].URL) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
}

// pacer spaces requests to each host.
type pacer struct {
	mu   sync.Mutex
	next map[string]time.Time
}

// wait blocks until the host may be asked again and books the slot after
// this request; delay <= 0 never waits.
func (p *pacer) wait(ctx context.Context, host string, delay time.Duration) error {
	if delay <= 0 {
		return nil
	}
	p.mu.Lock()
	if p.next == nil {
		p.next = map[string]time.Time{}
	}
	now := time.Now()
	at := p.next[host]
	if at.Before(now) {
		at = now
	}
	p.next[host] = at.Add(delay)
	p.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// fetch GETs u, conditionally when prev has validators, under the
// per-request timeout and size cap. A non-nil error is a one-line reason
// (timeout, refused connection, too large, redirect loop); HTTP error
// statuses come back as responses.
func (c *Crawler) fetch(ctx context.Context, u *url.URL, prev *Page, delay time.Duration) (*response, error) {
	if err := c.pacer.wait(ctx, u.Host, delay); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf,application/xml;q=0.9,*/*;q=0.8")
	if prev != nil && !prev.Retired {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	c.requests.Add(1)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, c.reason(ctx, rctx, err)
	}
	defer resp.Body.Close()
	r := &response{status: resp.StatusCode, final: resp.Request.URL, etag: resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"), contentType: resp.Header.Get("Content-Type")}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.StatusCode != http.StatusNotModified {
		r.location = resp.Header.Get("Location")
		return r, fmt.Errorf("%w (%s)", errOffsite, r.location)
	}
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return r, nil
	}
	if resp.ContentLength > c.cfg.MaxBytes {
		return r, fmt.Errorf("too large: %d bytes, the limit is %d", resp.ContentLength, c.cfg.MaxBytes)
	}
	r.body, err = io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBytes+1))
	if err != nil {
		return r, c.reason(ctx, rctx, err)
	}
	if int64(len(r.body)) > c.cfg.MaxBytes {
		return r, fmt.Errorf("too large: over %d bytes", c.cfg.MaxBytes)
	}
	return r, nil
}

// reason turns a transport error into a short reason; the run's own
// cancellation passes through unchanged so the caller stops.
func (c *Crawler) reason(ctx, rctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no complete answer within %s", c.cfg.RequestTimeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("request failed: %v", err)
}

// formatOf decides what a fetched body is: from its Content-Type, and for
// generic types from the URL's extension. "" means not a document MIA
// reads; the media type is returned for the reason.
func formatOf(contentType string, u *url.URL) (format, media string) {
	media, _, _ = mime.ParseMediaType(contentType)
	media = strings.ToLower(media)
	switch media {
	case "text/html", "application/xhtml+xml":
		return "html", media
	case "application/pdf":
		return "pdf", media
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return "docx", media
	case "application/vnd.oasis.opendocument.text":
		return "odt", media
	case "application/xml", "text/xml":
		return "xml", media
	case "text/plain":
		if linkExt(u) == ".xml" {
			return "xml", media
		}
		return "txt", media
	case "text/markdown":
		return "md", media
	case "", "application/octet-stream", "binary/octet-stream", "application/force-download", "application/download":
		if f := documentExts[linkExt(u)]; f != "" {
			return f, media
		}
		if linkExt(u) == ".xml" {
			return "xml", media
		}
	}
	return "", media
}
