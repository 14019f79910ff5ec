package web

import (
	"context"
	"testing"
	"time"
)

func TestTurnsOneAtATime(t *testing.T) {
	t.Parallel()
	tr := newTurns()
	ctx := context.Background()
	end, ok := tr.begin(ctx, "sombor/a")
	if !ok {
		t.Fatal("begin refused")
	}
	// Another conversation is not held up.
	if endB, ok := tr.begin(ctx, "sombor/b"); !ok {
		t.Fatal("begin of another conversation refused")
	} else {
		endB()
	}
	// A client that gives up while waiting starts nothing.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, ok := tr.begin(short, "sombor/a"); ok || tr.wait(short, "sombor/a") {
		t.Fatal("a second turn of a running conversation started")
	}
	waited := make(chan bool)
	go func() { waited <- tr.wait(ctx, "sombor/a") }()
	select {
	case <-waited:
		t.Fatal("wait returned while the turn runs")
	case <-time.After(20 * time.Millisecond):
	}
	end()
	if !<-waited {
		t.Fatal("wait failed after the turn ended")
	}
	if end2, ok := tr.begin(ctx, "sombor/a"); !ok {
		t.Fatal("begin after the turn ended refused")
	} else {
		end2()
	}
}
