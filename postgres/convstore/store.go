// Package convstore keeps the assistant's conversations and messages in
// PostgreSQL (tables conversations and messages): the engine's memory,
// the record of every answer and the usage figures read from it.
package convstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/serbian"
)

// Store is the PostgreSQL conversation store. It is safe for concurrent use.
type Store struct {
	db *postgres.DB
}

var (
	_ assistant.ConversationStore = (*Store)(nil)
	_ assistant.UsageReader       = (*Store)(nil)
)

// New returns the conversation store on db.
func New(db *postgres.DB) *Store { return &Store{db: db} }

// conversationSQL finds the conversation or, on first contact, creates it,
// in one statement. Every turn starts here, and a conversation that exists
// is only read: no row version, WAL record or durable commit (the turn's
// message, written next, marks it active). When two first contacts race,
// the one that finds the other's row in conflict takes it (DO UPDATE
// returns it, where DO NOTHING would return nothing).
const conversationSQL = `
	WITH found AS (
		SELECT id FROM conversations WHERE municipality = $1 AND channel = $2 AND channel_user = $3),
	created AS (
		INSERT INTO conversations (municipality, channel, channel_user)
		SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT FROM found)
		ON CONFLICT (municipality, channel, channel_user) DO UPDATE SET last_active_at = now()
		RETURNING id)
	SELECT id FROM found UNION ALL SELECT id FROM created`

// Conversation implements assistant.ConversationStore.
func (s *Store) Conversation(ctx context.Context, municipality string, ch assistant.Channel, user string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, conversationSQL, municipality, string(ch), user).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("conversation: %w", err)
	}
	return id, nil
}

// FindConversation implements assistant.ConversationStore.
func (s *Store) FindConversation(ctx context.Context, municipality string, ch assistant.Channel, user string) (id int64, ok bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT id FROM conversations WHERE municipality = $1 AND channel = $2 AND channel_user = $3`,
		municipality, string(ch), user).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("find conversation: %w", err)
	}
	return id, true, nil
}

// Script implements assistant.ConversationStore; an unknown conversation
// is fault.ErrNotFound.
func (s *Store) Script(ctx context.Context, conv int64) (serbian.Script, error) {
	var script string
	err := s.db.QueryRow(ctx, `SELECT script FROM conversations WHERE id = $1`, conv).Scan(&script)
	if errors.Is(err, pgx.ErrNoRows) {
		return serbian.Latin, fault.Wrap(fault.ErrNotFound, err, "conversation %d", conv)
	}
	if err != nil {
		return serbian.Latin, fmt.Errorf("conversation script: %w", err)
	}
	if script == "cyrillic" {
		return serbian.Cyrillic, nil
	}
	return serbian.Latin, nil
}

// History implements assistant.ConversationStore. An assistant message
// comes with its citations, buttons, form and case, and a handover's
// message with who wrote it.
func (s *Store) History(ctx context.Context, conv int64, n int) ([]assistant.HistoryMessage, error) {
	rows, err := s.db.Query(ctx, `
		SELECT m.id, m.role, m.content, COALESCE(m.route, ''), COALESCE(m.status, ''), m.citations, m.quick_replies, COALESCE(m.form, ''), COALESCE(m.case_ref, ''),
			COALESCE(h.sender, ''), COALESCE(h.staff_name, ''), COALESCE(f.rating, '')
		FROM messages m LEFT JOIN handover_messages h ON h.message_id = m.id
			LEFT JOIN answer_feedback f ON f.message_id = m.id
		WHERE m.conversation_id = $1 ORDER BY m.id DESC LIMIT $2`, conv, n)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (assistant.HistoryMessage, error) {
		var h assistant.HistoryMessage
		var cites, quick []byte
		var route, status string
		if err := r.Scan(&h.ID, &h.Role, &h.Content, &route, &status, &cites, &quick, &h.Form, &h.CaseRef, &h.Sender, &h.StaffName, &h.Rating); err != nil {
			return h, err
		}
		h.Route, h.Status = assistant.Route(route), assistant.Status(status)
		if err := json.Unmarshal(cites, &h.Citations); err != nil {
			return h, fmt.Errorf("message %d citations: %w", h.ID, err)
		}
		if err := json.Unmarshal(quick, &h.QuickReplies); err != nil {
			return h, fmt.Errorf("message %d quick replies: %w", h.ID, err)
		}
		return h, nil
	})
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

// SaveUser implements assistant.ConversationStore.
func (s *Store) SaveUser(ctx context.Context, conv int64, municipality, text string, script serbian.Script) error {
	_, err := s.db.Exec(ctx, `
		WITH c AS (UPDATE conversations SET script = $4, last_active_at = now() WHERE id = $1)
		INSERT INTO messages (conversation_id, municipality, role, content) VALUES ($1, $2, 'user', $3)`,
		conv, municipality, text, scriptName(script))
	if err != nil {
		return fmt.Errorf("save message: %w", err)
	}
	return nil
}

// SaveNotice implements assistant.ConversationStore.
func (s *Store) SaveNotice(ctx context.Context, municipality string, ch assistant.Channel, user, text string) error {
	conv, err := s.Conversation(ctx, municipality, ch, user)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `
		INSERT INTO messages (conversation_id, municipality, role, content, route, status)
		VALUES ($1, $2, 'assistant', $3, $4, $5)`,
		conv, municipality, text, string(assistant.RouteStatus), string(assistant.StatusAnswered))
	if err != nil {
		return fmt.Errorf("save notice: %w", err)
	}
	return nil
}

// SaveAnswer implements assistant.ConversationStore.
func (s *Store) SaveAnswer(ctx context.Context, conv int64, municipality string, a assistant.Answer) error {
	cites := []byte("[]")
	if a.Reply.Citations != nil {
		var err error
		if cites, err = json.Marshal(a.Reply.Citations); err != nil {
			return fmt.Errorf("save answer: %w", err)
		}
	}
	quick := []byte("[]")
	if a.Reply.QuickReplies != nil {
		var err error
		if quick, err = json.Marshal(a.Reply.QuickReplies); err != nil {
			return fmt.Errorf("save answer: %w", err)
		}
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO messages (conversation_id, municipality, role, content, route, status, citations, confidence,
			latency_ms, model_ms, prompt_tokens, completion_tokens, model, error, quick_replies, form, case_ref)
		VALUES ($1, $2, 'assistant', $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0), NULLIF($11, 0), NULLIF($12, ''), NULLIF($13, ''),
			$14, NULLIF($15, ''), NULLIF($16, ''))`,
		conv, municipality, a.Reply.Text, string(a.Reply.Route), string(a.Reply.Status), cites, a.Confidence,
		a.Reply.Latency.Milliseconds(), a.ModelMillis, a.PromptTokens, a.CompletionTokens, a.Model, a.Error,
		quick, a.Reply.Form, a.Reply.CaseRef)
	if err != nil {
		return fmt.Errorf("save answer: %w", err)
	}
	return nil
}

func scriptName(s serbian.Script) string {
	if s == serbian.Cyrillic {
		return "cyrillic"
	}
	return "latin"
}
