package replica

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/miasrbija/mia/postgres"
)

func TestClassify(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	pg := func(code string) error { return fmt.Errorf("search: %w", &pgconn.PgError{Code: code}) }
	for _, tc := range []struct {
		name          string
		ctx           context.Context
		err           error
		retry, broken bool
	}{
		{"connection lost mid-query", live, fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true, true},
		{"admin shutdown", live, pg("57P01"), true, true},
		{"cannot connect now (starting up)", live, pg("57P03"), true, true},
		{"connection failure", live, pg("08006"), true, true},
		{"too many connections", live, pg("53300"), true, true},
		{"recovery conflict", live, pg("40001"), true, false},
		{"behind another replica", live, fmt.Errorf("lexemes: %w", postgres.ErrStaleRead), true, false},
		{"statement cancelled", live, pg("57014"), false, false},
		{"syntax error fails anywhere", live, pg("42601"), false, false},
		{"caller gave up", done, io.ErrUnexpectedEOF, false, false},
		{"deadline", live, fmt.Errorf("x: %w", context.DeadlineExceeded), false, false},
	} {
		retry, broken := classify(tc.ctx, tc.err)
		if retry != tc.retry || broken != tc.broken {
			t.Errorf("%s: retry %v broken %v; want %v %v", tc.name, retry, broken, tc.retry, tc.broken)
		}
	}
}

func TestHistoryLag(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	h := history{keep: 10 * time.Second}
	for i := range 30 { // one sample a second, WAL growing 100 bytes a second
		h.add(sample{at: t0.Add(time.Duration(i) * time.Second), lsn: int64(1000 + 100*i)})
	}
	if len(h.samples) != 11 {
		t.Fatalf("kept %d samples; want those of the last 10 s (11)", len(h.samples))
	}
	now := t0.Add(29*time.Second + 200*time.Millisecond)
	for _, tc := range []struct {
		replayed int64
		lag      time.Duration
		ok       bool
	}{
		{3900, 200 * time.Millisecond, true}, // caught up with the last sample
		{3850, 1200 * time.Millisecond, true},
		{3000, 9200 * time.Millisecond, true},
		{2500, 10200 * time.Millisecond, false}, // behind every sample: at least the oldest's age
	} {
		lag, ok := h.lag(now, tc.replayed)
		if lag != tc.lag || ok != tc.ok {
			t.Errorf("replayed %d: lag %s ok %v; want %s %v", tc.replayed, lag, ok, tc.lag, tc.ok)
		}
	}
	// An idle primary: the WAL does not move, a replica at its position is
	// current however long ago the last transaction was.
	idle := history{keep: 10 * time.Second}
	for i := range 30 {
		idle.add(sample{at: t0.Add(time.Duration(i) * time.Second), lsn: 5000})
	}
	if lag, ok := idle.lag(now, 5000); !ok || lag != 200*time.Millisecond {
		t.Errorf("idle primary: lag %s ok %v", lag, ok)
	}
}
