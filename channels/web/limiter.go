package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/miasrbija/mia/ratelimit"
)

// limiter applies one of the channel's limits through the shared
// ratelimit.Limiter, so every replica counts against the same allowance.
//
// When the limiter's store fails (PostgreSQL or Redis down, or slower than
// checkTimeout), the request goes through: a citizen's question matters
// more than the limit, which only guards against floods. The failure is
// counted in mia_ratelimit_errors_total and logged at most once per
// logEvery, with how many checks failed since.
type limiter struct {
	store    ratelimit.Limiter
	lim      ratelimit.Limit
	disabled bool
	name     string // "ip" or "conversation": the key's namespace and the metric's label
	now      func() time.Time
	log      *slog.Logger
	errors   prometheus.Counter

	failed   atomic.Int64 // failures not yet logged
	loggedAt atomic.Int64 // unix ns of the last log line
}

// checkTimeout bounds one check: a stalled store must not stall the chat.
const checkTimeout = time.Second

// logEvery spaces the log lines of a failing store.
const logEvery = 10 * time.Second

func newLimiter(store ratelimit.Limiter, l Limit, name string, cfg Config, errs *prometheus.CounterVec) *limiter {
	return &limiter{store: store, lim: ratelimit.PerSecond(l.Rate, l.Burst), disabled: l.Rate < 0, name: name,
		now: cfg.Now, log: cfg.Log, errors: errs.WithLabelValues(name)}
}

// allow takes one request from key's allowance. When none is left it
// returns false and how long until one is.
func (l *limiter) allow(ctx context.Context, key string) (bool, time.Duration) {
	if l.disabled {
		return true, 0
	}
	cctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	res, err := l.store.Allow(cctx, "web:"+l.name+":"+key, l.lim, 1, l.now())
	if err != nil {
		if ctx.Err() == nil { // not a client that left: the store failed
			l.failOpen(ctx, err)
		}
		return true, 0
	}
	return res.Allowed, res.RetryAfter
}

func (l *limiter) failOpen(ctx context.Context, err error) {
	l.errors.Inc()
	n := l.failed.Add(1)
	last, now := l.loggedAt.Load(), time.Now().UnixNano()
	if now-last < int64(logEvery) || !l.loggedAt.CompareAndSwap(last, now) {
		return
	}
	l.failed.Add(-n)
	l.log.ErrorContext(ctx, "rate limit unavailable: requests pass unlimited", "limit", l.name, "failed_checks", n, "err", err)
}

// ipKey hides the client's address in the stored key: the store needs
// only to tell addresses apart.
func ipKey(ip string) string {
	h := sha256.Sum256([]byte("mia-web-ip\x00" + ip))
	return hex.EncodeToString(h[:16])
}

func newLimitErrors() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mia_ratelimit_errors_total",
		Help: "Rate limit checks of the web channel that failed (the request passed unlimited), by limit.",
	}, []string{"limit"})
}
