package backoffice

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strconv"
	"time"
)

// loginLimits are the limits one login attempt counts against, both kept
// in the store so every replica shares them:
//   - per account: the e-mail, whatever the client address, so a guesser
//     gets LoginMaxFailures guesses per LoginWindow however many addresses
//     it has; an unknown e-mail is limited exactly like a known one;
//   - per client address, whatever the e-mail: LoginIPMaxFailures, so one
//     client cannot try many accounts (or keep the password checks busy).
//
// An IPv6 client counts by its /64, the block one subscriber gets.
func (o *Office) loginLimits(ip, email string) []LoginLimit {
	return []LoginLimit{
		{Key: limitKey("email", email), Max: o.cfg.LoginMaxFailures, Window: o.cfg.LoginWindow},
		{Key: limitKey("ip", ipBucket(ip)), Max: o.cfg.LoginIPMaxFailures, Window: o.cfg.LoginWindow},
	}
}

// limitKey hides the address in the stored key: the table needs only to
// tell keys apart.
func limitKey(kind, value string) string {
	h := sha256.Sum256([]byte("mia-login\x00" + kind + "\x00" + value))
	return kind + ":" + hex.EncodeToString(h[:16])
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
