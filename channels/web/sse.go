package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// sse writes Server-Sent Events, flushing after each so the citizen sees
// the answer as it forms. Headers go out with the first event, so an
// error before it can still be an ordinary JSON error.
type sse struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
	failed  bool
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
