package casestore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/forms"
)

const caseCols = `id, municipality, ref, kind, form, status, body_key, fields, coalesce(jmbg_masked, ''), fee_exempt, due_at, channel, channel_user, created_at, updated_at, personal_erased_at`

// caseNotFound is what staff and citizens read for a missing case.
const caseNotFound = "Predmet nije pronađen."

func scanCase(ctx context.Context, q querier, where string, args ...any) (*forms.Case, error) {
	var c forms.Case
	var raw []byte
	err := q.QueryRow(ctx, `SELECT `+caseCols+` FROM cases WHERE `+where, args...).
		Scan(&c.ID, &c.Municipality, &c.Ref, &c.Kind, &c.Form, &c.Status, &c.BodyKey, &raw, &c.JMBGMasked,
			&c.FeeExempt, &c.DueAt, &c.Channel, &c.ChannelUser, &c.CreatedAt, &c.UpdatedAt, &c.PersonalErasedAt)
	if err != nil {
		return nil, notFound(err, "read case", caseNotFound)
	}
	if err := json.Unmarshal(raw, &c.Fields); err != nil {
		return nil, fmt.Errorf("case %d fields: %w", c.ID, err)
	}
	return &c, nil
}

// Case returns a case by id.
func (s *Store) Case(ctx context.Context, id int64) (*forms.Case, error) {
	return scanCase(ctx, s.db, `id = $1`, id)
}

// CitizenCase returns the case with the reference filed by the channel user.
func (s *Store) CitizenCase(ctx context.Context, municipality, ref, channel, channelUser string) (*forms.Case, error) {
	return scanCase(ctx, s.db, `municipality = $1 AND ref = $2 AND channel = $3 AND channel_user = $4`,
		municipality, ref, channel, channelUser)
}

// CitizenCases returns the cases the channel user filed in the
// municipality, newest first, at most limit.
func (s *Store) CitizenCases(ctx context.Context, municipality, channel, channelUser string, limit int) ([]*forms.Case, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM cases WHERE municipality = $1 AND channel = $2 AND channel_user = $3
		ORDER BY created_at DESC, id DESC LIMIT $4`, municipality, channel, channelUser, limit)
	if err != nil {
		return nil, fmt.Errorf("citizen's cases: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("citizen's cases: %w", err)
	}
	out := make([]*forms.Case, 0, len(ids))
	for _, id := range ids {
		c, err := s.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// CaseByRef returns the municipality's case with the reference number.
func (s *Store) CaseByRef(ctx context.Context, municipality, ref string) (*forms.Case, error) {
	return scanCase(ctx, s.db, `municipality = $1 AND ref = $2`, municipality, ref)
}

// CasePrivate returns a case's encrypted sensitive values (nil: none).
func (s *Store) CasePrivate(ctx context.Context, id int64) ([]byte, error) {
	var sealed []byte
	err := s.db.QueryRow(ctx, `SELECT private_enc FROM cases WHERE id = $1`, id).Scan(&sealed)
	if err != nil {
		return nil, notFound(err, "read case personal data", caseNotFound)
	}
	return sealed, nil
}

// CaseEvents returns a case's events, oldest first.
func (s *Store) CaseEvents(ctx context.Context, caseID int64) ([]forms.CaseEvent, error) {
	rows, err := s.db.Query(ctx, `
		SELECT id, case_id, coalesce(from_status, ''), to_status, actor, note, created_at
		FROM case_events WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case events: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (forms.CaseEvent, error) {
		var e forms.CaseEvent
		err := r.Scan(&e.ID, &e.CaseID, &e.From, &e.To, &e.Actor, &e.Note, &e.CreatedAt)
		return e, err
	})
}

// Case returns a case by id.
func (t *tx) Case(ctx context.Context, id int64) (*forms.Case, error) {
	return scanCase(ctx, t.q, `id = $1`, id)
}

// LockCase returns a case and locks its row.
func (t *tx) LockCase(ctx context.Context, id int64) (*forms.Case, error) {
	return scanCase(ctx, t.q, `id = $1 FOR UPDATE`, id)
}

// NextCaseNumber increments the (municipality, kind, year) counter; the
// upsert locks the counter row until the transaction ends.
func (t *tx) NextCaseNumber(ctx context.Context, municipality, kind string, year int) (int, error) {
	var n int
	err := t.q.QueryRow(ctx, `
		INSERT INTO case_counters (municipality, kind, year, last) VALUES ($1, $2, $3, 1)
		ON CONFLICT (municipality, kind, year) DO UPDATE SET last = case_counters.last + 1
		RETURNING last`, municipality, kind, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next reference number: %w", err)
	}
	return n, nil
}

// InsertCase stores a new case and sets c.ID.
func (t *tx) InsertCase(ctx context.Context, c *forms.Case, jmbgEnc, privateEnc []byte) error {
	fields, err := json.Marshal(orEmpty(c.Fields))
	if err != nil {
		return err
	}
	var masked *string
	if c.JMBGMasked != "" {
		masked = &c.JMBGMasked
	}
	err = t.q.QueryRow(ctx, `
		INSERT INTO cases (municipality, ref, kind, form, status, body_key, fields, jmbg_enc, jmbg_masked, private_enc, fee_exempt, due_at, channel, channel_user, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		RETURNING id`, c.Municipality, c.Ref, c.Kind, c.Form, c.Status, c.BodyKey, fields, jmbgEnc, masked, privateEnc, c.FeeExempt, c.DueAt,
		c.Channel, c.ChannelUser, c.CreatedAt, c.UpdatedAt).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("insert case: %w", err)
	}
	return nil
}

// UpdateCase writes a case's status, body and update time.
func (t *tx) UpdateCase(ctx context.Context, c *forms.Case) error {
	tag, err := t.q.Exec(ctx, `UPDATE cases SET status = $2, body_key = $3, updated_at = $4 WHERE id = $1`,
		c.ID, c.Status, c.BodyKey, c.UpdatedAt)
	if err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(pgx.ErrNoRows, "", caseNotFound)
	}
	return nil
}

// InsertEvent records an event and sets e.ID.
func (t *tx) InsertEvent(ctx context.Context, municipality string, e *forms.CaseEvent) error {
	var from *forms.CaseStatus
	if e.From != "" {
		from = &e.From
	}
	err := t.q.QueryRow(ctx, `
		INSERT INTO case_events (municipality, case_id, from_status, to_status, actor, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		municipality, e.CaseID, from, e.To, e.Actor, e.Note, e.CreatedAt).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("insert case event: %w", err)
	}
	return nil
}
