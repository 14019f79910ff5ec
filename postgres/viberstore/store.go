// Package viberstore keeps the Viber channel's rows in PostgreSQL (tables
// channel_events, viber_users, viber_inbox, viber_replies and
// viber_outbox) and inserts the channel's River jobs in the same
// transactions as those rows, so a job exists exactly when the row that
// records its cause does; the one exception is an incoming message, kept
// first (the callback's answer waits for it) and given its job in the
// transaction that marks it queued. Jobs carry the ids of viber_inbox and
// viber_replies rows, never the texts.
package viberstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/postgres"
)

// Store is the PostgreSQL store of the Viber channel. It is safe for
// concurrent use.
type Store struct {
	db   *postgres.DB
	jobs *river.Client[pgx.Tx]
}

var _ viber.Store = (*Store)(nil)

// New returns the store on db. jobs inserts the turn jobs of incoming
// messages (EnqueueTurns); it may be nil for a store used only by the
// channel's workers, which insert through the River client running them.
func New(db *postgres.DB, jobs *river.Client[pgx.Tx]) *Store {
	return &Store{db: db, jobs: jobs}
}

// execer is the pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// numeric carries a 64-bit unsigned token into a numeric(20) column exactly.
func numeric(v uint64) pgtype.Numeric {
	return pgtype.Numeric{Int: new(big.Int).SetUint64(v), Valid: true}
}

// KeepTurns implements viber.Store in one statement (one round trip,
// committed on its own): under load every round trip waits for a CPU the
// searches hold, and the callback's acknowledgement waits for them all.
func (s *Store) KeepTurns(ctx context.Context, in []viber.Incoming) (int, error) {
	slugs := make([]string, len(in))
	tokens := make([]pgtype.Numeric, len(in))
	users := make([]string, len(in))
	payloads := make([][]byte, len(in))
	for i, t := range in {
		p, err := json.Marshal(incomingPayload{User: t.User, Message: t.Message})
		if err != nil {
			return 0, fmt.Errorf("viberstore: keep turns: %w", err)
		}
		slugs[i], tokens[i], users[i], payloads[i] = t.Municipality, numeric(t.Token), t.User.ID, p
	}
	// Only the events this statement records are new: a redelivery finds
	// its event and keeps nothing; of two copies within the batch the
	// first is kept. Messages are kept in the order they came.
	tag, err := s.db.Exec(ctx, `
		WITH x AS (
			SELECT * FROM unnest($1::text[], $2::numeric[], $3::text[], $4::bytea[]) WITH ORDINALITY AS x(m, t, u, p, n)
		), ev AS (
			INSERT INTO channel_events (municipality, channel, event, token, user_id)
			SELECT m, 'viber', 'message', t, u FROM x
			ON CONFLICT DO NOTHING
			RETURNING municipality, token, user_id
		)
		INSERT INTO viber_inbox (municipality, token, user_id, payload)
		SELECT m, t, u, p FROM (
			SELECT DISTINCT ON (x.m, x.t, x.u) x.m, x.t, x.u, x.p, x.n
			FROM x JOIN ev ON ev.municipality = x.m AND ev.token = x.t AND ev.user_id = x.u
			ORDER BY x.m, x.t, x.u, x.n
		) first ORDER BY n`, slugs, tokens, users, payloads)
	if err != nil {
		return 0, fmt.Errorf("viberstore: keep turns: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// QueueTurns implements viber.Store: the oldest kept messages without a
// job are locked (skipping those another process is queuing), marked
// queued and given their jobs in one transaction, so each gets exactly
// one.
func (s *Store) QueueTurns(ctx context.Context, limit int) (int, error) {
	if s.jobs == nil {
		return 0, errors.New("viberstore: no River client to insert turn jobs")
	}
	n := 0
	err := pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			UPDATE viber_inbox SET queued = true WHERE id IN (
				SELECT id FROM viber_inbox WHERE NOT queued ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
			RETURNING id, municipality, token::text`, limit)
		if err != nil {
			return err
		}
		type waiting struct {
			id    int64
			slug  string
			token string
		}
		var ws []waiting
		var w waiting
		if _, err := pgx.ForEachRow(rows, []any{&w.id, &w.slug, &w.token}, func() error {
			ws = append(ws, w)
			return nil
		}); err != nil {
			return err
		}
		if len(ws) == 0 {
			return nil
		}
		// Jobs in the order the messages came: River works equal
		// priorities by id.
		slices.SortFunc(ws, func(a, b waiting) int { return cmp.Compare(a.id, b.id) })
		jobs := make([]river.InsertManyParams, len(ws))
		for i, w := range ws {
			token, err := strconv.ParseUint(w.token, 10, 64)
			if err != nil {
				return fmt.Errorf("message %d: token: %w", w.id, err)
			}
			jobs[i] = river.InsertManyParams{Args: viber.TurnArgs{Municipality: w.slug, Token: token, Inbox: w.id}}
		}
		if _, err := s.jobs.InsertManyTx(ctx, tx, jobs); err != nil {
			return err
		}
		n = len(ws)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("viberstore: queue turns: %w", err)
	}
	return n, nil
}

// incomingPayload is what viber_inbox.payload holds.
type incomingPayload struct {
	User    viber.User      `json:"user"`
	Message viber.InMessage `json:"message"`
}

// Incoming implements viber.Store.
func (s *Store) Incoming(ctx context.Context, id int64) (*viber.Incoming, error) {
	in := viber.Incoming{ID: id}
	var token string
	var payload []byte
	err := s.db.QueryRow(ctx, `SELECT municipality, token::text, payload FROM viber_inbox WHERE id = $1`, id).
		Scan(&in.Municipality, &token, &payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fault.Wrap(fault.ErrNotFound, err, "poruka nije pronađena")
	}
	if err != nil {
		return nil, fmt.Errorf("viberstore: message: %w", err)
	}
	var p incomingPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("viberstore: message %d: %w", id, err)
	}
	if in.Token, err = strconv.ParseUint(token, 10, 64); err != nil {
		return nil, fmt.Errorf("viberstore: message %d: token: %w", id, err)
	}
	in.User, in.Message = p.User, p.Message
	return &in, nil
}

// RecordEvent implements viber.Store.
func (s *Store) RecordEvent(ctx context.Context, e viber.Event) (bool, error) {
	fresh, err := recordEvent(ctx, s.db.Pool, e)
	if err != nil {
		return false, fmt.Errorf("viberstore: record event: %w", err)
	}
	return fresh, nil
}

func recordEvent(ctx context.Context, q execer, e viber.Event) (bool, error) {
	tag, err := q.Exec(ctx, `
		INSERT INTO channel_events (municipality, channel, event, token, user_id)
		VALUES ($1, 'viber', $2, $3, $4) ON CONFLICT DO NOTHING`,
		e.Municipality, e.Event, numeric(e.Token), e.User)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// RecordSubscription implements viber.Store.
func (s *Store) RecordSubscription(ctx context.Context, e viber.Event, u viber.User, subscribed bool) error {
	err := pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
		fresh, err := recordEvent(ctx, tx, e)
		if err != nil || !fresh || u.ID == "" {
			return err
		}
		return saveUser(ctx, tx, e.Municipality, u, subscribed)
	})
	if err != nil {
		return fmt.Errorf("viberstore: record subscription: %w", err)
	}
	return nil
}

// SaveUser implements viber.Store.
func (s *Store) SaveUser(ctx context.Context, municipality string, u viber.User, subscribed bool) error {
	if err := saveUser(ctx, s.db.Pool, municipality, u, subscribed); err != nil {
		return fmt.Errorf("viberstore: save user: %w", err)
	}
	return nil
}

func saveUser(ctx context.Context, q execer, municipality string, u viber.User, subscribed bool) error {
	_, err := q.Exec(ctx, `
		INSERT INTO viber_users (municipality, user_id, name, api_version, subscribed)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (municipality, user_id) DO UPDATE SET
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE viber_users.name END,
			api_version = greatest(excluded.api_version, viber_users.api_version),
			subscribed = excluded.subscribed,
			updated_at = now()`,
		municipality, u.ID, u.Name, u.APIVersion, subscribed)
	return err
}

// MarkUnsubscribed implements viber.Store.
func (s *Store) MarkUnsubscribed(ctx context.Context, municipality, userID string) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO viber_users (municipality, user_id, subscribed) VALUES ($1, $2, false)
		ON CONFLICT (municipality, user_id) DO UPDATE SET subscribed = false, updated_at = now()`, municipality, userID)
	if err != nil {
		return fmt.Errorf("viberstore: mark unsubscribed: %w", err)
	}
	return nil
}

// CompleteTurn implements viber.Store. ctx must be the worker's: the
// reply is inserted through the River client working the turn.
func (s *Store) CompleteTurn(ctx context.Context, job *river.Job[viber.TurnArgs], reply *viber.Reply) error {
	err := pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM viber_inbox WHERE id = $1`, job.Args.Inbox); err != nil {
			return fmt.Errorf("delete message: %w", err)
		}
		if reply != nil && len(reply.Messages) > 0 {
			payload, err := json.Marshal(reply.Messages)
			if err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO viber_replies (municipality, receiver, payload) VALUES ($1, $2, $3) RETURNING id`,
				reply.Municipality, reply.Receiver, payload).Scan(&reply.ID); err != nil {
				return fmt.Errorf("keep reply: %w", err)
			}
			client := river.ClientFromContext[pgx.Tx](ctx)
			if _, err := client.InsertTx(ctx, tx, viber.SendArgs{Municipality: reply.Municipality, Reply: reply.ID}, nil); err != nil {
				return fmt.Errorf("insert send job: %w", err)
			}
		}
		if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
			return fmt.Errorf("complete turn job: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("viberstore: complete turn: %w", err)
	}
	return nil
}

// Reply implements viber.Store.
func (s *Store) Reply(ctx context.Context, id int64) (*viber.Reply, error) {
	r := viber.Reply{ID: id}
	var payload []byte
	err := s.db.QueryRow(ctx, `SELECT municipality, receiver, payload FROM viber_replies WHERE id = $1`, id).
		Scan(&r.Municipality, &r.Receiver, &payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fault.Wrap(fault.ErrNotFound, err, "odgovor nije pronađen")
	}
	if err != nil {
		return nil, fmt.Errorf("viberstore: reply: %w", err)
	}
	if err := json.Unmarshal(payload, &r.Messages); err != nil {
		return nil, fmt.Errorf("viberstore: reply %d: %w", id, err)
	}
	return &r, nil
}

// DeleteReply implements viber.Store.
func (s *Store) DeleteReply(ctx context.Context, id int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM viber_replies WHERE id = $1`, id); err != nil {
		return fmt.Errorf("viberstore: delete reply: %w", err)
	}
	return nil
}

// DeleteAbandoned implements viber.Store: a message or reply is
// abandoned when no job naming it is still to run (River's args index
// answers the containment test); a message not yet queued has no job
// yet and is not abandoned.
func (s *Store) DeleteAbandoned(ctx context.Context) (messages, replies int64, err error) {
	in, err := s.db.Exec(ctx, `
		DELETE FROM viber_inbox i WHERE i.queued AND NOT EXISTS (
			SELECT 1 FROM river_job j WHERE j.kind = 'viber_turn' AND j.finalized_at IS NULL
			AND j.args @> jsonb_build_object('inbox', i.id))`)
	if err != nil {
		return 0, 0, fmt.Errorf("viberstore: delete abandoned messages: %w", err)
	}
	out, err := s.db.Exec(ctx, `
		DELETE FROM viber_replies r WHERE NOT EXISTS (
			SELECT 1 FROM river_job j WHERE j.kind = 'viber_send' AND j.finalized_at IS NULL
			AND j.args @> jsonb_build_object('reply', r.id))`)
	if err != nil {
		return in.RowsAffected(), 0, fmt.Errorf("viberstore: delete abandoned replies: %w", err)
	}
	return in.RowsAffected(), out.RowsAffected(), nil
}

// SentParts implements viber.Store.
func (s *Store) SentParts(ctx context.Context, jobID int64) (map[int]bool, error) {
	rows, err := s.db.Query(ctx, `SELECT part FROM viber_outbox WHERE job_id = $1`, jobID)
	if err != nil {
		return nil, fmt.Errorf("viberstore: sent parts: %w", err)
	}
	parts, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, fmt.Errorf("viberstore: sent parts: %w", err)
	}
	out := map[int]bool{}
	for _, p := range parts {
		out[int(p)] = true
	}
	return out, nil
}

// RecordSent implements viber.Store.
func (s *Store) RecordSent(ctx context.Context, p viber.SentPart) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO viber_outbox (job_id, part, municipality, receiver, message_token)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		p.JobID, p.Part, p.Municipality, p.Receiver, numeric(p.Token))
	if err != nil {
		return fmt.Errorf("viberstore: record sent part: %w", err)
	}
	return nil
}

// DeleteBefore implements viber.Store.
func (s *Store) DeleteBefore(ctx context.Context, cut time.Time) (events, parts int64, err error) {
	ev, err := s.db.Exec(ctx, `DELETE FROM channel_events WHERE received_at < $1`, cut)
	if err != nil {
		return 0, 0, fmt.Errorf("viberstore: delete old events: %w", err)
	}
	out, err := s.db.Exec(ctx, `DELETE FROM viber_outbox WHERE sent_at < $1`, cut)
	if err != nil {
		return ev.RowsAffected(), 0, fmt.Errorf("viberstore: delete old sent parts: %w", err)
	}
	return ev.RowsAffected(), out.RowsAffected(), nil
}
