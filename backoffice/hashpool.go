package backoffice

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errLoginBusy is a login refused because no password check came free in
// time.
var errLoginBusy = errors.New("backoffice: password checks busy")

// hashPool bounds the password checks running at once. Each argon2id
// check holds argonMemory (64 MiB) while it runs, so without a bound a
// burst of logins (unknown e-mails cost the same) takes the server's
// memory: n checks hold n × 64 MiB.
//
// A login waits for a free check only as long as it can still expect an
// answer within the budget from its arrival: the wait ends at arrival +
// budget − the recent duration of a check, so under load (checks slower)
// the queue gets shorter instead of answers later.
type hashPool struct {
	slots  chan struct{}
	budget time.Duration

	mu  sync.Mutex
	est time.Duration // moving average of a check's duration
}

func newHashPool(n int, budget time.Duration) *hashPool {
	return &hashPool{slots: make(chan struct{}, n), budget: budget}
}

// do runs f in a free slot, for a login that arrived at start. It returns
// errLoginBusy when no slot came free in time, or ctx's error when ctx
// ended first; f has not run then.
func (p *hashPool) do(ctx context.Context, start time.Time, f func()) error {
	select {
	case p.slots <- struct{}{}:
	default:
		wait := time.Until(start.Add(p.budget - p.estimate()))
		if wait <= 0 {
			return errLoginBusy
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case p.slots <- struct{}{}:
		case <-t.C:
			return errLoginBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-p.slots }()
	began := time.Now()
	f()
	p.observe(time.Since(began))
	return nil
}

func (p *hashPool) estimate() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.est
}

func (p *hashPool) observe(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.est == 0 {
		p.est = d
		return
	}
	p.est = (3*p.est + d) / 4
}
