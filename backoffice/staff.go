package backoffice

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/municipality"
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
// (argon2id). It returns an error of kind fault.ErrInvalid, with the
// reason, for a bad value and fault.ErrConflict when the e-mail exists in
// the municipality.
func CreateStaff(ctx context.Context, store StaffStore, reg *municipality.Registry, in NewStaff) (*Staff, error) {
	m, err := reg.Get(in.Municipality)
	if err != nil {
		return nil, fault.Wrap(fault.ErrInvalid, err, "%v", err)
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return nil, fault.Invalid("e-mail %q is not an address", in.Email)
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return nil, fault.Invalid("name is required")
	}
	switch in.Role {
	case RoleAdmin:
		if in.BodyKey != "" {
			return nil, fault.Invalid("an admin has no body (omit --body)")
		}
	case RoleStaff:
		if _, ok := m.Body(in.BodyKey); !ok {
			var keys []string
			for _, b := range m.Bodies {
				keys = append(keys, b.Key)
			}
			return nil, fault.Invalid("body %q is not a body of %s (known: %s)", in.BodyKey, m.Slug, strings.Join(keys, ", "))
		}
	default:
		return nil, fault.Invalid("role %q: expected admin or staff", in.Role)
	}
	if err := checkPasswordPolicy(in.Password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	s := &Staff{Municipality: m.Slug, Email: email, Name: name, Role: in.Role, BodyKey: in.BodyKey}
	if err := store.CreateStaff(ctx, s, hash); err != nil {
		return nil, err
	}
	return s, nil
}

// checkPasswordPolicy refuses a password shorter than MinPasswordLen.
func checkPasswordPolicy(password string) error {
	if len([]rune(password)) < MinPasswordLen {
		return fault.Invalid("password must have at least %d characters", MinPasswordLen)
	}
	return nil
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

// dummyHash returns a hash to check when the e-mail is unknown, so a
// login costs as much and takes as long for a missing account as for a
// wrong password. It has the current parameters and a random salt and key:
// checking it runs the full argon2id, and nothing matches it.
func dummyHash() string {
	b := make([]byte, 16+argonKeyLen)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("backoffice: crypto/rand: %v", err)) // never fails on supported systems
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(b[:16]), b64.EncodeToString(b[16:]))
}

// SetStaffDisabled disables or re-enables an account; disabling also ends
// its sessions. An unknown e-mail is an error of kind fault.ErrNotFound.
func SetStaffDisabled(ctx context.Context, store StaffStore, municipality, email string, disabled bool) error {
	return store.UpdateStaff(ctx, municipality, email, StaffUpdate{Disabled: &disabled})
}

// SetStaffPassword replaces an account's password and ends its sessions,
// so a leaked password stops working everywhere at once. A short password
// is an error of kind fault.ErrInvalid, an unknown e-mail
// fault.ErrNotFound.
func SetStaffPassword(ctx context.Context, store StaffStore, municipality, email, password string) error {
	if err := checkPasswordPolicy(password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return store.UpdateStaff(ctx, municipality, email, StaffUpdate{PasswordHash: hash})
}
