package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/assistant/memstore"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/serbian"
)

func TestStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	if _, ok, _ := s.FindConversation(ctx, "sombor", assistant.ChannelWeb, "a"); ok {
		t.Fatal("found a conversation before first contact")
	}
	id, _ := s.Conversation(ctx, "sombor", assistant.ChannelWeb, "a")
	if again, _ := s.Conversation(ctx, "sombor", assistant.ChannelWeb, "a"); again != id {
		t.Fatal("a second contact opened another conversation")
	}
	if other, _ := s.Conversation(ctx, "sombor", assistant.ChannelViber, "a"); other == id {
		t.Fatal("two channels share a conversation")
	}
	if found, ok, err := s.FindConversation(ctx, "sombor", assistant.ChannelWeb, "a"); !ok || err != nil || found != id {
		t.Fatalf("find %d %v %v", found, ok, err)
	}
	if sc, err := s.Script(ctx, id); err != nil || sc != serbian.Latin {
		t.Fatalf("script before any message: %v %v", sc, err)
	}
	if _, err := s.Script(ctx, 999); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unknown conversation: %v", err)
	}
	if err := s.SaveUser(ctx, 999, "sombor", "x", serbian.Latin); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("save to an unknown conversation: %v", err)
	}
	s.SaveUser(ctx, id, "sombor", "здраво", serbian.Cyrillic)
	reply := &assistant.Reply{Text: "Добар дан", Route: assistant.RouteGreeting, Status: assistant.StatusAnswered,
		Citations: []assistant.Citation{{N: 1}}}
	s.SaveAnswer(ctx, id, "sombor", assistant.Answer{Reply: reply})
	reply.Citations[0].N = 2 // the store keeps its own copy
	s.SaveNotice(ctx, "sombor", assistant.ChannelWeb, "a", "Пријава је решена.")
	if sc, _ := s.Script(ctx, id); sc != serbian.Cyrillic {
		t.Errorf("script %v after a Cyrillic message", sc)
	}
	hist, _ := s.History(ctx, id, 2)
	if len(hist) != 2 || hist[0].Content != "Добар дан" || hist[1].Content != "Пријава је решена." || hist[1].Role != "assistant" {
		t.Errorf("history %+v", hist)
	}
	if all, _ := s.History(ctx, id, 10); len(all) != 3 || all[0].Role != "user" {
		t.Errorf("whole history %+v", all)
	}
	msgs := s.Messages(id)
	if msgs[1].Answer.Reply.Citations[0].N != 1 || msgs[2].Answer.Reply.Route != assistant.RouteStatus {
		t.Errorf("recorded %+v %+v", msgs[1].Answer.Reply, msgs[2].Answer.Reply)
	}
}

func TestConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			id, _ := s.Conversation(ctx, "sombor", assistant.ChannelWeb, fmt.Sprint(i%4))
			s.SaveUser(ctx, id, "sombor", "pitanje", serbian.Latin)
			s.SaveAnswer(ctx, id, "sombor", assistant.Answer{Reply: &assistant.Reply{Text: "odgovor"}})
			s.History(ctx, id, 3)
		})
	}
	wg.Wait()
	for u := range 4 {
		id, _, _ := s.FindConversation(ctx, "sombor", assistant.ChannelWeb, fmt.Sprint(u))
		if n := len(s.Messages(id)); n != 10 {
			t.Errorf("user %d: %d messages, want 10", u, n)
		}
	}
}
