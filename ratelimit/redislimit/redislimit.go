// Package redislimit keeps MIA's rate limits in Redis: the
// ratelimit.Limiter chosen when MIA_REDIS_URL is set. Each key's GCRA
// state (see package ratelimit) is one Redis string that expires when the
// allowance is full again; a check is one Lua script, which Redis runs
// atomically.
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/miasrbija/mia/ratelimit"
)

// Limiter is the Redis ratelimit.Limiter.
type Limiter struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ ratelimit.Limiter = (*Limiter)(nil)

// DefaultPrefix starts every key MIA writes, so one Redis can serve other
// programs (or several MIA deployments, each with its own prefix).
const DefaultPrefix = "mia:rl:"

// New returns the limiter on rdb, its keys under prefix ("" is
// DefaultPrefix).
func New(rdb redis.UniversalClient, prefix string) *Limiter {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Limiter{rdb: rdb, prefix: prefix}
}

// Open connects to the Redis at url (redis://[user:pass@]host:port/db or
// rediss:// for TLS) and pings it once, so a wrong URL fails at start.
// The client fails a check quickly rather than hang the request behind
// it: citizens' requests go on without the limit meanwhile (see
// channels/web), staff logins wait for it.
func Open(ctx context.Context, url string) (*redis.Client, error) {
	opt, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("connect to Redis: %w", err)
	}
	return rdb, nil
}

// ParseURL checks a Redis URL without connecting. Its error never quotes
// the URL, which may hold a password.
func ParseURL(url string) (*redis.Options, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, errors.New("not a Redis URL (redis://host:port/db or rediss://...)")
	}
	// A Redis that is down must fail a check at once (the web channel then
	// lets the request through), not after a series of dial retries.
	opt.DialTimeout = time.Second
	opt.DialerRetries = 1
	opt.ReadTimeout = time.Second
	opt.WriteTimeout = time.Second
	// No command is sent twice: a script that ran but whose reply was lost
	// would count its requests twice.
	opt.MaxRetries = -1
	return opt, nil
}

// allowScript is the GCRA step; KEYS[1] the key, ARGV now, n, interval
// (µs) and burst. Numbers are Lua doubles, exact for integers below 2^53
// (µs since 1970 stay below 2^51 until the year 2040 and beyond;
// ratelimit.Limit.Validate bounds burst × interval to a year), and are
// written back with %d, never in exponent form. It returns {1, tat} when
// allowed, {0, tat} (the unchanged TAT) when refused.
var allowScript = redis.NewScript(`
local now, n, every, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new = tat + n * every
if new - burst * every > now then
  return {0, string.format('%d', tat)}
end
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.ceil((new - now) / 1000))
return {1, string.format('%d', new)}
`)

// refundScript moves the TAT back by n intervals; one that falls to now or
// before is a full allowance and the key goes. ARGV now, n, interval.
var refundScript = redis.NewScript(`
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat then return 0 end
local now, n, every = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local new = tat - n * every
if new <= now then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.ceil((new - now) / 1000))
return 1
`)

// Allow takes n requests from key's allowance when all are there.
func (l *Limiter) Allow(ctx context.Context, key string, lim ratelimit.Limit, n int, at time.Time) (ratelimit.Result, error) {
	if err := ratelimit.Check(key, lim, n); err != nil {
		return ratelimit.Result{}, err
	}
	now := ratelimit.Micros(at)
	res, err := allowScript.Run(ctx, l.rdb, []string{l.prefix + key}, now, n, lim.Every.Microseconds(), lim.Burst).Slice()
	if err != nil {
		return ratelimit.Result{}, fmt.Errorf("rate limit check: %w", err)
	}
	ok, tat, err := parseReply(res)
	if err != nil {
		return ratelimit.Result{}, err
	}
	if ok {
		return ratelimit.Result{Allowed: true}, nil
	}
	return ratelimit.Denied(tat, now, lim, n), nil
}

func parseReply(res []any) (bool, int64, error) {
	if len(res) != 2 {
		return false, 0, fmt.Errorf("rate limit check: unexpected reply %v", res)
	}
	ok, _ := res[0].(int64)
	s, _ := res[1].(string)
	tat, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit check: unexpected TAT %q", s)
	}
	return ok == 1, tat, nil
}

// Peek reads key's TAT.
func (l *Limiter) Peek(ctx context.Context, key string, lim ratelimit.Limit, at time.Time) (ratelimit.Result, error) {
	if err := ratelimit.Check(key, lim, 1); err != nil {
		return ratelimit.Result{}, err
	}
	tat, err := l.rdb.Get(ctx, l.prefix+key).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return ratelimit.Result{}, fmt.Errorf("rate limit peek: %w", err)
	}
	return ratelimit.PeekAt(tat, ratelimit.Micros(at), lim), nil
}

// Refund gives back n requests.
func (l *Limiter) Refund(ctx context.Context, key string, lim ratelimit.Limit, n int, at time.Time) error {
	if err := ratelimit.Check(key, lim, n); err != nil {
		return err
	}
	err := refundScript.Run(ctx, l.rdb, []string{l.prefix + key}, ratelimit.Micros(at), n, lim.Every.Microseconds()).Err()
	if err != nil {
		return fmt.Errorf("rate limit refund: %w", err)
	}
	return nil
}

// Reset deletes key.
func (l *Limiter) Reset(ctx context.Context, key string) error {
	if err := l.rdb.Del(ctx, l.prefix+key).Err(); err != nil {
		return fmt.Errorf("rate limit reset: %w", err)
	}
	return nil
}

// LogTo sends the Redis client's own messages (dial failures, reconnects)
// to log as warnings instead of standard error. The client's logger is
// process-wide.
func LogTo(log *slog.Logger) { redis.SetLogger(slogPrintf{log}) }

type slogPrintf struct{ log *slog.Logger }

func (l slogPrintf) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
