package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/web"
)

// busyEngine is an engine whose work slots stay taken past every turn's
// deadline (assistant.Config.ConcurrentTurns).
type busyEngine struct{ web.Assistant }

func (busyEngine) Handle(ctx context.Context, t assistant.Turn, emit func(assistant.Event)) (*assistant.Reply, error) {
	return nil, fmt.Errorf("%w: %w", assistant.ErrBusy, context.DeadlineExceeded)
}

// TestBusyEngineSaysSo: a turn that found no free slot in the engine is
// acknowledged and then ends with the "busy" error event, which tells the
// citizen to try again, not that something broke.
func TestBusyEngineSaysSo(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *web.Config) { c.Assistant = busyEngine{c.Assistant} })
	tok := b.newConversation(t)
	res := b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/messages", map[string]string{"text": "Zdravo"}, nil)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %s", res.Status)
	}
	events := readSSE(t, res.Body)
	if len(events) != 2 || events[0].Name != "start" || events[1].Name != "error" {
		t.Fatalf("events %+v, want start then error", events)
	}
	e, _ := events[1].Data["error"].(map[string]any)
	if e["code"] != "busy" {
		t.Errorf("error %v, want code busy", events[1].Data)
	}
}
