package viber

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/miasrbija/mia/assistant"
)

// errClosed answers callbacks arriving after Close.
var errClosed = errors.New("viber: bot closed")

// enqueuer keeps message callbacks with group commit and gives them their
// turn jobs just after. Each committer takes the callbacks waiting when
// it is free (without waiting for more) and keeps them in one statement;
// the callbacks are answered then. Alone, a callback costs one round
// trip; under a burst, many share one commit (and its fsync) instead of
// queueing for the pool. The queuer then inserts the kept messages' jobs
// in a transaction of its own, off the answer's path, and sweeps now and
// then for messages a stopped process kept but did not queue.
type enqueuer struct {
	store    Store
	log      *slog.Logger
	timeout  time.Duration // bounds each commit
	in       chan *pending
	quit     chan struct{}
	wake     chan struct{} // a commit kept messages: queue them
	stopQ    chan struct{}
	start    sync.Once
	stop     sync.Once
	wg       sync.WaitGroup // committers
	queuer   sync.WaitGroup
	maxBatch int
	workers  int
	sweep    time.Duration
}

type pending struct {
	slug string
	cb   *Callback
	done chan error
}

func newEnqueuer(s Store, timeout, sweep time.Duration, log *slog.Logger) *enqueuer {
	e := &enqueuer{store: s, log: log, timeout: timeout, in: make(chan *pending), quit: make(chan struct{}),
		wake: make(chan struct{}, 1), stopQ: make(chan struct{}), maxBatch: 100, workers: 2, sweep: sweep}
	// The queuer runs from the start, so messages a stopped process kept
	// get their jobs even before the next callback comes.
	e.wake <- struct{}{}
	e.queuer.Go(e.runQueuer)
	return e
}

// enqueue keeps a message callback, unless it is a redelivery; it
// returns once that is committed. Its turn job follows (runQueuer).
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

// close stops the committers after the batches in hand, then the queuer
// after it has queued what they kept.
func (e *enqueuer) close() {
	e.stop.Do(func() {
		close(e.quit)
		e.wg.Wait()
		close(e.stopQ)
		e.queuer.Wait()
	})
}

// runQueuer inserts the jobs of kept messages when a commit wakes it, at
// every sweep, and once more when the enqueuer closes. A failure is
// logged and left to the next wake or sweep: the messages stay kept.
func (e *enqueuer) runQueuer() {
	tick := time.NewTicker(e.sweep)
	defer tick.Stop()
	for {
		select {
		case <-e.wake:
		case <-tick.C:
		case <-e.stopQ:
			e.queueAll()
			return
		}
		e.queueAll()
	}
}

// queueAll queues kept messages in batches until none is left.
func (e *enqueuer) queueAll() {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
		n, err := e.store.QueueTurns(ctx, e.maxBatch)
		cancel()
		if err != nil {
			e.log.Error("viber: queue turns", "err", err)
			return
		}
		if n < e.maxBatch {
			return
		}
	}
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
		e.commitAll(batch)
	}
}

// commitAll commits the batch and answers each callback. When the batch
// fails for another reason than its deadline, each callback is committed
// alone, so one bad message (whatever it holds) never fails the others.
func (e *enqueuer) commitAll(batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	err := e.commit(ctx, batch)
	if err == nil || len(batch) == 1 || ctx.Err() != nil {
		for _, p := range batch {
			p.done <- err
		}
		return
	}
	for _, p := range batch {
		p.done <- e.commit(ctx, []*pending{p})
	}
}

// commit keeps the batch's messages and wakes the queuer. The batch is
// committed even if a request gave up meanwhile (its context must not
// cancel the others'), but never waits longer than e.timeout (ctx): a
// commit stuck on a lock or a dead connection fails the batch's callbacks
// (503, Viber redelivers) instead of holding them and the committer.
func (e *enqueuer) commit(ctx context.Context, batch []*pending) error {
	in := make([]Incoming, len(batch))
	for i, p := range batch {
		in[i] = incomingOf(p.slug, p.cb)
	}
	kept, err := e.store.KeepTurns(ctx, in)
	if err != nil {
		return err
	}
	if kept > 0 {
		select {
		case e.wake <- struct{}{}:
		default: // already woken: it will find these too
		}
	}
	return nil
}

// incomingOf returns the message of a message callback with every text a
// citizen controls cleaned (assistant.CleanText): U+0000, which
// PostgreSQL refuses, bidi overrides and the like never go further.
func incomingOf(slug string, cb *Callback) Incoming {
	u, m := cleanUser(*cb.Sender), *cb.Message
	m.Text = assistant.CleanText(m.Text)
	m.Media, m.Thumbnail = assistant.CleanText(m.Media), assistant.CleanText(m.Thumbnail)
	m.TrackingData = assistant.CleanText(m.TrackingData)
	m.FileName = assistant.CleanText(m.FileName)
	if m.Contact != nil {
		c := *m.Contact
		c.Name, c.PhoneNumber, c.Avatar = assistant.CleanText(c.Name), assistant.CleanText(c.PhoneNumber), assistant.CleanText(c.Avatar)
		m.Contact = &c
	}
	return Incoming{Municipality: slug, Token: cb.MessageToken, User: u, Message: m}
}

// cleanUser returns u with its texts cleaned; the id is Viber's and is
// kept as sent (replies go to it).
func cleanUser(u User) User {
	u.Name = assistant.CleanText(u.Name)
	u.Avatar, u.Country, u.Language = assistant.CleanText(u.Avatar), assistant.CleanText(u.Country), assistant.CleanText(u.Language)
	return u
}
