package web_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/web"
)

// turnGate holds every turn of the wrapped engine until released, counting
// how many run at once.
type turnGate struct {
	web.Assistant
	release chan struct{}
	mu      sync.Mutex
	now     int
	most    int
}

func (g *turnGate) Handle(ctx context.Context, t assistant.Turn, emit func(assistant.Event)) (*assistant.Reply, error) {
	g.mu.Lock()
	g.now++
	g.most = max(g.most, g.now)
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.now--; g.mu.Unlock() }()
	<-g.release
	return g.Assistant.Handle(ctx, t, emit)
}

// TestConcurrentTurnsBounded: with ConcurrentTurns 2, four conversations
// asking at once are all acknowledged, only two turns run at a time, and
// every one is answered once slots free up.
func TestConcurrentTurnsBounded(t *testing.T) {
	t.Parallel()
	g := &turnGate{release: make(chan struct{})}
	b := setup(t, func(c *web.Config) {
		g.Assistant = c.Assistant
		c.Assistant = g
		c.ConcurrentTurns = 2
	})
	var wg sync.WaitGroup
	done := make(chan string, 4)
	for range 4 {
		tok := b.newConversation(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/messages", map[string]string{"text": "Zdravo"}, nil)
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("status %s", res.Status)
				return
			}
			for _, ev := range readSSE(t, res.Body) {
				if ev.Name == "done" {
					done <- tok
				}
			}
		}()
	}
	// Give every request time to reach the channel, then let turns go.
	time.Sleep(500 * time.Millisecond)
	close(g.release)
	wg.Wait()
	if len(done) != 4 {
		t.Errorf("%d of 4 turns answered", len(done))
	}
	if g.most != 2 {
		t.Errorf("%d turns ran at once, want the bound of 2", g.most)
	}
}
