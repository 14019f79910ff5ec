package llm

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Defaults used by RetryingDoer when the corresponding field is zero.
const (
	DefaultRetryBaseDelay = 500 * time.Millisecond
	DefaultRetryMaxDelay  = 20 * time.Second
)

// drainLimit bounds how much of a failed response we read so the connection
// can be reused; past it, closing is cheaper than reading.
const drainLimit = 64 << 10

// HTTPDoer is the one method go-openai needs from an HTTP client.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// RetryEvent describes one failed attempt that is about to be retried.
type RetryEvent struct {
	Attempt    int           // 1-based number of the attempt that failed
	StatusCode int           // HTTP status of the failed attempt; 0 for a transport error
	Err        error         // transport error; nil when the server answered
	Delay      time.Duration // planned wait before the next attempt
	RetryAfter bool          // Delay comes from the server's Retry-After header
}

// RetryingDoer wraps an HTTP client and repeats requests that failed with
// 429, a 5xx status (except 501) or a transport error, waiting with
// exponential backoff and jitter, or as long as Retry-After asks, capped at
// MaxDelay. It is meant as openai.ClientConfig.HTTPClient.
//
// Any other answer, in particular every 2xx, is returned at once: a stream
// whose headers arrived is never repeated. When retries run out the last
// response is returned unread, so the caller (go-openai) can turn its body
// into an *openai.APIError or *openai.RequestError.
//
// The zero value is usable and does not retry. Set the fields before first
// use; afterwards a RetryingDoer is safe for concurrent use.
type RetryingDoer struct {
	// Doer sends each attempt. nil means http.DefaultClient.
	Doer HTTPDoer
	// MaxRetries is the number of attempts after the first; 0 or less
	// means none.
	MaxRetries int
	// BaseDelay is the backoff before the first retry; it doubles on each
	// retry. 0 means DefaultRetryBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps every wait, including one asked for by Retry-After.
	// 0 means DefaultRetryMaxDelay.
	MaxDelay time.Duration
	// OnRetry, if set, is called before each wait. Tests use it to see the
	// planned delays; production code can log or count.
	OnRetry func(RetryEvent)

	attempts atomic.Int64

	// sleep and now are replaced in tests; nil means the real clock.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
}

var _ HTTPDoer = (*RetryingDoer)(nil)

// Attempts returns how many HTTP attempts the doer has made in total.
func (d *RetryingDoer) Attempts() int64 { return d.attempts.Load() }

// Do sends req, retrying as described on RetryingDoer. A request with a body
// is only retried if req.GetBody is set (http.NewRequest sets it for in-memory
// bodies), because the body must be sent again.
func (d *RetryingDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	doer := d.Doer
	if doer == nil {
		doer = http.DefaultClient
	}
	canResend := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil

	for attempt := 1; ; attempt++ {
		d.attempts.Add(1)
		resp, err := doer.Do(req)

		if !d.shouldRetry(ctx, resp, err) || attempt > d.MaxRetries || !canResend {
			return resp, err
		}

		ev := RetryEvent{Attempt: attempt, Err: err}
		ev.Delay = d.backoff(attempt)
		if resp != nil {
			ev.StatusCode = resp.StatusCode
			if ra, ok := d.retryAfter(resp.Header.Get("Retry-After")); ok {
				ev.Delay, ev.RetryAfter = min(ra, d.maxDelay()), true
			}
			// The failed answer is discarded; read a little so the
			// keep-alive connection can be reused.
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
			_ = resp.Body.Close()
		}
		if d.OnRetry != nil {
			d.OnRetry(ev)
		}
		if err := d.wait(ctx, ev.Delay); err != nil {
			return nil, err
		}

		next, err := nextAttempt(req)
		if err != nil {
			return nil, err
		}
		req = next
	}
}

// shouldRetry reports whether an attempt failed in a way that another
// attempt may fix. Nothing is retried once the caller's context is done.
func (d *RetryingDoer) shouldRetry(ctx context.Context, resp *http.Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if err != nil {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	code := resp.StatusCode
	return code == http.StatusTooManyRequests ||
		(code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported)
}

// backoff returns the wait after the given failed attempt: BaseDelay·2^(n-1)
// capped at MaxDelay, then "equal jitter" (between half and all of it) so
// that clients who failed together do not retry together.
func (d *RetryingDoer) backoff(attempt int) time.Duration {
	base := d.BaseDelay
	if base <= 0 {
		base = DefaultRetryBaseDelay
	}
	capd := d.maxDelay()
	delay := base
	for i := 1; i < attempt && delay < capd; i++ {
		delay *= 2
	}
	delay = min(delay, capd)
	half := delay / 2
	return half + rand.N(delay-half+1)
}

func (d *RetryingDoer) maxDelay() time.Duration {
	if d.MaxDelay <= 0 {
		return DefaultRetryMaxDelay
	}
	return d.MaxDelay
}

// retryAfter parses a Retry-After value: delta-seconds or an HTTP date
// (RFC 9110 §10.2.3). A date in the past means "now".
func (d *RetryingDoer) retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Clamp before multiplying so huge values cannot overflow.
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	now := time.Now
	if d.now != nil {
		now = d.now
	}
	return max(t.Sub(now()), 0), true
}

// wait sleeps for delay or until ctx is done, whichever comes first.
func (d *RetryingDoer) wait(ctx context.Context, delay time.Duration) error {
	if d.sleep != nil {
		return d.sleep(ctx, delay)
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// nextAttempt clones req with a fresh copy of its body: the transport has
// consumed and closed the previous one.
func nextAttempt(req *http.Request) (*http.Request, error) {
	next := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return next, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	next.Body = body
	return next, nil
}
