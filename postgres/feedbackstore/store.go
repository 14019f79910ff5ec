// Package feedbackstore keeps package feedback's tables in PostgreSQL:
// answer_feedback (one vote per answer), gap_groups and gap_questions
// (the knowledge gaps). It reads the conversation tables (messages,
// conversations) to find the answers and questions it refers to, and
// never writes them.
package feedbackstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/feedback"
	"github.com/miasrbija/mia/postgres"
)

// Store is the PostgreSQL feedback store. It is safe for concurrent use.
type Store struct {
	db *postgres.DB
}

var _ feedback.Store = (*Store)(nil)

// New returns the feedback store on db.
func New(db *postgres.DB) *Store { return &Store{db: db} }

// citizens keeps to citizens' channels: `mia ask` and `mia eval` talk on
// the cli channel, and their declined questions are not the city's gaps.
const citizens = `channel <> 'cli'`

func ratableRoutes() []string {
	out := make([]string, len(feedback.RatableRoutes))
	for i, r := range feedback.RatableRoutes {
		out[i] = string(r)
	}
	return out
}

// Rate implements feedback.Store. The answer must be a ratable answer of
// the citizen's own conversation: the vote is written only when the
// conversation found by (municipality, channel, user) holds it.
func (s *Store) Rate(ctx context.Context, v feedback.Vote) error {
	tag, err := s.db.Exec(ctx, `
		INSERT INTO answer_feedback (message_id, conversation_id, municipality, rating, reason, comment)
		SELECT m.id, m.conversation_id, m.municipality, $5, NULLIF($6, ''), $7
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.id = $1 AND m.role = 'assistant' AND m.route = ANY($8) AND m.status <> 'error'
			AND c.municipality = $2 AND c.channel = $3 AND c.channel_user = $4
		ON CONFLICT (message_id) DO UPDATE
		SET rating = EXCLUDED.rating, reason = EXCLUDED.reason, comment = EXCLUDED.comment, updated_at = now()`,
		v.MessageID, v.Municipality, string(v.Channel), v.User, string(v.Rating), string(v.Reason), v.Comment, ratableRoutes())
	if err != nil {
		return fmt.Errorf("rate answer: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fault.NotFound("answer %d is not a ratable answer of this conversation", v.MessageID)
	}
	return nil
}

// WantComment implements feedback.Store.
func (s *Store) WantComment(ctx context.Context, message int64, until time.Time) error {
	tag, err := s.db.Exec(ctx, `UPDATE answer_feedback SET comment_wanted_until = $2 WHERE message_id = $1`, message, until)
	if err != nil {
		return fmt.Errorf("want comment: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fault.NotFound("no vote on answer %d", message)
	}
	return nil
}

// TakeComment implements feedback.Store. Every wait of the citizen's
// conversation ends; the latest vote waiting gets the comment.
func (s *Store) TakeComment(ctx context.Context, municipality string, ch assistant.Channel, user, comment string) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `
		WITH waiting AS (
			SELECT f.message_id, f.comment_wanted_until > now() AND f.rating = 'down' AS live
			FROM answer_feedback f JOIN conversations c ON c.id = f.conversation_id
			WHERE c.municipality = $1 AND c.channel = $2 AND c.channel_user = $3 AND f.comment_wanted_until IS NOT NULL
			FOR UPDATE OF f
		), latest AS (
			SELECT message_id FROM waiting WHERE live ORDER BY message_id DESC LIMIT 1
		), done AS (
			UPDATE answer_feedback f SET comment_wanted_until = NULL,
				comment = CASE WHEN f.message_id IN (SELECT message_id FROM latest) AND $4 <> '' THEN $4 ELSE f.comment END,
				reason = CASE WHEN f.message_id IN (SELECT message_id FROM latest) AND $4 <> '' THEN 'other' ELSE f.reason END,
				updated_at = now()
			WHERE f.message_id IN (SELECT message_id FROM waiting)
			RETURNING f.message_id IN (SELECT message_id FROM latest) AS took
		)
		SELECT count(*) FILTER (WHERE took) FROM done`, municipality, string(ch), user, comment).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("take comment: %w", err)
	}
	return n > 0 && comment != "", nil
}

// Downs implements feedback.Store.
func (s *Store) Downs(ctx context.Context, message int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `
		SELECT count(*) FROM answer_feedback
		WHERE rating = 'down' AND conversation_id = (SELECT conversation_id FROM messages WHERE id = $1)`, message).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count down votes: %w", err)
	}
	return n, nil
}

// AnswerID implements feedback.Store.
func (s *Store) AnswerID(ctx context.Context, conv int64, route assistant.Route, status assistant.Status) (int64, bool, error) {
	var id int64
	err := s.db.QueryRow(ctx, `
		SELECT id FROM messages
		WHERE conversation_id = $1 AND role = 'assistant' AND route = $2 AND status = $3
		ORDER BY id DESC LIMIT 1`, conv, string(route), string(status)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("answer id: %w", err)
	}
	return id, true, nil
}

// SetGapStatus implements feedback.Store; staffID 0 records no one.
func (s *Store) SetGapStatus(ctx context.Context, municipality string, group int64, st feedback.GapStatus, staffID int64) error {
	var by *int64
	if staffID != 0 {
		by = &staffID
	}
	tag, err := s.db.Exec(ctx, `
		UPDATE gap_groups SET status = $3, status_changed_at = now(), status_changed_by = $4
		WHERE id = $2 AND municipality = $1`, municipality, group, string(st), by)
	if err != nil {
		return fmt.Errorf("set gap status: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fault.NotFound("gap group %d", group)
	}
	return nil
}

// Ratings implements feedback.Store. Weeks are those of the answers
// rated (Monday to Sunday, UTC).
func (s *Store) Ratings(ctx context.Context, municipality string) (*feedback.RatingStats, error) {
	out := &feedback.RatingStats{}
	rows, err := s.db.Query(ctx, `
		SELECT date_trunc('week', m.created_at AT TIME ZONE 'UTC'),
			count(*) FILTER (WHERE f.rating = 'up'), count(*) FILTER (WHERE f.rating = 'down')
		FROM answer_feedback f
		JOIN messages m ON m.id = f.message_id
		JOIN conversations c ON c.id = f.conversation_id AND c.`+citizens+`
		WHERE f.municipality = $1
		GROUP BY 1 ORDER BY 1`, municipality)
	if err != nil {
		return nil, fmt.Errorf("ratings by week: %w", err)
	}
	out.Weeks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (feedback.WeekRatings, error) {
		var w feedback.WeekRatings
		err := r.Scan(&w.Week, &w.Up, &w.Down)
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("ratings by week: %w", err)
	}
	rows, err = s.db.Query(ctx, `
		SELECT m.route, count(*) FILTER (WHERE f.rating = 'up'), count(*) FILTER (WHERE f.rating = 'down')
		FROM answer_feedback f
		JOIN messages m ON m.id = f.message_id
		JOIN conversations c ON c.id = f.conversation_id AND c.`+citizens+`
		WHERE f.municipality = $1
		GROUP BY 1 ORDER BY count(*) DESC, 1`, municipality)
	if err != nil {
		return nil, fmt.Errorf("ratings by route: %w", err)
	}
	out.Routes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (feedback.KeyRatings, error) {
		var k feedback.KeyRatings
		err := r.Scan(&k.Key, &k.Up, &k.Down)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("ratings by route: %w", err)
	}
	// Every cited document, as titled (feedback.MergeDocuments puts the
	// scripts of one document together); a document cited twice in one
	// answer counts once for it.
	rows, err = s.db.Query(ctx, `
		SELECT d.doc, count(*), count(*) FILTER (WHERE f.rating = 'up'), count(*) FILTER (WHERE f.rating = 'down')
		FROM (
			SELECT DISTINCT m.id, coalesce(nullif(c->>'title', ''), c->>'source') AS doc
			FROM messages m
			JOIN conversations cv ON cv.id = m.conversation_id AND cv.`+citizens+`,
				jsonb_array_elements(CASE WHEN jsonb_typeof(m.citations) = 'array' THEN m.citations ELSE '[]' END) c
			WHERE m.municipality = $1 AND m.role = 'assistant'
		) d
		LEFT JOIN answer_feedback f ON f.message_id = d.id
		WHERE coalesce(d.doc, '') <> ''
		GROUP BY d.doc ORDER BY count(*) DESC, d.doc`, municipality)
	if err != nil {
		return nil, fmt.Errorf("ratings by document: %w", err)
	}
	out.Documents, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (feedback.DocumentRatings, error) {
		var d feedback.DocumentRatings
		err := r.Scan(&d.Title, &d.Cited, &d.Up, &d.Down)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("ratings by document: %w", err)
	}
	return out, nil
}
