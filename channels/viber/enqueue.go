package viber

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
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
	db       *pgxpool.Pool
	queue    *river.Client[pgx.Tx]
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

func newEnqueuer(db *pgxpool.Pool, q *river.Client[pgx.Tx]) *enqueuer {
	return &enqueuer{db: db, queue: q, in: make(chan *pending), quit: make(chan struct{}), maxBatch: 100, workers: 2}
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
		// The batch is committed even if a request gave up meanwhile:
		// its context must not cancel the others'.
		err := e.commit(context.Background(), batch)
		for _, p := range batch {
			p.done <- err
		}
	}
}

func (e *enqueuer) commit(ctx context.Context, batch []*pending) error {
	slugs := make([]string, len(batch))
	tokens := make([]pgtype.Numeric, len(batch))
	users := make([]string, len(batch))
	for i, p := range batch {
		slugs[i], tokens[i], users[i] = p.slug, numeric(p.cb.MessageToken), p.cb.UserKey()
	}
	return pgx.BeginFunc(ctx, e.db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			INSERT INTO channel_events (municipality, channel, event, token, user_id)
			SELECT m, 'viber', 'message', t, u FROM unnest($1::text[], $2::numeric[], $3::text[]) AS x(m, t, u)
			ON CONFLICT DO NOTHING
			RETURNING municipality, token::text, user_id`, slugs, tokens, users)
		if err != nil {
			return fmt.Errorf("record events: %w", err)
		}
		fresh := map[string]bool{}
		var m, t, u string
		if _, err := pgx.ForEachRow(rows, []any{&m, &t, &u}, func() error {
			fresh[m+"|"+t+"|"+u] = true
			return nil
		}); err != nil {
			return fmt.Errorf("record events: %w", err)
		}
		var jobs []river.InsertManyParams
		for _, p := range batch {
			k := p.slug + "|" + strconv.FormatUint(p.cb.MessageToken, 10) + "|" + p.cb.UserKey()
			if !fresh[k] {
				continue // a redelivery, or a copy within this batch
			}
			delete(fresh, k)
			jobs = append(jobs, river.InsertManyParams{Args: TurnArgs{Municipality: p.slug, Token: p.cb.MessageToken, User: *p.cb.Sender, Message: *p.cb.Message}})
		}
		if len(jobs) == 0 {
			return nil
		}
		if _, err := e.queue.InsertManyTx(ctx, tx, jobs); err != nil {
			return fmt.Errorf("enqueue turns: %w", err)
		}
		return nil
	})
}
