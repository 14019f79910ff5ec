// Package replica sends lag-tolerant reads (search, analytics) to
// PostgreSQL streaming replicas. A Set holds one pool per replica, checks
// each in the background (is it a standby, does it answer, how far behind
// the primary is its replay) and picks a healthy one per call. A replica
// that dies or lags beyond the bound is skipped; a call that fails on a
// replica for a connection reason is run once more on the primary, so a
// citizen's turn never fails because a replica went away.
//
// Writes, the job queue and anything that must read its own writes never
// come here: they use the primary's postgres.DB directly.
package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/miasrbija/mia/postgres"
)

// Defaults of Options.
const (
	DefaultMaxLag      = 10 * time.Second
	DefaultInterval    = time.Second
	DefaultReadTimeout = 5 * time.Second
)

// Options tune a Set; zero values take the defaults.
type Options struct {
	// MaxLag is how far behind the primary a replica may be and still
	// serve reads: it holds everything the primary had committed MaxLag
	// ago. Beyond it the replica is skipped until it catches up.
	MaxLag time.Duration
	// ReadTimeout bounds one read on a replica: past it the read runs on
	// the primary instead, so a replica that hangs (a host gone silent,
	// not refusing) costs time, never the answer. The caller's own
	// deadline still ends both.
	ReadTimeout time.Duration
	// Interval is the time between two checks of every replica. A dead or
	// lagging replica is noticed within it (a failed read notices at once).
	Interval time.Duration
	Log      *slog.Logger // nil discards
}

// Set is the read side of one primary: its replicas and the primary
// itself as the fallback. It implements postgres.Reader.
type Set struct {
	primary  *postgres.DB
	replicas []*member
	opts     Options
	log      *slog.Logger

	reads   [2]atomic.Uint64
	retries atomic.Uint64

	lsns history // the primary's WAL positions over time, for lag

	stop     context.CancelFunc // ends the checks, and a round under way
	stopped  context.Context
	done     chan struct{}
	stopOnce sync.Once
}

var _ postgres.Reader = (*Set)(nil)

// Read targets, the index into Set.reads.
const (
	onReplica = 0
	onPrimary = 1
)

// member is one replica.
type member struct {
	name  string // host:port/database: the URL without credentials, for logs and metrics
	db    *postgres.DB
	reads atomic.Uint64 // answered here

	mu      sync.Mutex
	healthy bool
	lag     time.Duration // at the last check
	reason  string        // why it is not healthy, for logs and Status
	checked time.Time
}

// ParseURLs splits a comma-separated list of replica URLs and checks each
// without connecting. The error never quotes a URL (it may hold a password).
func ParseURLs(v string) ([]string, error) {
	var out []string
	for i, u := range strings.Split(v, ",") {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if _, err := postgres.ParseURL(u); err != nil {
			return nil, fmt.Errorf("URL %d: %w", i+1, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// Open makes a Set over primary and the replicas at urls. It does not fail
// when a replica is down: that replica is skipped until a check finds it
// answering. One round of checks runs before Open returns, so reads go to
// the replicas that answer from the first call. Close stops the checks
// and closes the replicas' pools (not the primary's).
func Open(ctx context.Context, primary *postgres.DB, urls []string, opts Options) (*Set, error) {
	if opts.MaxLag <= 0 {
		opts.MaxLag = DefaultMaxLag
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	s := &Set{primary: primary, opts: opts, log: opts.Log, done: make(chan struct{})}
	s.stopped, s.stop = context.WithCancel(context.Background())
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	// Samples must reach back further than MaxLag, so that a replica
	// behind every sample is known to lag beyond it.
	s.lsns.keep = opts.MaxLag + 3*opts.Interval
	for i, u := range urls {
		db, err := postgres.OpenLazy(ctx, u)
		if err != nil {
			s.closeReplicas()
			return nil, fmt.Errorf("read replica %d: %w", i+1, err)
		}
		s.replicas = append(s.replicas, &member{name: safeName(u, i), db: db, reason: "not checked yet"})
	}
	s.checkAll(ctx)
	go s.loop()
	return s, nil
}

// safeName is a replica's host, port and database, never its password.
func safeName(raw string, i int) string {
	cfg, err := postgres.ParseURL(raw)
	if err != nil {
		return fmt.Sprintf("replica-%d", i+1)
	}
	cc := cfg.ConnConfig
	host := cc.Host
	if strings.HasPrefix(host, "/") {
		host = "socket"
	}
	return net.JoinHostPort(host, strconv.Itoa(int(cc.Port))) + "/" + cc.Database
}

// Close stops the background checks and closes the replicas' pools.
func (s *Set) Close() {
	s.stopOnce.Do(func() {
		s.stop()
		<-s.done
		s.closeReplicas()
	})
}

func (s *Set) closeReplicas() {
	for _, m := range s.replicas {
		m.db.Pool.Close()
	}
}

// Read runs fn on a healthy replica, or on the primary when none is. When
// fn fails on the replica for a reason the primary would not share (the
// connection broke, the server is shutting down, the standby cancelled
// the query to apply WAL, fn found it behind: postgres.ErrStaleRead), fn
// runs once more on the primary, and a broken replica is skipped until the
// next check finds it well. A read that outlasts ReadTimeout on the
// replica runs on the primary too.
func (s *Set) Read(ctx context.Context, fn func(context.Context, *postgres.DB) error) error {
	m := s.pick()
	if m == nil {
		s.reads[onPrimary].Add(1)
		return fn(ctx, s.primary)
	}
	rctx, cancel := context.WithTimeout(ctx, s.opts.ReadTimeout)
	err := fn(rctx, m.db)
	timedOut := err != nil && rctx.Err() != nil && ctx.Err() == nil
	cancel()
	retry, broken := false, false
	switch {
	case timedOut:
		// Slow, not necessarily broken: the checks decide whether it hangs.
		retry = true
	case err != nil:
		retry, broken = classify(ctx, err)
	}
	if !retry {
		s.reads[onReplica].Add(1)
		m.reads.Add(1)
		return err
	}
	if broken {
		s.markDown(m, err)
	}
	s.retries.Add(1)
	s.reads[onPrimary].Add(1)
	if perr := fn(ctx, s.primary); perr != nil {
		return fmt.Errorf("read on the primary after replica %s failed (%v): %w", m.name, err, perr)
	}
	return nil
}

// pick returns a healthy replica, or nil. The start is random, not round
// robin: a search makes a fixed number of calls, and turns in order would
// send the same call of every search (say, the vocabulary's generation) to
// the same replica.
func (s *Set) pick() *member {
	n := len(s.replicas)
	if n == 0 {
		return nil
	}
	start := rand.IntN(n)
	for i := range n {
		m := s.replicas[(start+i)%n]
		m.mu.Lock()
		ok := m.healthy
		m.mu.Unlock()
		if ok {
			return m
		}
	}
	return nil
}

// markDown takes a replica out of use after a failed read; the next
// successful check puts it back. Its pool's connections are dropped, as
// a restarted server would refuse every one of them.
func (s *Set) markDown(m *member, err error) {
	m.mu.Lock()
	was := m.healthy
	m.healthy = false
	m.reason = "read failed: " + err.Error()
	m.mu.Unlock()
	if was {
		m.db.Pool.Reset()
		s.log.Warn("read replica skipped", "replica", m.name, "reason", "read failed", "err", err)
	}
}

// classify says whether a read that failed on a replica should run again
// on the primary, and whether the replica itself is broken.
func classify(ctx context.Context, err error) (retry, broken bool) {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, false // the caller gave up: the primary would not help
	}
	if errors.Is(err, postgres.ErrStaleRead) {
		return true, false // behind another server, within the lag bound
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		// No answer from the server: refused, reset, closed mid-query.
		return true, true
	}
	switch class := pgErr.Code[:2]; {
	case pgErr.Code == "40001" || pgErr.Code == "40P01":
		// A hot standby cancels a query that blocks WAL replay with these
		// codes; the replica is fine, this query was unlucky.
		return true, false
	case class == "08", class == "53", class == "58", class == "57" && pgErr.Code != "57014":
		// Connection exceptions, resources exhausted, system errors and
		// shutdowns (57P01-57P05); 57014 is a cancelled statement.
		return true, true
	}
	return false, false // an SQL error would fail on the primary too
}

// Status is one replica as the last check saw it.
type Status struct {
	Name    string
	Healthy bool
	Lag     time.Duration
	Reason  string // why it is skipped, when it is
	Checked time.Time
	Reads   uint64 // answered by this replica so far
}

// Status reports every replica, in configuration order.
func (s *Set) Status() []Status {
	out := make([]Status, len(s.replicas))
	for i, m := range s.replicas {
		m.mu.Lock()
		out[i] = Status{Name: m.name, Healthy: m.healthy, Lag: m.lag, Reason: m.reason, Checked: m.checked, Reads: m.reads.Load()}
		m.mu.Unlock()
	}
	return out
}

// Counts are the reads a Set has run, by where they ended.
type Counts struct {
	Replica uint64 // answered by a replica
	Primary uint64 // run on the primary: no healthy replica, or a retry
	Retries uint64 // of those on the primary, retries after a replica failed
}

// Counts returns the reads run so far.
func (s *Set) Counts() Counts {
	return Counts{Replica: s.reads[onReplica].Load(), Primary: s.reads[onPrimary].Load(), Retries: s.retries.Load()}
}
