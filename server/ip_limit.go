package server

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// LimitPerIP returns middleware that allows each client address rate
// requests per second with bursts of burst, and answers 429 with
// Retry-After beyond. The address is the peer's, or the one trusted
// proxies give (Config.TrustedProxies); IPv6 clients are counted per /64,
// which one subscriber usually holds whole. Idle addresses are forgotten,
// so memory stays bounded by the addresses active within one refill.
func LimitPerIP(rate float64, burst int) func(http.Handler) http.Handler {
	l := &ipLimiter{rate: rate, burst: float64(burst), now: time.Now, buckets: map[netip.Addr]*ipBucket{}, sweepAt: 1024}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ok, wait := l.allow(clientKey(r.RemoteAddr)); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many requests"})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// clientKey is the address a limit counts: the IPv4 address, or the /64
// of an IPv6 one.
func clientKey(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

type ipLimiter struct {
	rate, burst float64
	now         func() time.Time

	mu      sync.Mutex
	buckets map[netip.Addr]*ipBucket
	sweepAt int
}

type ipBucket struct {
	tokens float64
	last   time.Time
}

// allow takes a token from key's bucket; without one it says how long
// until there is one.
func (l *ipLimiter) allow(key netip.Addr) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.sweepAt {
			for k, b := range l.buckets {
				if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
					delete(l.buckets, k) // full again: forgetting it changes nothing
				}
			}
			l.sweepAt = max(1024, 2*len(l.buckets))
		}
		b = &ipBucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}
