// Package staffstore keeps the back office's tables in PostgreSQL: staff,
// staff_sessions and staff_audit. It implements backoffice.Store and holds
// no rule: backoffice decides who may log in and what is audited.
package staffstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/postgres"
)

// Store is the PostgreSQL backoffice.Store.
type Store struct {
	db *postgres.DB
}

var _ backoffice.Store = (*Store)(nil)

// New returns the store on db.
func New(db *postgres.DB) *Store { return &Store{db: db} }

const staffCols = `s.id, s.municipality, s.email, s.name, s.role, s.body_key, s.disabled`

func scanStaff(row pgx.Row, extra ...any) (*backoffice.Staff, error) {
	var s backoffice.Staff
	err := row.Scan(append([]any{&s.ID, &s.Municipality, &s.Email, &s.Name, &s.Role, &s.BodyKey, &s.Disabled}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateStaff stores an account and sets st.ID.
func (s *Store) CreateStaff(ctx context.Context, st *backoffice.Staff, passwordHash string) error {
	err := s.db.QueryRow(ctx, `
		INSERT INTO staff (municipality, email, name, role, body_key, password_hash)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		st.Municipality, st.Email, st.Name, st.Role, st.BodyKey, passwordHash).Scan(&st.ID)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fault.Wrap(fault.ErrConflict, err, "%s already has an account in %s", st.Email, st.Municipality)
	}
	if err != nil {
		return fmt.Errorf("create staff: %w", err)
	}
	return nil
}

// Credentials returns the enabled accounts with the e-mail.
func (s *Store) Credentials(ctx context.Context, municipality, email string) ([]backoffice.Credential, error) {
	rows, err := s.db.Query(ctx, `
		SELECT `+staffCols+`, s.password_hash FROM staff s
		WHERE lower(s.email) = lower($1) AND ($2 = '' OR s.municipality = $2) AND NOT s.disabled
		ORDER BY s.id LIMIT 10`, email, municipality)
	if err != nil {
		return nil, fmt.Errorf("find staff: %w", err)
	}
	creds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (backoffice.Credential, error) {
		var c backoffice.Credential
		var err error
		c.Staff, err = scanStaff(r, &c.PasswordHash)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("find staff: %w", err)
	}
	return creds, nil
}

// UpdateStaff changes one account and ends its sessions, in one transaction.
func (s *Store) UpdateStaff(ctx context.Context, municipality, email string, u backoffice.StaffUpdate) error {
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			UPDATE staff SET disabled = coalesce($3, disabled), password_hash = coalesce(nullif($4, ''), password_hash)
			WHERE municipality = $1 AND lower(email) = lower($2) RETURNING id`,
			municipality, strings.TrimSpace(email), u.Disabled, u.PasswordHash).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fault.Wrap(fault.ErrNotFound, err, "no account %s in %s", email, municipality)
		}
		if err != nil {
			return fmt.Errorf("update staff: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM staff_sessions WHERE staff_id = $1`, id); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// CreateSession stores a session; expired sessions of anyone go on the way.
func (s *Store) CreateSession(ctx context.Context, r backoffice.SessionRecord) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, r.TokenHash, r.StaffID, r.CSRF, r.CreatedAt, r.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	_, _ = s.db.Exec(ctx, `DELETE FROM staff_sessions WHERE expires_at < $1`, r.CreatedAt)
	return nil
}

// Session returns a live session and its enabled account.
func (s *Store) Session(ctx context.Context, tokenHash []byte, now time.Time) (*backoffice.SessionRecord, *backoffice.Staff, error) {
	r := backoffice.SessionRecord{TokenHash: tokenHash}
	st, err := scanStaff(s.db.QueryRow(ctx, `
		SELECT `+staffCols+`, ss.csrf_token, ss.created_at, ss.expires_at
		FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
		WHERE ss.token_hash = $1 AND ss.expires_at > $2 AND NOT s.disabled`, tokenHash, now),
		&r.CSRF, &r.CreatedAt, &r.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, fault.Wrap(fault.ErrNotFound, err, "no session")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read session: %w", err)
	}
	r.StaffID = st.ID
	return &r, st, nil
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM staff_sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// AppendAudit appends one row to staff_audit (a trigger refuses UPDATE,
// DELETE and TRUNCATE).
func (s *Store) AppendAudit(ctx context.Context, e backoffice.AuditEntry) error {
	var caseID *int64
	if e.CaseID != 0 {
		caseID = &e.CaseID
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO staff_audit (municipality, staff_id, action, case_id, detail, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, e.Municipality, e.StaffID, e.Action, caseID, e.Detail, e.At)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}
