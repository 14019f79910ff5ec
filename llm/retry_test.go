package llm

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// doerFunc adapts a function to HTTPDoer.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// retryBundle is a server that answers with statuses[i] on call i (the last
// one repeats) and records each request body.
type retryBundle struct {
	srv    *httptest.Server
	doer   *RetryingDoer
	mu     sync.Mutex
	bodies []string
	events []RetryEvent
}

func setupRetry(t *testing.T, statuses ...int) *retryBundle {
	t.Helper()
	b := &retryBundle{}
	var calls atomic.Int64
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.bodies = append(b.bodies, string(body))
		b.mu.Unlock()
		n := int(calls.Add(1)) - 1
		code := statuses[min(n, len(statuses)-1)]
		w.WriteHeader(code)
		_, _ = io.WriteString(w, http.StatusText(code))
	}))
	t.Cleanup(b.srv.Close)
	b.doer = &RetryingDoer{
		Doer:       b.srv.Client(),
		MaxRetries: 3,
		BaseDelay:  time.Millisecond,
		MaxDelay:   4 * time.Millisecond,
		OnRetry: func(ev RetryEvent) {
			b.mu.Lock()
			b.events = append(b.events, ev)
			b.mu.Unlock()
		},
	}
	return b
}

func (b *retryBundle) post(t *testing.T, ctx context.Context, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.srv.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return b.doer.Do(req)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRetryingDoerRetriesAndResendsBody(t *testing.T) {
	t.Parallel()
	b := setupRetry(t, 503, 502, 429, 200)

	resp, err := b.post(t, context.Background(), `{"input":["a"]}`)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || readBody(t, resp) != "OK" {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	if got := b.doer.Attempts(); got != 4 {
		t.Errorf("Attempts() = %d, want 4", got)
	}
	for i, body := range b.bodies {
		if body != `{"input":["a"]}` {
			t.Errorf("attempt %d sent body %q", i+1, body)
		}
	}
	wantCodes := []int{503, 502, 429}
	if len(b.events) != len(wantCodes) {
		t.Fatalf("events = %+v", b.events)
	}
	for i, ev := range b.events {
		if ev.Attempt != i+1 || ev.StatusCode != wantCodes[i] || ev.RetryAfter {
			t.Errorf("event %d = %+v", i, ev)
		}
		if ev.Delay <= 0 || ev.Delay > b.doer.MaxDelay {
			t.Errorf("event %d delay %s outside (0, %s]", i, ev.Delay, b.doer.MaxDelay)
		}
	}
}

func TestRetryingDoerReturnsWithoutRetry(t *testing.T) {
	t.Parallel()
	// 2xx must never be repeated (a started stream would be duplicated);
	// client errors and 501 will not get better by asking again.
	for _, code := range []int{200, 204, 400, 401, 404, 501} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			t.Parallel()
			b := setupRetry(t, code, 200)
			resp, err := b.post(t, context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			readBody(t, resp)
			if resp.StatusCode != code || b.doer.Attempts() != 1 {
				t.Errorf("status %d after %d attempts, want %d after 1", resp.StatusCode, b.doer.Attempts(), code)
			}
		})
	}
}

func TestRetryingDoerGivesUpWithLastResponse(t *testing.T) {
	t.Parallel()
	b := setupRetry(t, 500)
	b.doer.MaxRetries = 2

	resp, err := b.post(t, context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	// The body of the final answer must be intact for go-openai's error.
	if resp.StatusCode != 500 || readBody(t, resp) != "Internal Server Error" {
		t.Errorf("got %d", resp.StatusCode)
	}
	if got := b.doer.Attempts(); got != 3 {
		t.Errorf("Attempts() = %d, want 3", got)
	}
}

func TestRetryingDoerZeroValueDoesNotRetry(t *testing.T) {
	t.Parallel()
	b := setupRetry(t, 503, 200)
	b.doer.MaxRetries = 0

	resp, err := b.post(t, context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != 503 || b.doer.Attempts() != 1 {
		t.Errorf("status %d after %d attempts", resp.StatusCode, b.doer.Attempts())
	}
}

func TestRetryingDoerHonoursRetryAfterCapped(t *testing.T) {
	t.Parallel()
	calls := 0
	var planned []time.Duration
	d := &RetryingDoer{
		MaxRetries: 2,
		MaxDelay:   30 * time.Second,
		Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
			calls++
			h := http.Header{}
			switch calls {
			case 1:
				h.Set("Retry-After", "7")
			case 2:
				h.Set("Retry-After", "3600") // longer than MaxDelay
			default:
				return &http.Response{StatusCode: 200, Body: http.NoBody, Header: h}, nil
			}
			return &http.Response{StatusCode: 429, Body: io.NopCloser(strings.NewReader("slow down")), Header: h}, nil
		}),
		sleep: func(ctx context.Context, delay time.Duration) error {
			planned = append(planned, delay)
			return nil
		},
	}
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	resp, err := d.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("Do = %v, %v", resp, err)
	}
	if len(planned) != 2 || planned[0] != 7*time.Second || planned[1] != 30*time.Second {
		t.Errorf("planned waits = %v, want [7s 30s]", planned)
	}
}

func TestRetryingDoerRetriesTransportErrors(t *testing.T) {
	t.Parallel()
	calls := 0
	d := &RetryingDoer{
		MaxRetries: 1,
		Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
			calls++
			if calls == 1 {
				return nil, errors.New("connection reset by peer")
			}
			return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
		}),
		sleep: func(context.Context, time.Duration) error { return nil },
	}
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	resp, err := d.Do(req)
	if err != nil || resp.StatusCode != 200 || d.Attempts() != 2 {
		t.Fatalf("Do = %v, %v after %d attempts", resp, err, d.Attempts())
	}
}

func TestRetryingDoerStopsWaitingWhenContextEnds(t *testing.T) {
	t.Parallel()
	b := setupRetry(t, 503)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A wait of a minute that only the cancellation can end: if Do
	// ignored ctx the test would time out instead of passing slowly.
	b.doer.BaseDelay, b.doer.MaxDelay = time.Minute, time.Minute
	b.doer.OnRetry = func(RetryEvent) { cancel() }

	resp, err := b.post(t, ctx, "x")
	if !errors.Is(err, context.Canceled) || resp != nil {
		t.Fatalf("Do = %v, %v; want context.Canceled", resp, err)
	}
	if b.doer.Attempts() != 1 {
		t.Errorf("Attempts() = %d, want 1", b.doer.Attempts())
	}
}

func TestRetryingDoerNeedsGetBodyToRetry(t *testing.T) {
	t.Parallel()
	b := setupRetry(t, 503, 200)
	// A body without GetBody cannot be sent twice.
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL, io.NopCloser(strings.NewReader("x")))
	req.GetBody = nil
	resp, err := b.doer.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != 503 || b.doer.Attempts() != 1 {
		t.Errorf("status %d after %d attempts", resp.StatusCode, b.doer.Attempts())
	}
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d := &RetryingDoer{now: func() time.Time { return now }}
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999999", 24 * time.Hour, true},
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := d.retryAfter(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("retryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestBackoffGrowsWithJitterWithinCap(t *testing.T) {
	t.Parallel()
	d := &RetryingDoer{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt, full := range map[int]time.Duration{
		1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond,
		4: 800 * time.Millisecond, 5: time.Second, 60: time.Second,
	} {
		for range 50 {
			if got := d.backoff(attempt); got < full/2 || got > full {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", attempt, got, full/2, full)
			}
		}
	}
}
