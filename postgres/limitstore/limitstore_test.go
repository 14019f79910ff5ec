package limitstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/limitstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/ratelimit"
	"github.com/miasrbija/mia/ratelimit/limittest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// replicas gives each replica its own pool on one fresh database.
func replicas(t *testing.T) func() ratelimit.Limiter {
	_, url := pgtest.NewDB(t)
	return func() ratelimit.Limiter {
		db, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		return limitstore.New(db, nil)
	}
}

func TestContract(t *testing.T) {
	t.Parallel()
	limittest.Run(t, replicas)
}

// Spent keys are pruned once full again; keys still refilling stay.
func TestPrune(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	s := limitstore.New(db, nil)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	short := ratelimit.Limit{Burst: 2, Every: time.Second}
	long := ratelimit.Limit{Burst: 2, Every: time.Hour}
	for _, k := range []string{"a", "b", "c"} {
		if _, err := s.Allow(ctx, k, short, 1, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Allow(ctx, "slow", long, 1, t0); err != nil {
		t.Fatal(err)
	}
	n, err := s.Prune(ctx, t0.Add(time.Second))
	if err != nil || n != 3 {
		t.Fatalf("pruned %d (%v), want the 3 refilled keys", n, err)
	}
	var left []string
	rows, err := db.Query(ctx, `SELECT key FROM rate_limits`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		left = append(left, k)
	}
	if rows.Err() != nil || len(left) != 1 || left[0] != "slow" {
		t.Fatalf("left %v (%v), want [slow]", left, rows.Err())
	}
	// Checks prune by themselves, at most once a minute: the check two
	// hours on removes "slow" (full again), the one two minutes after it
	// removes that check's own key "x".
	if _, err := s.Allow(ctx, "x", short, 1, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Allow(ctx, "y", short, 1, t0.Add(2*time.Hour+2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	var count int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM rate_limits`).Scan(&count); err != nil || count != 1 {
		t.Fatalf("%d rows after an automatic prune (%v), want only the last check's", count, err)
	}
}

// BenchmarkAllow: one check, one UPSERT on the primary.
func BenchmarkAllow(b *testing.B) {
	db, _ := pgtest.NewDB(b)
	limittest.Bench(b, limitstore.New(db, nil))
}
