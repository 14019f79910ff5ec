package web

import (
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets, one per key (a client IP, a
// conversation). Idle full buckets are dropped as the set grows, so memory
// stays bounded by the keys active within one refill period.
type limiter struct {
	lim Limit
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweepAt int
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(l Limit, now func() time.Time) *limiter {
	return &limiter{lim: l, now: now, buckets: map[string]*bucket{}, sweepAt: 1024}
}

// allow takes a token from key's bucket. When none is left it returns
// false and how long until one is.
func (l *limiter) allow(key string) (bool, time.Duration) {
	if l.lim.Rate < 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.sweepAt {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(l.lim.Burst), last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(float64(l.lim.Burst), b.tokens+now.Sub(b.last).Seconds()*l.lim.Rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.lim.Rate * float64(time.Second))
}

// sweep drops the buckets that have refilled completely: forgetting them
// changes nothing. If most are still in use, the threshold grows.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.lim.Rate >= float64(l.lim.Burst) {
			delete(l.buckets, k)
		}
	}
	l.sweepAt = max(1024, 2*len(l.buckets))
}
