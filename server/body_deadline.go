package server

import (
	"net/http"
	"time"
)

// bodyDeadline gives a request body a read deadline: t.Body plus one
// second per t.MinBodyRate bytes of its declared length, at most
// t.MaxBody. A client that trickles its body (slowloris) loses the
// connection then; a citizen uploading a 50 MB video over a slow phone
// line does not. net/http lifts the deadline itself once the body has
// been read to its end, so an answer streamed afterwards is not cut.
func bodyDeadline(t Timeouts) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
				d := t.Body
				if r.ContentLength > 0 {
					d += time.Duration(r.ContentLength/t.MinBodyRate) * time.Second
				}
				// A writer without deadlines (a test recorder) leaves the
				// body unbounded; the connection's server always has them.
				_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(min(d, t.MaxBody)))
			}
			next.ServeHTTP(w, r)
		})
	}
}
