package web

import (
	"context"
	"sync"
)

// turns knows which conversations have a turn running in this process. A
// turn outlives its request, so a citizen who reloads (or sends again)
// while the last answer is still being made waits for it instead of racing
// it: the history then shows the answer, and a repeated confirmation sees
// the case already filed.
type turns struct {
	mu      sync.Mutex
	running map[string]chan struct{} // closed when the turn ends
}

func newTurns() *turns { return &turns{running: map[string]chan struct{}{}} }

// begin waits until no turn of conversation key runs, then marks one
// running; end marks it finished. ok is false when ctx ended first.
func (t *turns) begin(ctx context.Context, key string) (end func(), ok bool) {
	for {
		t.mu.Lock()
		done, busy := t.running[key]
		if !busy {
			done = make(chan struct{})
			t.running[key] = done
			t.mu.Unlock()
			return func() {
				t.mu.Lock()
				delete(t.running, key)
				t.mu.Unlock()
				close(done)
			}, true
		}
		t.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// wait returns once no turn of conversation key runs, or when ctx ends
// (false).
func (t *turns) wait(ctx context.Context, key string) bool {
	t.mu.Lock()
	done, busy := t.running[key]
	t.mu.Unlock()
	if !busy {
		return true
	}
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}
