// Package fault is MIA's one set of domain errors and their one mapping to
// HTTP status codes. Domain packages (forms, rag, assistant, backoffice)
// and the stores under postgres/ wrap their failures with these kinds, so
// a handler branches on the kind, never on a package's own sentinel or on
// a database error.
package fault

import (
	"errors"
	"fmt"
	"net/http"
)

// The kinds a caller may branch on, with errors.Is.
var (
	// ErrNotFound: the thing does not exist, or the caller may not know
	// that it does (a case of another citizen is "not found", not
	// "forbidden", so that numbers cannot be probed).
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request is malformed or breaks a rule of the domain.
	ErrInvalid = errors.New("invalid")
	// ErrConflict: the request is valid but the state has moved on (a case
	// already filed, a status changed by someone else).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the caller is known and may not do this.
	ErrForbidden = errors.New("forbidden")
)

// Error is a domain error: a kind, a message that is safe to show to the
// person who made the request (Serbian for citizens and staff), and the
// cause for the log.
type Error struct {
	Kind error  // one of the Err* kinds above
	Msg  string // safe to show; empty: the kind's generic text
	Err  error  // cause, for logs; may be nil
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = e.Kind.Error()
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Is makes errors.Is(err, ErrNotFound) true for an Error of that kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind with a message safe to show.
func New(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of kind around cause, with a message safe to show.
func Wrap(kind, cause error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// NotFound, Invalid, Conflict and Forbidden are New for one kind.
func NotFound(format string, args ...any) error  { return New(ErrNotFound, format, args...) }
func Invalid(format string, args ...any) error   { return New(ErrInvalid, format, args...) }
func Conflict(format string, args ...any) error  { return New(ErrConflict, format, args...) }
func Forbidden(format string, args ...any) error { return New(ErrForbidden, format, args...) }

// HTTPStatus is the status code a handler answers err with: 404, 400, 409,
// 403 for the kinds, 500 for anything else.
func HTTPStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// Message is the text safe to show for err: the message of the outermost
// Error, or the generic text of its status when err is not a domain error
// (an internal error's details belong in the log only).
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		if e.Msg != "" {
			return e.Msg
		}
		return e.Kind.Error()
	}
	return http.StatusText(HTTPStatus(err))
}
