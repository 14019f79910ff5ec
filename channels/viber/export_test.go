package viber

import (
	"log/slog"
	"time"
)

// Pending is a message callback waiting for its commit, for tests.
type Pending struct {
	Slug     string
	Callback *Callback
}

// CommitBatch commits batch as one group commit of the enqueuer would
// and returns each callback's answer, after the kept messages' jobs are
// queued.
func CommitBatch(s Store, timeout time.Duration, batch []Pending) []error {
	e := newEnqueuer(s, timeout, time.Hour, slog.New(slog.DiscardHandler))
	defer e.close()
	ps := make([]*pending, len(batch))
	for i, b := range batch {
		ps[i] = &pending{slug: b.Slug, cb: b.Callback, done: make(chan error, 1)}
	}
	e.commitAll(ps)
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = <-p.done
	}
	return errs
}
