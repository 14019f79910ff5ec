package convstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/assistant"
)

// citizenConversation keeps to citizens' channels: `mia ask` and `mia
// eval` talk to the engine on the cli channel and are not usage.
const citizenConversation = `conversation_id IN (SELECT id FROM conversations WHERE channel <> 'cli')`

// Usage implements assistant.UsageReader. Answers are ordered by status.
func (s *Store) Usage(ctx context.Context, municipality string) (assistant.Usage, error) {
	var u assistant.Usage
	err := s.db.QueryRow(ctx, `
		SELECT count(DISTINCT (channel, channel_user)), count(*) FROM conversations
		WHERE municipality = $1 AND channel <> 'cli'`, municipality).
		Scan(&u.Citizens, &u.Conversations)
	if err != nil {
		return u, fmt.Errorf("usage conversations: %w", err)
	}
	if u.Answers, err = s.counts(ctx, "answers", `
		SELECT status, count(*) FROM messages
		WHERE municipality = $1 AND role = 'assistant' AND status IS NOT NULL AND `+citizenConversation+`
		GROUP BY status ORDER BY status`, municipality); err != nil {
		return u, err
	}
	if u.Routes, err = s.counts(ctx, "routes", `
		SELECT route, count(*) FROM messages
		WHERE municipality = $1 AND role = 'assistant' AND coalesce(route, '') <> '' AND `+citizenConversation+`
		GROUP BY route ORDER BY count(*) DESC, route LIMIT 10`, municipality); err != nil {
		return u, err
	}
	// A document cited twice in one answer counts once for that answer.
	if u.Documents, err = s.counts(ctx, "documents", `
		SELECT doc, count(*) FROM (
			SELECT DISTINCT m.id, coalesce(nullif(c->>'title', ''), c->>'source') AS doc
			FROM messages m, jsonb_array_elements(CASE WHEN jsonb_typeof(m.citations) = 'array' THEN m.citations ELSE '[]' END) c
			WHERE m.municipality = $1 AND m.role = 'assistant' AND `+citizenConversation+`
		) d WHERE coalesce(doc, '') <> '' GROUP BY doc ORDER BY count(*) DESC, doc LIMIT 10`, municipality); err != nil {
		return u, err
	}
	return u, nil
}

// counts runs a two-column (key, count) query.
func (s *Store) counts(ctx context.Context, what, sql string, args ...any) ([]assistant.Count, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("usage %s: %w", what, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (assistant.Count, error) {
		var c assistant.Count
		err := r.Scan(&c.Key, &c.N)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("usage %s: %w", what, err)
	}
	return out, nil
}
