package viber

import (
	"context"
	"math/big"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// execer is a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// store holds the channel's SQL.
type store struct{ db *pgxpool.Pool }

// numeric carries a 64-bit unsigned token into a numeric(20) column exactly.
func numeric(v uint64) pgtype.Numeric {
	return pgtype.Numeric{Int: new(big.Int).SetUint64(v), Valid: true}
}

// recordEvent records a callback and reports whether it is new: false for
// a redelivery of (event, token, user).
func (store) recordEvent(ctx context.Context, q execer, slug string, cb *Callback) (bool, error) {
	tag, err := q.Exec(ctx, `
		INSERT INTO channel_events (municipality, channel, event, token, user_id)
		VALUES ($1, 'viber', $2, $3, $4) ON CONFLICT DO NOTHING`,
		slug, cb.Event, numeric(cb.MessageToken), cb.UserKey())
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// upsertUser records a user's name and API level and, when subscribed is
// not nil, whether they are subscribed.
func (store) upsertUser(ctx context.Context, q execer, slug string, u *User, subscribed *bool) error {
	_, err := q.Exec(ctx, `
		INSERT INTO viber_users (municipality, user_id, name, api_version, subscribed)
		VALUES ($1, $2, $3, $4, coalesce($5, false))
		ON CONFLICT (municipality, user_id) DO UPDATE SET
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE viber_users.name END,
			api_version = greatest(excluded.api_version, viber_users.api_version),
			subscribed = coalesce($5, viber_users.subscribed),
			updated_at = now()`,
		slug, u.ID, u.Name, u.APIVersion, subscribed)
	return err
}

// saveMedia stores a download once per message and returns its id.
func (s store) saveMedia(ctx context.Context, slug, user string, token uint64, kind, name, mime string, data []byte) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `
		INSERT INTO viber_media (municipality, user_id, message_token, kind, file_name, mime, size, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (municipality, message_token) DO UPDATE SET mime = excluded.mime
		RETURNING id`,
		slug, user, numeric(token), kind, name, mime, len(data), data).Scan(&id)
	return id, err
}

// Media is a stored picture, video or file.
type Media struct {
	ID       int64
	Kind     string
	FileName string
	MIME     string
	Size     int64
	Data     []byte
}

// LoadMedia returns a stored media row of the municipality, for the forms
// that attach it; pgx.ErrNoRows when there is none.
func LoadMedia(ctx context.Context, db *pgxpool.Pool, slug string, id int64) (*Media, error) {
	var m Media
	err := db.QueryRow(ctx, `SELECT id, kind, file_name, mime, size, data FROM viber_media WHERE municipality = $1 AND id = $2`, slug, id).
		Scan(&m.ID, &m.Kind, &m.FileName, &m.MIME, &m.Size, &m.Data)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// sentParts returns the parts of a send job Viber already accepted.
func (s store) sentParts(ctx context.Context, jobID int64) (map[int]bool, error) {
	rows, err := s.db.Query(ctx, `SELECT part FROM viber_outbox WHERE job_id = $1`, jobID)
	if err != nil {
		return nil, err
	}
	parts, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	out := map[int]bool{}
	for _, p := range parts {
		out[int(p)] = true
	}
	return out, nil
}

func (s store) recordSent(ctx context.Context, jobID int64, part int, slug, receiver string, token uint64) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO viber_outbox (job_id, part, municipality, receiver, message_token)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		jobID, part, slug, receiver, numeric(token))
	return err
}

func (s store) markUnsubscribed(ctx context.Context, slug, user string) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO viber_users (municipality, user_id, subscribed) VALUES ($1, $2, false)
		ON CONFLICT (municipality, user_id) DO UPDATE SET subscribed = false, updated_at = now()`, slug, user)
	return err
}
