package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// writeTimeout bounds the write of one event: a client that stopped
// reading without closing the connection fails it, and the rest are dropped.
const writeTimeout = 15 * time.Second

// sse writes Server-Sent Events, flushing after each so the citizen sees
// the answer as it forms. Headers go out with the first event, so an
// error before it can still be an ordinary JSON error. It is not safe for
// concurrent use: a turn's events go through a stream.
type sse struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	started  bool
	failed   bool
	deadline bool // a write deadline was set and must be cleared
}

func newSSE(w http.ResponseWriter) *sse {
	return &sse{w: w, rc: http.NewResponseController(w)}
}

// send writes one event with JSON data. After a write fails (the client
// left) the rest are dropped; the engine still finishes and records the turn.
func (s *sse) send(event string, data any) {
	if s.failed {
		return
	}
	if !s.started {
		h := s.w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
		s.w.WriteHeader(http.StatusOK)
		s.started = true
	}
	if s.rc.SetWriteDeadline(time.Now().Add(writeTimeout)) == nil {
		s.deadline = true
	}
	b, err := json.Marshal(data)
	if err == nil {
		_, err = fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", event, b)
	}
	if err == nil {
		// A writer that cannot flush still delivers, only later.
		if ferr := s.rc.Flush(); !errors.Is(ferr, http.ErrNotSupported) {
			err = ferr
		}
	}
	if err != nil {
		s.failed = true
	}
}

// finish clears the write deadline: without a server WriteTimeout, the
// next request on the kept-alive connection would inherit it.
func (s *sse) finish() {
	if s.deadline && !s.failed {
		_ = s.rc.SetWriteDeadline(time.Time{})
	}
}
