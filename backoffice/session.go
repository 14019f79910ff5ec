package backoffice

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/miasrbija/mia/fault"
)

// CookieName is the staff session cookie; it is scoped to /staff.
const CookieName = "mia_staff"

// loginCSRFCookie carries the login form's double-submit token: before
// login there is no session to hold one.
const loginCSRFCookie = "mia_staff_login"

// session is a logged-in staff member.
type session struct {
	Staff *Staff
	CSRF  string
	hash  []byte
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("backoffice: crypto/rand: %v", err)) // never fails on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// createSession stores a new session and returns its token (the cookie's
// value; only its hash is stored).
func (o *Office) createSession(ctx context.Context, staffID int64) (string, time.Time, error) {
	token := randomToken()
	now := o.now()
	exp := now.Add(o.cfg.SessionTTL)
	err := o.store.CreateSession(ctx, SessionRecord{TokenHash: tokenHash(token), StaffID: staffID, CSRF: randomToken(),
		CreatedAt: now, ExpiresAt: exp})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, exp, nil
}

// sessionFromRequest returns the session of the request's cookie, or nil
// when there is none, it expired or the account is disabled.
func (o *Office) sessionFromRequest(r *http.Request) (*session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	rec, st, err := o.store.Session(r.Context(), tokenHash(c.Value), o.now())
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return &session{Staff: st, CSRF: rec.CSRF, hash: rec.TokenHash}, nil
}

func (o *Office) deleteSession(ctx context.Context, s *session) error {
	return o.store.DeleteSession(ctx, s.hash)
}

func (o *Office) cookie(name, value, path string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true,
		Secure: !o.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode}
	if expires.IsZero() {
		c.MaxAge = -1
		c.Expires = time.Unix(1, 0)
	} else {
		c.Expires = expires
		c.MaxAge = int(time.Until(expires).Seconds())
	}
	return c
}

type ctxKey int

const sessionKey ctxKey = 0

func sessionFrom(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey).(*session)
	return s
}

func contextWithSession(r *http.Request, s *session) context.Context {
	return context.WithValue(r.Context(), sessionKey, s)
}
