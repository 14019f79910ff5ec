package server

import "net/http"

// DefaultCSP is the Content-Security-Policy of every response whose
// handler sets none: API answers, JSON, files. It allows nothing, so a
// response that a browser were tricked into rendering runs no script,
// loads nothing and cannot be framed. Pages set their own.
const DefaultCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// hstsValue is one year; no includeSubDomains, since other services may
// live under the same domain.
const hstsValue = "max-age=31536000"

// securityHeaders sets the headers every response carries: no MIME
// sniffing, no referrer beyond MIA's own origin, the restrictive default
// CSP (handlers of HTML pages replace it with theirs) and, when the
// deployment is reached over TLS only, HSTS.
func securityHeaders(hsts bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("X-Content-Type-Options", "nosniff")
			// same-origin, not no-referrer: with no-referrer browsers send
			// "Origin: null" on same-origin form posts.
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Content-Security-Policy", DefaultCSP)
			if hsts {
				h.Set("Strict-Transport-Security", hstsValue)
			}
			next.ServeHTTP(w, r)
		})
	}
}
