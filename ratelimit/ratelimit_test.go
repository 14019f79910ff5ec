package ratelimit_test

import (
	"errors"
	"testing"
	"time"

	"github.com/miasrbija/mia/ratelimit"
)

func TestPerSecond(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		rate  float64
		burst int
		want  ratelimit.Limit
	}{
		{2, 40, ratelimit.Limit{Burst: 40, Every: 500 * time.Millisecond}},
		{1.0 / 3, 5, ratelimit.Limit{Burst: 5, Every: 3 * time.Second}},
		{1000, 2000, ratelimit.Limit{Burst: 2000, Every: time.Millisecond}},
	} {
		if got := ratelimit.PerSecond(c.rate, c.burst); got != c.want {
			t.Errorf("PerSecond(%v, %d) = %+v, want %+v", c.rate, c.burst, got, c.want)
		}
	}
}

// The arithmetic both backends share: a key's TAT tells when one request
// (or n) passes.
func TestDeniedAndPeekAt(t *testing.T) {
	t.Parallel()
	l := ratelimit.Limit{Burst: 3, Every: time.Second}
	const now = int64(1_000_000_000)
	for _, c := range []struct {
		tat  int64
		ok   bool
		wait time.Duration
	}{
		{0, true, 0},                          // no state: full
		{now - 5_000_000, true, 0},            // long past: full, no more
		{now + 2_000_000, true, 0},            // one left
		{now + 3_000_000, false, time.Second}, // spent: the next in one interval
		{now + 3_000_001, false, time.Second + time.Microsecond},
	} {
		r := ratelimit.PeekAt(c.tat, now, l)
		if r.Allowed != c.ok || r.RetryAfter != c.wait {
			t.Errorf("PeekAt(now%+d) = %+v, want allowed %v, wait %v", c.tat-now, r, c.ok, c.wait)
		}
	}
	// Two requests when one is left: the pair waits for one interval.
	if r := ratelimit.Denied(now+2_000_000, now, l, 2); r.RetryAfter != time.Second {
		t.Errorf("Denied of 2 with 1 left: %+v", r)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	ok := ratelimit.Limit{Burst: 2, Every: time.Second}
	if err := ratelimit.Check("k", ok, 2); err != nil {
		t.Errorf("valid check: %v", err)
	}
	for _, c := range []struct {
		key string
		l   ratelimit.Limit
		n   int
	}{
		{"", ok, 1}, {"k", ok, 0}, {"k", ok, 3},
		{"k", ratelimit.Limit{Every: time.Second}, 1},
		{"k", ratelimit.Limit{Burst: 1, Every: time.Nanosecond}, 1},
		{"k", ratelimit.Limit{Burst: 366, Every: 24 * time.Hour}, 1},
	} {
		if err := ratelimit.Check(c.key, c.l, c.n); !errors.Is(err, ratelimit.ErrInvalid) {
			t.Errorf("Check(%q, %+v, %d) = %v, want ErrInvalid", c.key, c.l, c.n, err)
		}
	}
}
