package assistant_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/assistant/memstore"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/llm/testserver"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/rag"
)

// heldSearch blocks every search until release is closed, counting how
// many run at once.
type heldSearch struct {
	release   chan struct{}
	entered   chan struct{}
	now, most atomic.Int32
}

func (h *heldSearch) Search(ctx context.Context, q rag.Query) (*rag.Results, error) {
	n := h.now.Add(1)
	defer h.now.Add(-1)
	for {
		m := h.most.Load()
		if n <= m || h.most.CompareAndSwap(m, n) {
			break
		}
	}
	h.entered <- struct{}{}
	<-h.release
	return passageSearch(ctx, q)
}

func boundedEngine(t *testing.T, search assistant.Searcher, n int) (*assistant.Engine, *memstore.Store) {
	t.Helper()
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	e, err := assistant.New(assistant.Config{Municipalities: reg, Memory: store, Answerability: acceptQuoted,
		Search: search, ConcurrentTurns: n})
	if err != nil {
		t.Fatal(err)
	}
	return e, store
}

// TestConcurrentTurnsBounded: with ConcurrentTurns 2, four citizens asking
// at once are all answered, never more than two turns working at a time;
// a turn that finds no slot before its context ends gets ErrBusy and
// leaves nothing recorded.
func TestConcurrentTurnsBounded(t *testing.T) {
	t.Parallel()
	h := &heldSearch{release: make(chan struct{}), entered: make(chan struct{}, 8)}
	e, store := boundedEngine(t, h, 2)
	turn := func(user string) assistant.Turn {
		return assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb, UserID: user, Text: "Do kada se plaća porez na imovinu?"}
	}
	var wg sync.WaitGroup
	var answered atomic.Int32
	for _, u := range []string{"a", "b", "c", "d"} {
		wg.Go(func() {
			r, err := e.Handle(context.Background(), turn(u), nil)
			if err != nil {
				t.Error(err)
				return
			}
			if r.Status == assistant.StatusAnswered {
				answered.Add(1)
			}
		})
	}
	<-h.entered
	<-h.entered
	// Two turns hold the slots: a fifth with a short deadline is refused.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := e.Handle(ctx, turn("busy"), nil); !errors.Is(err, assistant.ErrBusy) {
		t.Errorf("a turn finding no slot: %v, want ErrBusy", err)
	}
	if _, ok, _ := store.FindConversation(context.Background(), "sombor", assistant.ChannelWeb, "busy"); ok {
		t.Error("a refused turn left a conversation behind")
	}
	close(h.release)
	wg.Wait()
	if n := answered.Load(); n != 4 {
		t.Errorf("%d of 4 turns answered", n)
	}
	if m := h.most.Load(); m != 2 {
		t.Errorf("%d turns worked at once, want the bound of 2", m)
	}
}

// TestModelWaitHoldsNoSlot: with one slot, two citizens' questions are
// both with the model at the same time: a turn waiting for the model
// gives its slot up (with a model, a slot bounds the work around the
// call, not the seconds of the call).
func TestModelWaitHoldsNoSlot(t *testing.T) {
	b := setup(t)
	release := make(chan struct{})
	srv := testserver.New(t,
		testserver.Text("Porez na imovinu plaća se tromesečno.").PauseAfter(1, release),
		testserver.Text("Porez na imovinu plaća se tromesečno.").PauseAfter(1, release))
	chat, err := llm.NewChatClient(llm.Config{BaseURL: srv.URL, ChatModel: "test-model"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := b.cfg
	cfg.Chat, cfg.ConcurrentTurns = chat, 1
	e, err := assistant.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, u := range []string{"first", "second"} {
		wg.Go(func() {
			if _, err := e.Handle(context.Background(), assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb,
				UserID: u, Text: "Do kada se plaća porez na imovinu?"}, nil); err != nil {
				t.Error(err)
			}
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Requests()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d of 2 questions reached the model while the first waited for it", n)
	}
	close(release)
	wg.Wait()
}
