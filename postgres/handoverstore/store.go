// Package handoverstore keeps package handover's tables in PostgreSQL:
// handover_requests and handover_messages. A staff or system message is
// also written to the citizen's conversation (messages), in the same
// transaction, so a reload and the engine see it; otherwise it only reads
// the conversation tables. The live side (live.go) LISTENs on mia_live,
// which the migration's triggers notify.
package handoverstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/serbian"
)

// Store is the PostgreSQL handover store. It is safe for concurrent use.
type Store struct {
	db  *postgres.DB
	hub *hub
}

var (
	_ handover.Store     = (*Store)(nil)
	_ handover.Live      = (*Store)(nil)
	_ assistant.Handover = (*Store)(nil)
)

// New returns the store on db. Live subscriptions need Listen running.
func New(db *postgres.DB) *Store { return &Store{db: db, hub: newHub()} }

const requestCols = `id, municipality, conversation_id, channel, channel_user, body, script, status,
	COALESCE(close_reason, ''), requested_at, taken_at, COALESCE(taken_by, 0), taken_by_name, closed_at`

func scanRequest(row pgx.Row) (*handover.Request, error) {
	var r handover.Request
	var script, status string
	err := row.Scan(&r.ID, &r.Municipality, &r.ConversationID, &r.Channel, &r.ChannelUser, &r.Body, &script, &status,
		&r.CloseReason, &r.RequestedAt, &r.TakenAt, &r.TakenBy, &r.TakenByName, &r.ClosedAt)
	if err != nil {
		return nil, err
	}
	r.Status = handover.Status(status)
	r.Script = serbian.Latin
	if script == "cyrillic" {
		r.Script = serbian.Cyrillic
	}
	return &r, nil
}

func scriptName(s serbian.Script) string {
	if s == serbian.Cyrillic {
		return "cyrillic"
	}
	return "latin"
}

// one reads a single request, turning no rows into notFound.
func one(row pgx.Row, notFound error) (*handover.Request, error) {
	r, err := scanRequest(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("handover request: %w", err)
	}
	return r, nil
}

// OpenRequest implements handover.Store.
func (s *Store) OpenRequest(ctx context.Context, conv int64) (*handover.Request, error) {
	return one(s.db.QueryRow(ctx, `SELECT `+requestCols+` FROM handover_requests
		WHERE conversation_id = $1 AND status IN ('waiting', 'active')`, conv),
		fault.NotFound("open handover of conversation %d", conv))
}

// CreateRequest implements handover.Store. The partial unique index on
// open requests decides between two concurrent requests of one
// conversation.
func (s *Store) CreateRequest(ctx context.Context, r handover.Request) (*handover.Request, bool, error) {
	got, err := one(s.db.QueryRow(ctx, `
		INSERT INTO handover_requests (municipality, conversation_id, channel, channel_user, body, script, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (conversation_id) WHERE status IN ('waiting', 'active') DO NOTHING
		RETURNING `+requestCols, r.Municipality, r.ConversationID, r.Channel, r.ChannelUser, r.Body, scriptName(r.Script),
		r.RequestedAt), nil)
	if err != nil {
		return nil, false, err
	}
	if got != nil {
		return got, true, nil
	}
	got, err = s.OpenRequest(ctx, r.ConversationID)
	return got, false, err
}

// Request implements handover.Store.
func (s *Store) Request(ctx context.Context, municipality string, id int64) (*handover.Request, error) {
	return one(s.db.QueryRow(ctx, `SELECT `+requestCols+` FROM handover_requests WHERE id = $1 AND municipality = $2`,
		id, municipality), fault.NotFound("handover %d", id))
}

// Queue implements handover.Store.
func (s *Store) Queue(ctx context.Context, municipality, body string) ([]handover.QueueItem, error) {
	rows, err := s.db.Query(ctx, `
		SELECT `+requestCols+`,
			(SELECT count(*) FROM handover_messages m WHERE m.request_id = r.id AND m.sender = 'citizen'),
			COALESCE((SELECT max(created_at) FROM handover_messages m WHERE m.request_id = r.id), r.requested_at)
		FROM handover_requests r
		WHERE municipality = $1 AND ($2 = '' OR body = $2) AND status IN ('waiting', 'active')
		ORDER BY requested_at, id`, municipality, body)
	if err != nil {
		return nil, fmt.Errorf("handover queue: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (handover.QueueItem, error) {
		var q handover.QueueItem
		var script, status string
		err := row.Scan(&q.ID, &q.Municipality, &q.ConversationID, &q.Channel, &q.ChannelUser, &q.Body, &script, &status,
			&q.CloseReason, &q.RequestedAt, &q.TakenAt, &q.TakenBy, &q.TakenByName, &q.ClosedAt, &q.Messages, &q.LastAt)
		q.Status = handover.Status(status)
		if script == "cyrillic" {
			q.Script = serbian.Cyrillic
		}
		return q, err
	})
	if err != nil {
		return nil, fmt.Errorf("handover queue: %w", err)
	}
	return out, nil
}

// Take implements handover.Store: the conditional update lets exactly
// one of concurrent takes through.
func (s *Store) Take(ctx context.Context, municipality string, id, staffID int64, staffName string, at time.Time) (*handover.Request, error) {
	return one(s.db.QueryRow(ctx, `
		UPDATE handover_requests SET status = 'active', taken_at = $4, taken_by = $3, taken_by_name = $5
		WHERE id = $1 AND municipality = $2 AND status = 'waiting'
		RETURNING `+requestCols, id, municipality, staffID, at, staffName),
		fault.Conflict("Ovaj zahtev je već preuzet ili zatvoren."))
}

// Finish implements handover.Store.
func (s *Store) Finish(ctx context.Context, id int64, from []handover.Status, to handover.Status, reason string, at time.Time) (*handover.Request, error) {
	froms := make([]string, len(from))
	for i, f := range from {
		froms[i] = string(f)
	}
	return one(s.db.QueryRow(ctx, `
		UPDATE handover_requests SET status = $2, close_reason = NULLIF($3, ''), closed_at = $4
		WHERE id = $1 AND status = ANY($5)
		RETURNING `+requestCols, id, string(to), reason, at, froms),
		fault.Conflict("Zahtev je u međuvremenu promenjen."))
}

// AddMessage implements handover.Store.
func (s *Store) AddMessage(ctx context.Context, r *handover.Request, m handover.Message, delivered bool) (handover.Message, error) {
	buttons, err := json.Marshal(nonNil(m.Buttons))
	if err != nil {
		return handover.Message{}, fmt.Errorf("handover message: %w", err)
	}
	err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		var convMsg *int64
		if m.From != handover.FromCitizen {
			// The citizen's conversation keeps it as an assistant message
			// without latency: a notice, which the live stream sends.
			var id int64
			if err := tx.QueryRow(ctx, `
				WITH c AS (UPDATE conversations SET last_active_at = now() WHERE id = $1)
				INSERT INTO messages (conversation_id, municipality, role, content, route, status)
				VALUES ($1, $2, 'assistant', $3, $4, $5) RETURNING id`,
				r.ConversationID, r.Municipality, m.Text, string(assistant.RouteHandover), string(assistant.StatusAnswered)).Scan(&id); err != nil {
				return err
			}
			convMsg = &id
		}
		return tx.QueryRow(ctx, `
			INSERT INTO handover_messages (request_id, municipality, sender, staff_id, staff_name, body, buttons, message_id, delivered_at)
			VALUES ($1, $2, $3, NULLIF($4, 0), $5, $6, $7, $8, CASE WHEN $9 THEN now() END)
			RETURNING id, created_at`,
			r.ID, r.Municipality, string(m.From), m.StaffID, m.StaffName, m.Text, buttons, convMsg, delivered).Scan(&m.ID, &m.CreatedAt)
	})
	if err != nil {
		return handover.Message{}, fmt.Errorf("handover message: %w", err)
	}
	m.RequestID = r.ID
	return m, nil
}

func nonNil(b []handover.Button) []handover.Button {
	if b == nil {
		return []handover.Button{}
	}
	return b
}

// Messages implements handover.Store.
func (s *Store) Messages(ctx context.Context, requestID, after int64) ([]handover.Message, error) {
	rows, err := s.db.Query(ctx, `
		SELECT id, request_id, sender, COALESCE(staff_id, 0), staff_name, body, buttons, created_at
		FROM handover_messages WHERE request_id = $1 AND id > $2 ORDER BY id`, requestID, after)
	if err != nil {
		return nil, fmt.Errorf("handover messages: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (handover.Message, error) {
		var m handover.Message
		var from string
		var buttons []byte
		if err := row.Scan(&m.ID, &m.RequestID, &from, &m.StaffID, &m.StaffName, &m.Text, &buttons, &m.CreatedAt); err != nil {
			return m, err
		}
		m.From = handover.Sender(from)
		return m, json.Unmarshal(buttons, &m.Buttons)
	})
	if err != nil {
		return nil, fmt.Errorf("handover messages: %w", err)
	}
	return out, nil
}

// Transcript implements handover.Store: the conversation's messages up to
// the request, as stored (citizens' texts masked).
func (s *Store) Transcript(ctx context.Context, r *handover.Request, n int) ([]handover.Line, error) {
	rows, err := s.db.Query(ctx, `
		SELECT role, content, created_at FROM (
			SELECT id, role, content, created_at FROM messages
			WHERE conversation_id = $1 AND created_at <= $2 ORDER BY id DESC LIMIT $3) t
		ORDER BY id`, r.ConversationID, r.RequestedAt, n)
	if err != nil {
		return nil, fmt.Errorf("handover transcript: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (handover.Line, error) {
		var l handover.Line
		return l, row.Scan(&l.Role, &l.Text, &l.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("handover transcript: %w", err)
	}
	return out, nil
}

// StaleRequests implements handover.Store.
func (s *Store) StaleRequests(ctx context.Context, municipality string, before time.Time) ([]handover.Request, error) {
	rows, err := s.db.Query(ctx, `SELECT `+requestCols+` FROM handover_requests
		WHERE municipality = $1 AND status = 'waiting' AND requested_at < $2 ORDER BY id`, municipality, before)
	if err != nil {
		return nil, fmt.Errorf("stale handovers: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (handover.Request, error) {
		r, err := scanRequest(row)
		if err != nil {
			return handover.Request{}, err
		}
		return *r, nil
	})
	if err != nil {
		return nil, fmt.Errorf("stale handovers: %w", err)
	}
	return out, nil
}

// redeliverAfter keeps the job off a message whose first delivery may
// still be under way.
const redeliverAfter = 30 * time.Second

// Undelivered implements handover.Store.
func (s *Store) Undelivered(ctx context.Context, limit int) ([]handover.Outgoing, error) {
	rows, err := s.db.Query(ctx, `
		SELECT m.id, r.municipality, r.channel, r.channel_user, m.body, m.buttons
		FROM handover_messages m JOIN handover_requests r ON r.id = m.request_id
		WHERE m.delivered_at IS NULL AND m.created_at < now() - $2::interval ORDER BY m.id LIMIT $1`,
		limit, redeliverAfter.String())
	if err != nil {
		return nil, fmt.Errorf("undelivered handover messages: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (handover.Outgoing, error) {
		var o handover.Outgoing
		var buttons []byte
		if err := row.Scan(&o.MessageID, &o.Municipality, &o.Channel, &o.ChannelUser, &o.Text, &buttons); err != nil {
			return o, err
		}
		return o, json.Unmarshal(buttons, &o.Buttons)
	})
	if err != nil {
		return nil, fmt.Errorf("undelivered handover messages: %w", err)
	}
	return out, nil
}

// MarkDelivered implements handover.Store.
func (s *Store) MarkDelivered(ctx context.Context, messageID int64) error {
	if _, err := s.db.Exec(ctx, `UPDATE handover_messages SET delivered_at = now() WHERE id = $1`, messageID); err != nil {
		return fmt.Errorf("mark handover message delivered: %w", err)
	}
	return nil
}

// Stats implements handover.Store.
func (s *Store) Stats(ctx context.Context, municipality string, since time.Time) (*handover.Stats, error) {
	var st handover.Stats
	var median *float64
	err := s.db.QueryRow(ctx, `
		SELECT count(*), count(taken_at), count(*) FILTER (WHERE status = 'abandoned'),
			count(*) FILTER (WHERE status = 'timed_out'), count(*) FILTER (WHERE status = 'waiting'),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM taken_at - requested_at))
				FILTER (WHERE taken_at IS NOT NULL)
		FROM handover_requests WHERE municipality = $1 AND requested_at >= $2`, municipality, since).
		Scan(&st.Requests, &st.Taken, &st.Abandoned, &st.TimedOut, &st.Waiting, &median)
	if err != nil {
		return nil, fmt.Errorf("handover stats: %w", err)
	}
	if median != nil {
		st.MedianWait = time.Duration(*median * float64(time.Second))
	}
	return &st, nil
}
