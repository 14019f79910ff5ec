package assistant

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sync/semaphore"
)

// ErrBusy is returned by Handle when the turn found no free work slot
// (Config.ConcurrentTurns) before its context ended. Nothing of the turn
// was recorded: the citizen can send the message again.
var ErrBusy = errors.New("assistant: too many turns at once")

// admission bounds the turns doing CPU and database work at once in this
// process, across channels (web and Viber turns wait in one first-come
// queue). A turn gives its slot up while it waits for the model, which
// costs neither: with a model, a slot bounds the work around the call, not
// the seconds of the call.
type admission struct{ sem *semaphore.Weighted }

func newAdmission(n int) (admission, error) {
	if n < 0 {
		return admission{}, fmt.Errorf("assistant: ConcurrentTurns %d is negative", n)
	}
	if n == 0 {
		n = 4 * runtime.GOMAXPROCS(0)
	}
	return admission{semaphore.NewWeighted(int64(n))}, nil
}

// enter waits for a slot for the turn.
func (a admission) enter(ctx context.Context, st *turnState) error {
	if err := a.sem.Acquire(ctx, 1); err != nil {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	st.slot = true
	return nil
}

// leave gives the turn's slot back, if it holds one.
func (a admission) leave(st *turnState) {
	if st.slot {
		st.slot = false
		a.sem.Release(1)
	}
}

// outside runs wait (a model call) without the turn's slot and takes one
// again afterwards. If ctx ends first the turn finishes without a slot:
// what is left of it is recording the reply, which must not be lost.
func (a admission) outside(ctx context.Context, st *turnState, wait func()) {
	a.leave(st)
	wait()
	if a.sem.Acquire(ctx, 1) == nil {
		st.slot = true
	}
}
