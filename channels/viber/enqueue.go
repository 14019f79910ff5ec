package viber

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errClosed answers callbacks arriving after Close.
var errClosed = errors.New("viber: bot closed")

// enqueuer records message callbacks and inserts their turn jobs with
// group commit: each committer takes the callbacks waiting when it is
// free (without waiting for more) and handles them in one transaction:
// one dedupe statement, one job insert, one commit. Alone, a callback
// costs what its own transaction would; under a burst, many share one
// commit (and its fsync) instead of queueing for the pool.
type enqueuer struct {
	store    Store
	timeout  time.Duration // bounds each commit
	in       chan *pending
	quit     chan struct{}
	start    sync.Once
	stop     sync.Once
	wg       sync.WaitGroup
	maxBatch int
	workers  int
}

type pending struct {
	slug string
	cb   *Callback
	done chan error
}

func newEnqueuer(s Store, timeout time.Duration) *enqueuer {
	return &enqueuer{store: s, timeout: timeout, in: make(chan *pending), quit: make(chan struct{}), maxBatch: 100, workers: 2}
}

// enqueue records a message callback and, unless it is a redelivery,
// inserts its turn job; it returns once both are committed.
func (e *enqueuer) enqueue(ctx context.Context, slug string, cb *Callback) error {
	e.start.Do(func() {
		for range e.workers {
			e.wg.Go(e.run)
		}
	})
	p := &pending{slug: slug, cb: cb, done: make(chan error, 1)}
	select {
	case e.in <- p:
	case <-e.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		// The commit may still happen; a redelivery is then a duplicate
		// and dropped, which is what a retry wants.
		return ctx.Err()
	}
}

// close stops the committers after the batches in hand.
func (e *enqueuer) close() {
	e.stop.Do(func() { close(e.quit) })
	e.wg.Wait()
}

func (e *enqueuer) run() {
	for {
		var first *pending
		select {
		case first = <-e.in:
		case <-e.quit:
			return
		}
		batch := []*pending{first}
	drain:
		for len(batch) < e.maxBatch {
			select {
			case p := <-e.in:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		err := e.commit(batch)
		for _, p := range batch {
			p.done <- err
		}
	}
}

// commit records the batch and inserts its turn jobs in one transaction.
// The batch is committed even if a request gave up meanwhile (its context
// must not cancel the others'), but never waits longer than e.timeout: a
// commit stuck on a lock or a dead connection fails the batch's callbacks
// (503, Viber redelivers) instead of holding them and the committer.
func (e *enqueuer) commit(batch []*pending) error {
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	turns := make([]TurnArgs, len(batch))
	for i, p := range batch {
		turns[i] = TurnArgs{Municipality: p.slug, Token: p.cb.MessageToken, User: *p.cb.Sender, Message: *p.cb.Message}
	}
	return e.store.EnqueueTurns(ctx, turns)
}
