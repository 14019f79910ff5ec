package backoffice

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/crypto/argon2"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
)

// Role is what a staff member may see.
type Role string

// Roles.
const (
	// RoleAdmin sees every case of the municipality and its analytics.
	RoleAdmin Role = "admin"
	// RoleStaff sees only cases routed to the member's body.
	RoleStaff Role = "staff"
)

// Staff is a staff account.
type Staff struct {
	ID           int64
	Municipality string
	Email        string
	Name         string
	Role         Role
	BodyKey      string // "" for an admin
	Disabled     bool
}

// Errors callers branch on.
var (
	// ErrInvalid: a staff account that cannot be created as asked.
	ErrInvalid = errors.New("invalid")
	// ErrConflict: the e-mail is taken in the municipality.
	ErrConflict = errors.New("conflict")
	// ErrNotFound: no such account.
	ErrNotFound = errors.New("not found")
)

// NewStaff is an account to create.
type NewStaff struct {
	Municipality string
	Email        string
	Name         string
	Role         Role
	BodyKey      string // required for RoleStaff, must be a body of the municipality
	Password     string // at least MinPasswordLen characters
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 12

// CreateStaff validates and stores a staff account with the password hashed
// (argon2id). It returns ErrInvalid (wrapped, with the reason) for a bad
// value and ErrConflict when the e-mail exists in the municipality.
func CreateStaff(ctx context.Context, db *postgres.DB, reg *municipality.Registry, in NewStaff) (*Staff, error) {
	m, err := reg.Get(in.Municipality)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return nil, fmt.Errorf("%w: e-mail %q is not an address", ErrInvalid, in.Email)
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return nil, fmt.Errorf("%w: name is required", ErrInvalid)
	}
	switch in.Role {
	case RoleAdmin:
		if in.BodyKey != "" {
			return nil, fmt.Errorf("%w: an admin has no body (omit --body)", ErrInvalid)
		}
	case RoleStaff:
		if _, ok := m.Body(in.BodyKey); !ok {
			var keys []string
			for _, b := range m.Bodies {
				keys = append(keys, b.Key)
			}
			return nil, fmt.Errorf("%w: body %q is not a body of %s (known: %s)", ErrInvalid, in.BodyKey, m.Slug, strings.Join(keys, ", "))
		}
	default:
		return nil, fmt.Errorf("%w: role %q: expected admin or staff", ErrInvalid, in.Role)
	}
	if len([]rune(in.Password)) < MinPasswordLen {
		return nil, fmt.Errorf("%w: password must have at least %d characters", ErrInvalid, MinPasswordLen)
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	s := &Staff{Municipality: m.Slug, Email: email, Name: name, Role: in.Role, BodyKey: in.BodyKey}
	err = db.QueryRow(ctx, `
		INSERT INTO staff (municipality, email, name, role, body_key, password_hash)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		s.Municipality, s.Email, s.Name, s.Role, s.BodyKey, hash).Scan(&s.ID)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return nil, fmt.Errorf("%w: %s already has an account in %s", ErrConflict, email, m.Slug)
	}
	if err != nil {
		return nil, fmt.Errorf("create staff: %w", err)
	}
	return s, nil
}

const staffCols = `id, municipality, email, name, role, body_key, disabled`

func scanStaff(row pgx.Row, extra ...any) (*Staff, error) {
	var s Staff
	err := row.Scan(append([]any{&s.ID, &s.Municipality, &s.Email, &s.Name, &s.Role, &s.BodyKey, &s.Disabled}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Argon2id parameters (RFC 9106's second recommended option, with less
// memory so a login costs tens of milliseconds on a small server).
// Variables, not constants, so tests can make hashing cheap; a hash
// carries its own parameters, so changing them keeps old hashes valid.
var (
	argonTime    uint32 = 3
	argonMemory  uint32 = 64 * 1024 // KiB
	argonThreads uint8  = 2
	argonKeyLen  uint32 = 32
)

// hashPassword returns a PHC string: $argon2id$v=19$m=..,t=..,p=..$salt$hash.
func hashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// checkPassword reports whether password matches a PHC string from
// hashPassword; a malformed hash never matches.
func checkPassword(password, phc string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || t == 0 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when the e-mail is unknown, so a login takes as
// long for a missing account as for a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashPassword("no such account, constant time")
	return h
})

// SetStaffDisabled disables or re-enables an account; disabling also ends
// its sessions. It returns ErrNotFound for an unknown e-mail.
func SetStaffDisabled(ctx context.Context, db *postgres.DB, municipality, email string, disabled bool) error {
	return updateStaff(ctx, db, municipality, email, `UPDATE staff SET disabled = $3 WHERE municipality = $1 AND lower(email) = lower($2) RETURNING id`, disabled)
}

// SetStaffPassword replaces an account's password and ends its sessions,
// so a leaked password stops working everywhere at once.
func SetStaffPassword(ctx context.Context, db *postgres.DB, municipality, email, password string) error {
	if len([]rune(password)) < MinPasswordLen {
		return fmt.Errorf("%w: password must have at least %d characters", ErrInvalid, MinPasswordLen)
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return updateStaff(ctx, db, municipality, email, `UPDATE staff SET password_hash = $3 WHERE municipality = $1 AND lower(email) = lower($2) RETURNING id`, hash)
}

// updateStaff runs one account update and drops the account's sessions in
// the same transaction.
func updateStaff(ctx context.Context, db *postgres.DB, municipality, email, update string, value any) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, update, municipality, strings.TrimSpace(email), value).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: no account %s in %s", ErrNotFound, email, municipality)
		}
		if err != nil {
			return fmt.Errorf("update staff: %w", err)
		}
		_, err = tx.Exec(ctx, `DELETE FROM staff_sessions WHERE staff_id = $1`, id)
		return err
	})
}
