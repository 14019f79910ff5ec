package replica

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// The lag of a replica is measured on WAL positions, not on replay
// timestamps alone: now() - pg_last_xact_replay_timestamp() grows without
// bound while the primary is idle, which would skip a replica that is fully
// caught up. Each round samples the primary's WAL position; a replica that
// has replayed past the sample taken at time T holds everything committed
// before T, so its lag is at most now - T.

// primaryLSNSQL is the primary's current WAL write position in bytes.
const primaryLSNSQL = `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint`

// replicaCheckSQL is what a round asks a replica: is it a standby, how far
// has it replayed, has it replayed all it received, how old is the last
// transaction it replayed, and is replay paused. pg_is_wal_replay_paused
// fails outside recovery, hence the CASE.
const replicaCheckSQL = `
	SELECT pg_is_in_recovery(),
		coalesce((pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, 0),
		coalesce(pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn(), true),
		coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::float8,
		CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END`

// sample is the primary's WAL position at a time.
type sample struct {
	at  time.Time
	lsn int64
}

// history holds the primary's recent WAL positions, oldest first.
type history struct {
	mu      sync.Mutex
	keep    time.Duration
	samples []sample
}

func (h *history) add(s sample) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.samples = append(h.samples, s)
	cut := 0
	for cut < len(h.samples)-1 && s.at.Sub(h.samples[cut].at) > h.keep {
		cut++
	}
	h.samples = h.samples[cut:]
}

// lag is how long ago the primary was last seen at or behind replayed:
// the replica holds everything committed before then. When the replica is
// behind every sample, lag is at least the oldest sample's age and ok is
// false.
func (h *history) lag(now time.Time, replayed int64) (lag time.Duration, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(h.samples) - 1; i >= 0; i-- {
		if h.samples[i].lsn <= replayed {
			return now.Sub(h.samples[i].at), true
		}
	}
	if len(h.samples) == 0 {
		return 0, false
	}
	return now.Sub(h.samples[0].at), false
}

// checkTimeout bounds one round: a replica that does not answer within it
// is skipped like one that refuses.
func (s *Set) checkTimeout() time.Duration { return max(s.opts.Interval, 2*time.Second) }

func (s *Set) loop() {
	defer close(s.done)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-s.stopped.Done():
			return
		case <-t.C:
			s.checkAll(s.stopped)
		}
	}
}

// checkAll samples the primary, then checks every replica at once.
func (s *Set) checkAll(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, s.checkTimeout())
	defer cancel()
	var lsn int64
	primaryOK := s.primary.QueryRow(ctx, primaryLSNSQL).Scan(&lsn) == nil
	if primaryOK {
		s.lsns.add(sample{at: time.Now(), lsn: lsn})
	}
	var wg sync.WaitGroup
	for _, m := range s.replicas {
		wg.Go(func() { s.check(ctx, m, primaryOK) })
	}
	wg.Wait()
}

// check asks one replica for its state and marks it healthy or not.
func (s *Set) check(ctx context.Context, m *member, primaryOK bool) {
	var (
		standby, caughtUp, paused bool
		replayed                  int64
		sinceReplay               float64
	)
	err := m.db.QueryRow(ctx, replicaCheckSQL).Scan(&standby, &replayed, &caughtUp, &sinceReplay, &paused)
	if err != nil && s.stopped.Err() != nil {
		return // closing: the round was cut short, not the replica
	}
	now := time.Now()
	var lag time.Duration
	reason := ""
	switch {
	case err != nil:
		reason = "check failed: " + err.Error()
	case !standby:
		reason = "not a standby (promoted, or not a replica)"
	default:
		lag = s.lagOf(now, replayed, caughtUp, sinceReplay, primaryOK)
		if lag > s.opts.MaxLag {
			reason = fmt.Sprintf("lags %s behind the primary (bound %s)", lag.Round(time.Millisecond), s.opts.MaxLag)
			if paused {
				reason += ", replay paused"
			}
		}
	}
	m.mu.Lock()
	was, wasReason := m.healthy, m.reason
	m.healthy, m.reason, m.lag, m.checked = reason == "", reason, lag, now
	m.mu.Unlock()
	switch {
	case reason == "" && !was:
		s.log.Info("read replica in use", "replica", m.name, "lag", lag.String())
	case reason != "" && (was || wasReason == "not checked yet"):
		s.log.Warn("read replica skipped", "replica", m.name, "reason", reason)
	}
}

// lagOf measures a standby's lag against the primary's WAL history. With
// the primary unreachable this round, the standby's own view stands in:
// caught up with what it received, or as old as its last replayed
// transaction. A standby behind every sample lags at least the oldest
// sample's age, and at least its own estimate (this matters only in the
// first rounds, before the history reaches back MaxLag).
func (s *Set) lagOf(now time.Time, replayed int64, caughtUp bool, sinceReplay float64, primaryOK bool) time.Duration {
	own := time.Duration(0)
	if !caughtUp {
		own = time.Duration(sinceReplay * float64(time.Second))
	}
	if !primaryOK {
		return own
	}
	lag, ok := s.lsns.lag(now, replayed)
	if ok {
		return lag
	}
	return max(lag, own)
}
