package backoffice

import (
	"context"
	"time"
)

// Store keeps the back office's own tables: staff accounts, their
// sessions, the login limits and the audit log. It holds no rule (who may log in, password
// policy, what is audited): those stay in backoffice. A lookup of a
// missing row returns an error of kind fault.ErrNotFound.
// postgres/staffstore implements it.
type Store interface {
	StaffStore
	SessionStore
	LoginAttempts
	AuditLog
}

// StaffStore keeps staff accounts.
type StaffStore interface {
	// CreateStaff stores st with its password hash and sets st.ID. An
	// e-mail the municipality already has (in any letter case) is an
	// error of kind fault.ErrConflict.
	CreateStaff(ctx context.Context, st *Staff, passwordHash string) error
	// Credentials returns the enabled accounts with the e-mail (compared
	// in lower case) in the municipality ("": any), oldest first, at most
	// 10, with their password hashes.
	Credentials(ctx context.Context, municipality, email string) ([]Credential, error)
	// UpdateStaff applies u to the account with the e-mail (any letter
	// case) in the municipality and ends the account's sessions, in one
	// transaction. No such account: fault.ErrNotFound.
	UpdateStaff(ctx context.Context, municipality, email string, u StaffUpdate) error
}

// Credential is an account with its password hash, for checking a login.
type Credential struct {
	Staff        *Staff
	PasswordHash string
}

// StaffUpdate is a change to an account; nil and "" change nothing.
type StaffUpdate struct {
	Disabled     *bool
	PasswordHash string
}

// SessionStore keeps staff sessions. Only a token's hash is stored.
type SessionStore interface {
	// CreateSession stores a session and removes every session expired
	// at s.CreatedAt.
	CreateSession(ctx context.Context, s SessionRecord) error
	// Session returns the session with the token hash, when it has not
	// expired at now and its account is enabled; else fault.ErrNotFound.
	Session(ctx context.Context, tokenHash []byte, now time.Time) (*SessionRecord, *Staff, error)
	// DeleteSession removes a session; a missing one is not an error.
	DeleteSession(ctx context.Context, tokenHash []byte) error
}

// SessionRecord is a stored session.
type SessionRecord struct {
	TokenHash []byte // SHA-256 of the cookie's token
	StaffID   int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// LoginAttempts counts login attempts per key in a sliding window, shared
// by every replica. Keys are opaque (backoffice passes hashes, never an
// address in clear).
type LoginAttempts interface {
	// LoginAttemptsFull reports, without recording anything or waiting
	// on other reservations, whether any key already holds Max attempts
	// younger than its Window at `at`, and when all will have room
	// again: a cheap refusal before a reservation is worth trying.
	LoginAttemptsFull(ctx context.Context, at time.Time, limits []LoginLimit) (full bool, retryAt time.Time, err error)
	// ReserveLoginAttempt records an attempt at `at` under every limit's
	// key, atomically with respect to other reservations: when any key
	// already holds Max attempts younger than its Window, nothing is
	// recorded and it returns ok false and the time that key has room
	// again. Parallel calls for one key are serialised, so at most Max
	// succeed within a window.
	ReserveLoginAttempt(ctx context.Context, at time.Time, limits []LoginLimit) (ok bool, retryAt time.Time, err error)
	// ReleaseLoginAttempt takes back one attempt recorded at `at` under
	// each key (a check that never ran, or a login that succeeded); a key
	// without one is left as it is.
	ReleaseLoginAttempt(ctx context.Context, at time.Time, keys ...string) error
	// ClearLoginAttempts forgets every attempt under key.
	ClearLoginAttempts(ctx context.Context, key string) error
}

// LoginLimit is at most Max attempts under Key within Window.
type LoginLimit struct {
	Key    string
	Max    int
	Window time.Duration
}

// AuditLog is the append-only audit log.
type AuditLog interface {
	AppendAudit(ctx context.Context, e AuditEntry) error
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	Municipality string
	StaffID      int64
	Action       string
	CaseID       int64 // 0: none
	Detail       string
	At           time.Time
}
