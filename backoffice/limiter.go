package backoffice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/miasrbija/mia/ratelimit"
)

// loginLimit is one allowance a login attempt counts against, kept in
// Config.Limiter so every replica shares it.
type loginLimit struct {
	key string
	lim ratelimit.Limit
}

// loginLimits are the limits one login attempt counts against:
//   - per account: the e-mail, whatever the client address, so a guesser
//     gets LoginMaxFailures guesses however many addresses it has; an
//     unknown e-mail is limited exactly like a known one;
//   - per client address, whatever the e-mail: LoginIPMaxFailures, so one
//     client cannot try many accounts (or keep the password checks busy).
//
// Each is a GCRA allowance (package ratelimit) of Burst = the maximum and
// one attempt back every LoginWindow: no more than the maximum in any
// LoginWindow, a lock that lasts a LoginWindow, then one guess per
// LoginWindow until the key has been quiet for max × LoginWindow.
//
// An IPv6 client counts by its /64, the block one subscriber gets.
func (o *Office) loginLimits(ip, email string) [2]loginLimit {
	account := ratelimit.Limit{Burst: o.cfg.LoginMaxFailures, Every: o.cfg.LoginWindow}
	address := ratelimit.Limit{Burst: o.cfg.LoginIPMaxFailures, Every: o.cfg.LoginWindow}
	return [2]loginLimit{
		{key: limitKey("email", email, account), lim: account},
		{key: limitKey("ip", ipBucket(ip), address), lim: address},
	}
}

// loginFull reports, recording nothing, whether any of the limits is
// spent at `at`, and how long until all have room: a cheap refusal before
// waiting for a password check slot.
func (o *Office) loginFull(ctx context.Context, limits [2]loginLimit, at time.Time) (bool, time.Duration, error) {
	var wait time.Duration
	for _, l := range limits {
		r, err := o.limiter.Peek(ctx, l.key, l.lim, at)
		if err != nil {
			return false, 0, fmt.Errorf("login limit: %w", err)
		}
		if !r.Allowed {
			wait = max(wait, r.RetryAfter)
		}
	}
	return wait > 0, wait, nil
}

// reserveLogin counts an attempt under both limits before its password
// is compared, or under neither: when the address's limit refuses, the
// account's attempt is given back. Parallel reservations are serialised
// per key by the store, so at most the allowed number of guesses is ever
// compared, on however many replicas.
func (o *Office) reserveLogin(ctx context.Context, limits [2]loginLimit, at time.Time) (bool, time.Duration, error) {
	for i, l := range limits {
		r, err := o.limiter.Allow(ctx, l.key, l.lim, 1, at)
		if err == nil && r.Allowed {
			continue
		}
		if i > 0 {
			if rerr := o.limiter.Refund(ctx, limits[0].key, limits[0].lim, 1, at); rerr != nil {
				o.log.ErrorContext(ctx, "give back a login attempt", "err", rerr)
			}
		}
		if err != nil {
			return false, 0, fmt.Errorf("login limit: %w", err)
		}
		return false, r.RetryAfter, nil
	}
	return true, 0, nil
}

// loginSucceeded clears the account's failures and gives back the
// address's attempt: the office's shared address (many staff behind one
// NAT) is not used up by logging in.
func (o *Office) loginSucceeded(ctx context.Context, limits [2]loginLimit, at time.Time) {
	if err := o.limiter.Reset(ctx, limits[0].key); err != nil {
		o.log.ErrorContext(ctx, "clear login attempts", "err", err)
	}
	if err := o.limiter.Refund(ctx, limits[1].key, limits[1].lim, 1, at); err != nil {
		o.log.ErrorContext(ctx, "give back a login attempt", "err", err)
	}
}

// limitKey hides the e-mail or address in the stored key: the store
// needs only to tell keys apart. The key names its limit too, since a
// key's state means something only under the limit that wrote it: changed
// limits (a new configuration) start from a full allowance.
func limitKey(kind, value string, l ratelimit.Limit) string {
	h := sha256.Sum256([]byte("mia-login\x00" + kind + "\x00" + value))
	return "login:" + kind + ":" + strconv.Itoa(l.Burst) + "/" + l.Every.String() + ":" + hex.EncodeToString(h[:16])
}

func ipBucket(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}

// retryText is how long until a refused login may try again, for the
// Retry-After header (seconds) and the page (minutes, in Serbian).
func retryText(d time.Duration) (seconds int, minutes string) {
	seconds = max(1, int((d+time.Second-1)/time.Second))
	m := (seconds + 59) / 60
	switch {
	case m%10 == 1 && m%100 != 11:
		return seconds, strconv.Itoa(m) + " minut"
	default:
		return seconds, strconv.Itoa(m) + " minuta"
	}
}
