package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// stuckWriter is a client that stopped reading: every write after the
// first blocks until the test ends.
type stuckWriter struct {
	*httptest.ResponseRecorder
	writes  int
	blocked chan struct{}
	unblock chan struct{}
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	if w.writes++; w.writes > 1 {
		close(w.blocked)
		<-w.unblock
	}
	return w.ResponseRecorder.Write(p)
}

// TestEmitNeverWaitsForAGoneClient: the engine's emit returns at once for
// a client that left, even when the last write hangs, and drops the rest.
func TestEmitNeverWaitsForAGoneClient(t *testing.T) {
	t.Parallel()
	ctx, leave := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/", nil)
	w := &stuckWriter{ResponseRecorder: httptest.NewRecorder(), blocked: make(chan struct{}), unblock: make(chan struct{})}
	s := startStream(w, r, "start", nil)
	s.emit("delta", map[string]string{"text": "a"})
	<-w.blocked // the writer hangs on the client
	leave()

	done := make(chan struct{})
	go func() {
		for range 1000 { // far more than the queue holds
			s.emit("delta", map[string]string{"text": "b"})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("emit blocked on a client that left")
	}
	close(w.unblock)
	s.close()
	if w.writes != 2 {
		t.Errorf("%d writes; want the start and one delta", w.writes)
	}
}
