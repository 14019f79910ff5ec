// Package viberstore keeps the Viber channel's rows in PostgreSQL (tables
// channel_events, viber_users, viber_media and viber_outbox) and inserts
// the channel's River jobs in the same transactions as those rows, so a
// job exists exactly when the row that records its cause does.
package viberstore

import (
	"context"
	"errors"
	"fmt"
	"math/big"
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

// EnqueueTurns implements viber.Store: one statement records the batch's
// events, one inserts the jobs of those that were new, one commit.
func (s *Store) EnqueueTurns(ctx context.Context, turns []viber.TurnArgs) error {
	if s.jobs == nil {
		return errors.New("viberstore: no River client to insert turn jobs")
	}
	slugs := make([]string, len(turns))
	tokens := make([]pgtype.Numeric, len(turns))
	users := make([]string, len(turns))
	for i, t := range turns {
		slugs[i], tokens[i], users[i] = t.Municipality, numeric(t.Token), t.User.ID
	}
	err := pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			INSERT INTO channel_events (municipality, channel, event, token, user_id)
			SELECT m, 'viber', 'message', t, u FROM unnest($1::text[], $2::numeric[], $3::text[]) AS x(m, t, u)
			ON CONFLICT DO NOTHING
			RETURNING municipality, token::text, user_id`, slugs, tokens, users)
		if err != nil {
			return fmt.Errorf("record events: %w", err)
		}
		fresh := map[string]bool{}
		var m, t, u string
		if _, err := pgx.ForEachRow(rows, []any{&m, &t, &u}, func() error {
			fresh[m+"|"+t+"|"+u] = true
			return nil
		}); err != nil {
			return fmt.Errorf("record events: %w", err)
		}
		var jobs []river.InsertManyParams
		for _, turn := range turns {
			k := turn.Municipality + "|" + strconv.FormatUint(turn.Token, 10) + "|" + turn.User.ID
			if !fresh[k] {
				continue // a redelivery, or a copy within this batch
			}
			delete(fresh, k)
			jobs = append(jobs, river.InsertManyParams{Args: turn})
		}
		if len(jobs) == 0 {
			return nil
		}
		if _, err := s.jobs.InsertManyTx(ctx, tx, jobs); err != nil {
			return fmt.Errorf("enqueue turns: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("viberstore: enqueue turns: %w", err)
	}
	return nil
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
func (s *Store) CompleteTurn(ctx context.Context, job *river.Job[viber.TurnArgs], reply viber.SendArgs) error {
	err := pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
		client := river.ClientFromContext[pgx.Tx](ctx)
		if _, err := client.InsertTx(ctx, tx, reply, nil); err != nil {
			return fmt.Errorf("insert send job: %w", err)
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

// SaveMedia implements viber.Store.
func (s *Store) SaveMedia(ctx context.Context, m *viber.Media) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `
		INSERT INTO viber_media (municipality, user_id, message_token, kind, file_name, mime, size, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (municipality, message_token) DO UPDATE SET mime = excluded.mime
		RETURNING id`,
		m.Municipality, m.User, numeric(m.Token), m.Kind, m.FileName, m.MIME, len(m.Data), m.Data).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("viberstore: save media: %w", err)
	}
	m.ID = id
	return id, nil
}

// Media returns a stored media row of the municipality (for the forms
// that attach it); an error of kind fault.ErrNotFound when there is none.
// User and Token are not filled.
func (s *Store) Media(ctx context.Context, municipality string, id int64) (*viber.Media, error) {
	var m viber.Media
	err := s.db.QueryRow(ctx, `SELECT id, kind, file_name, mime, size, data FROM viber_media WHERE municipality = $1 AND id = $2`,
		municipality, id).Scan(&m.ID, &m.Kind, &m.FileName, &m.MIME, &m.Size, &m.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fault.Wrap(fault.ErrNotFound, err, "datoteka nije pronađena")
	}
	if err != nil {
		return nil, fmt.Errorf("viberstore: media: %w", err)
	}
	m.Municipality = municipality
	return &m, nil
}
