package staffstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/postgres/staffstore"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestLoginAttemptsSlidingWindow(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	s, ctx := staffstore.New(db), context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	acct := backoffice.LoginLimit{Key: "email:a", Max: 3, Window: 10 * time.Minute}
	addr := backoffice.LoginLimit{Key: "ip:b", Max: 4, Window: 10 * time.Minute}
	reserve := func(at time.Time, limits ...backoffice.LoginLimit) (bool, time.Time) {
		t.Helper()
		ok, retry, err := s.ReserveLoginAttempt(ctx, at, limits)
		if err != nil {
			t.Fatal(err)
		}
		return ok, retry
	}
	for i := range 3 {
		if ok, _ := reserve(t0.Add(time.Duration(i)*time.Minute), acct, addr); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	// Full: room comes when the oldest attempt leaves the window.
	ok, retry := reserve(t0.Add(3*time.Minute), acct, addr)
	if ok || !retry.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("fourth: ok %v, retry %v", ok, retry)
	}
	if full, retry, err := s.LoginAttemptsFull(ctx, t0.Add(3*time.Minute), []backoffice.LoginLimit{acct, addr}); err != nil || !full || !retry.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("full: %v %v %v", full, retry, err)
	}
	// The refusal recorded nothing, not even under the key with room.
	if ok, _ := reserve(t0.Add(3*time.Minute), addr); !ok {
		t.Fatal("address refused after a refused reservation")
	}
	if ok, _ := reserve(t0.Add(3*time.Minute), addr); ok {
		t.Fatal("address allowed a fifth attempt")
	}
	// Released attempts free their place; the oldest leaving does too.
	if err := s.ReleaseLoginAttempt(ctx, t0.Add(2*time.Minute), acct.Key); err != nil {
		t.Fatal(err)
	}
	if ok, _ := reserve(t0.Add(4*time.Minute), acct); !ok {
		t.Fatal("released place not free")
	}
	if ok, _ := reserve(t0.Add(10*time.Minute+time.Second), acct); !ok {
		t.Fatal("window passed, still refused")
	}
	if err := s.ClearLoginAttempts(ctx, acct.Key); err != nil {
		t.Fatal(err)
	}
	if full, _, err := s.LoginAttemptsFull(ctx, t0.Add(10*time.Minute+time.Second), []backoffice.LoginLimit{acct}); err != nil || full {
		t.Fatalf("after clear: %v %v", full, err)
	}
}

// Parallel reservations for one key, sharing a second key in either
// order, never overshoot and never deadlock.
func TestLoginAttemptsParallel(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	s, ctx := staffstore.New(db), context.Background()
	at := time.Now()
	var ok atomic.Int64
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			limits := []backoffice.LoginLimit{{Key: "email:x", Max: 5, Window: time.Minute}, {Key: "ip:y", Max: 100, Window: time.Minute}}
			if i%2 == 1 {
				limits[0], limits[1] = limits[1], limits[0]
			}
			reserved, _, err := s.ReserveLoginAttempt(ctx, at, limits)
			if err != nil {
				t.Error(err)
				return
			}
			if reserved {
				ok.Add(1)
				if err := s.ReleaseLoginAttempt(ctx, at, "ip:y", "email:x"); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if ok.Load() < 5 || ok.Load() > 30 {
		t.Fatalf("%d reserved", ok.Load())
	}
	// Every reservation was released: nothing is left under either key.
	full, _, err := s.LoginAttemptsFull(ctx, at, []backoffice.LoginLimit{{Key: "email:x", Max: 1, Window: time.Minute}, {Key: "ip:y", Max: 1, Window: time.Minute}})
	if err != nil || full {
		t.Fatalf("left over: %v %v", full, err)
	}
}
