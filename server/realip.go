package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseProxies parses a comma-separated list of CIDR prefixes or
// addresses (e.g. "10.0.0.0/8, 127.0.0.1").
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR prefix", f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR prefix", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// realIP makes r.RemoteAddr the client's address when the request came
// through one of the trusted proxies: the rightmost X-Forwarded-For entry
// that is not itself a trusted proxy. Headers from anyone else are ignored,
// so a client cannot choose its own address (and dodge rate limits).
func realIP(trusted []netip.Prefix) func(http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return func(next http.Handler) http.Handler {
		if len(trusted) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			peer, perr := netip.ParseAddr(host)
			if err == nil && perr == nil && isTrusted(peer) {
				hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
				for i := len(hops) - 1; i >= 0; i-- {
					a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
					if err != nil {
						break
					}
					if !isTrusted(a) {
						r.RemoteAddr = netip.AddrPortFrom(a.Unmap(), 0).String()
						break
					}
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
