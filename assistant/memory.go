package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/serbian"
)

// Memory keeps conversations and their messages in PostgreSQL.
type Memory struct {
	db *postgres.DB
}

// NewMemory returns the conversation store on db.
func NewMemory(db *postgres.DB) *Memory { return &Memory{db: db} }

// HistoryMessage is one earlier message of a conversation.
type HistoryMessage struct {
	Role    string // "user" or "assistant"
	Content string
}

// Conversation returns the id of the citizen's conversation on a channel,
// creating it on first contact.
func (m *Memory) Conversation(ctx context.Context, municipality string, ch Channel, user string) (int64, error) {
	var id int64
	err := m.db.QueryRow(ctx, `
		INSERT INTO conversations (municipality, channel, channel_user) VALUES ($1, $2, $3)
		ON CONFLICT (municipality, channel, channel_user) DO UPDATE SET last_active_at = now()
		RETURNING id`, municipality, string(ch), user).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("conversation: %w", err)
	}
	return id, nil
}

// FindConversation returns the id of the citizen's conversation on a
// channel without creating one; ok is false when there is none.
func (m *Memory) FindConversation(ctx context.Context, municipality string, ch Channel, user string) (id int64, ok bool, err error) {
	err = m.db.QueryRow(ctx, `SELECT id FROM conversations WHERE municipality = $1 AND channel = $2 AND channel_user = $3`,
		municipality, string(ch), user).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("find conversation: %w", err)
	}
	return id, true, nil
}

// Script returns the script the citizen last wrote in (Latin before any
// message).
func (m *Memory) Script(ctx context.Context, conv int64) (serbian.Script, error) {
	var script string
	if err := m.db.QueryRow(ctx, `SELECT script FROM conversations WHERE id = $1`, conv).Scan(&script); err != nil {
		return serbian.Latin, fmt.Errorf("conversation script: %w", err)
	}
	if script == "cyrillic" {
		return serbian.Cyrillic, nil
	}
	return serbian.Latin, nil
}

// History returns up to n latest messages of the conversation, oldest first.
func (m *Memory) History(ctx context.Context, conv int64, n int) ([]HistoryMessage, error) {
	rows, err := m.db.Query(ctx, `SELECT role, content FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2`, conv, n)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var out []HistoryMessage
	for rows.Next() {
		var h HistoryMessage
		if err := rows.Scan(&h.Role, &h.Content); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	slices.Reverse(out)
	return out, rows.Err()
}

// SaveUser records the citizen's message; text must already be masked.
func (m *Memory) SaveUser(ctx context.Context, conv int64, municipality, text string, script serbian.Script) error {
	_, err := m.db.Exec(ctx, `
		WITH c AS (UPDATE conversations SET script = $4, last_active_at = now() WHERE id = $1)
		INSERT INTO messages (conversation_id, municipality, role, content) VALUES ($1, $2, 'user', $3)`,
		conv, municipality, text, scriptName(script))
	if err != nil {
		return fmt.Errorf("save message: %w", err)
	}
	return nil
}

// SaveNotice adds a message from the city to the citizen's conversation on
// a channel, such as a change of a case's status: the web widget shows it
// with the conversation's history.
func (m *Memory) SaveNotice(ctx context.Context, municipality string, ch Channel, user, text string) error {
	conv, err := m.Conversation(ctx, municipality, ch, user)
	if err != nil {
		return err
	}
	_, err = m.db.Exec(ctx, `
		INSERT INTO messages (conversation_id, municipality, role, content, route, status)
		VALUES ($1, $2, 'assistant', $3, $4, 'answered')`, conv, municipality, text, string(RouteStatus))
	if err != nil {
		return fmt.Errorf("save notice: %w", err)
	}
	return nil
}

// Answer is what is recorded about one reply.
type Answer struct {
	Reply            *Reply
	Confidence       *float64
	ModelMillis      *int
	PromptTokens     int
	CompletionTokens int
	Model            string
	Error            string
}

// SaveAnswer records a reply with its status, citations and figures.
func (m *Memory) SaveAnswer(ctx context.Context, conv int64, municipality string, a Answer) error {
	cites, err := json.Marshal(a.Reply.Citations)
	if err != nil {
		return err
	}
	if a.Reply.Citations == nil {
		cites = []byte("[]")
	}
	_, err = m.db.Exec(ctx, `
		INSERT INTO messages (conversation_id, municipality, role, content, route, status, citations, confidence,
			latency_ms, model_ms, prompt_tokens, completion_tokens, model, error)
		VALUES ($1, $2, 'assistant', $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0), NULLIF($11, 0), NULLIF($12, ''), NULLIF($13, ''))`,
		conv, municipality, a.Reply.Text, string(a.Reply.Route), string(a.Reply.Status), cites, a.Confidence,
		a.Reply.Latency.Milliseconds(), a.ModelMillis, a.PromptTokens, a.CompletionTokens, a.Model, a.Error)
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
