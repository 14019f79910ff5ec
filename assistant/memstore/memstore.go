// Package memstore keeps the assistant's conversations in memory: a
// ConversationStore for tests and for running the engine without a
// database. Nothing survives the process.
package memstore

import (
	"context"
	"slices"
	"sync"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/serbian"
)

// Message is one recorded message of a conversation.
type Message struct {
	Role         string // "user" or "assistant"
	Municipality string
	Content      string
	Script       serbian.Script // of a citizen's message
	Answer       *assistant.Answer
}

type key struct {
	municipality string
	channel      assistant.Channel
	user         string
}

type conversation struct {
	key      key
	script   serbian.Script
	messages []Message
}

// Store is an in-memory assistant.ConversationStore; the zero value is
// not usable, call New. It is safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	ids   map[key]int64
	convs map[int64]*conversation
	next  int64
}

var _ assistant.ConversationStore = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{ids: map[key]int64{}, convs: map[int64]*conversation{}}
}

// Conversation implements assistant.ConversationStore.
func (s *Store) Conversation(_ context.Context, municipality string, ch assistant.Channel, user string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conversation(key{municipality, ch, user}), nil
}

func (s *Store) conversation(k key) int64 {
	if id, ok := s.ids[k]; ok {
		return id
	}
	s.next++
	s.ids[k] = s.next
	s.convs[s.next] = &conversation{key: k, script: serbian.Latin}
	return s.next
}

// FindConversation implements assistant.ConversationStore.
func (s *Store) FindConversation(_ context.Context, municipality string, ch assistant.Channel, user string) (int64, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.ids[key{municipality, ch, user}]
	return id, ok, nil
}

// Script implements assistant.ConversationStore; an unknown conversation
// is fault.ErrNotFound.
func (s *Store) Script(_ context.Context, conv int64) (serbian.Script, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[conv]
	if !ok {
		return serbian.Latin, fault.NotFound("conversation %d", conv)
	}
	return c.script, nil
}

// History implements assistant.ConversationStore.
func (s *Store) History(_ context.Context, conv int64, n int) ([]assistant.HistoryMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[conv]
	if !ok || n <= 0 {
		return nil, nil
	}
	msgs := c.messages[max(0, len(c.messages)-n):]
	out := make([]assistant.HistoryMessage, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, assistant.HistoryMessage{Role: m.Role, Content: m.Content})
	}
	return out, nil
}

// SaveUser implements assistant.ConversationStore; an unknown conversation
// is fault.ErrNotFound.
func (s *Store) SaveUser(_ context.Context, conv int64, municipality, text string, script serbian.Script) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[conv]
	if !ok {
		return fault.NotFound("conversation %d", conv)
	}
	if script != serbian.Cyrillic {
		script = serbian.Latin // as the database keeps it: two scripts only
	}
	c.script = script
	c.messages = append(c.messages, Message{Role: "user", Municipality: municipality, Content: text, Script: script})
	return nil
}

// SaveAnswer implements assistant.ConversationStore; an unknown
// conversation is fault.ErrNotFound. The answer and its reply are copied.
func (s *Store) SaveAnswer(_ context.Context, conv int64, municipality string, a assistant.Answer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[conv]
	if !ok {
		return fault.NotFound("conversation %d", conv)
	}
	if a.Reply != nil {
		r := *a.Reply
		r.Citations = slices.Clone(r.Citations)
		r.QuickReplies = slices.Clone(r.QuickReplies)
		a.Reply = &r
	} else {
		a.Reply = &assistant.Reply{}
	}
	c.messages = append(c.messages, Message{Role: "assistant", Municipality: municipality, Content: a.Reply.Text, Answer: &a})
	return nil
}

// SaveNotice implements assistant.ConversationStore.
func (s *Store) SaveNotice(_ context.Context, municipality string, ch assistant.Channel, user, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.convs[s.conversation(key{municipality, ch, user})]
	a := &assistant.Answer{Reply: &assistant.Reply{Text: text, Route: assistant.RouteStatus, Status: assistant.StatusAnswered}}
	c.messages = append(c.messages, Message{Role: "assistant", Municipality: municipality, Content: text, Answer: a})
	return nil
}

// Messages returns a copy of the conversation's messages, oldest first,
// for tests to inspect what a turn recorded.
func (s *Store) Messages(conv int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[conv]
	if !ok {
		return nil
	}
	return slices.Clone(c.messages)
}
