package web

import (
	"strings"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	l := newLimiter(Limit{Rate: 0.5, Burst: 2}, func() time.Time { return now })
	for i := range 2 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d refused within the burst", i)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != 2*time.Second {
		t.Fatalf("third request: %v, wait %v; want refused for 2s", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(2 * time.Second)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("not refilled after 2s")
	}
	if ok, _ := newLimiter(Limit{Rate: -1}, time.Now).allow("x"); !ok {
		t.Fatal("a negative rate does not disable the limit")
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	l := newLimiter(Limit{Rate: 1, Burst: 1}, func() time.Time { return now })
	for i := range 5000 {
		now = now.Add(time.Second) // every earlier bucket has refilled
		l.allow(strings.Repeat("k", i%7) + string(rune('a'+i%26)) + time.Duration(i).String())
	}
	if n := len(l.buckets); n > 1024 {
		t.Errorf("%d buckets kept, want at most 1024", n)
	}
}
