package backoffice

import (
	"context"
	"time"
)

// Store keeps the back office's own tables: staff accounts, their
// sessions and the audit log. It holds no rule (who may log in, password
// policy, what is audited): those stay in backoffice. A lookup of a
// missing row returns an error of kind fault.ErrNotFound.
// postgres/staffstore implements it.
type Store interface {
	StaffStore
	SessionStore
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
