package main

import (
	"runtime"
	"testing"
)

// TestConcurrentTurnsDefault: with no bound set, a database on this
// machine gets one turn per CPU (turns would only queue inside it), one
// elsewhere the engine's default; a bound set is kept.
func TestConcurrentTurnsDefault(t *testing.T) {
	cpus := runtime.GOMAXPROCS(0)
	for _, tt := range []struct {
		url  string
		set  int
		want int
	}{
		{"postgres://postgres@127.0.0.1:5432/mia", 0, cpus},
		{"postgres://postgres@localhost/mia", 0, cpus},
		{"postgres://postgres@[::1]:5432/mia", 0, cpus},
		{"host=/var/run/postgresql dbname=mia", 0, cpus},
		{"postgres://mia@db.internal:5432/mia", 0, 0},
		{"postgres://mia@10.0.0.5/mia", 0, 0},
		{"postgres://postgres@127.0.0.1:5432/mia", 12, 12},
		{"not a url ::", 0, 0},
	} {
		c := &Config{DatabaseURL: tt.url, ConcurrentTurns: tt.set}
		if got := c.concurrentTurns(); got != tt.want {
			t.Errorf("%q with %d set: %d, want %d", tt.url, tt.set, got, tt.want)
		}
	}
}
