package web

import (
	"net/http"
)

// event is one Server-Sent Event waiting to be written.
type event struct {
	name string
	data any
}

// stream delivers a turn's events to the client from a goroutine of its
// own, so the engine never waits on the network: while the client reads,
// emit hands the event over (a slow reader slows the answer, as before);
// once the client is gone or a write failed, emit drops the event at once.
// The turn goes on either way and the engine records its reply.
type stream struct {
	sse     *sse
	events  chan event
	gone    <-chan struct{} // the request's context is done: the client left
	stopped chan struct{}   // the writer returned
}

// startStream sends the first event in the handler's goroutine (the
// response is then committed as an event stream) and starts the writer for
// the rest. close must be called before the handler returns.
func startStream(w http.ResponseWriter, r *http.Request, name string, data any) *stream {
	s := &stream{sse: newSSE(w), events: make(chan event, 64), gone: r.Context().Done(), stopped: make(chan struct{})}
	s.sse.send(name, data)
	go s.write()
	return s
}

func (s *stream) write() {
	defer close(s.stopped)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				s.sse.finish()
				return
			}
			if s.sse.send(ev.name, ev.data); s.sse.failed {
				return
			}
		case <-s.gone:
			return
		}
	}
}

// emit queues an event for the client, or drops it when the client is gone.
// It must not be called after close.
func (s *stream) emit(name string, data any) {
	select {
	case <-s.gone:
		return
	case <-s.stopped:
		return
	default:
	}
	select {
	case s.events <- event{name, data}:
	case <-s.gone:
	case <-s.stopped:
	}
}

// close lets the writer deliver what is queued and waits for it: the
// handler must not return while the writer still uses the ResponseWriter.
func (s *stream) close() {
	close(s.events)
	<-s.stopped
}
