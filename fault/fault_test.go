package fault_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/miasrbija/mia/fault"
)

func TestKindsSurviveWrapping(t *testing.T) {
	cause := errors.New("no rows")
	tests := []struct {
		err    error
		kind   error
		status int
		msg    string
	}{
		{fault.Wrap(fault.ErrNotFound, cause, "predmet %s ne postoji", "SO-KP-1"), fault.ErrNotFound, http.StatusNotFound, "predmet SO-KP-1 ne postoji"},
		{fmt.Errorf("reroute: %w", fault.Invalid("zahtev za izvod ne može ići komunalnom preduzeću")), fault.ErrInvalid, http.StatusBadRequest, "zahtev za izvod ne može ići komunalnom preduzeću"},
		{fault.Conflict("već podneto"), fault.ErrConflict, http.StatusConflict, "već podneto"},
		{fault.Forbidden(""), fault.ErrForbidden, http.StatusForbidden, "forbidden"},
		{cause, nil, http.StatusInternalServerError, "Internal Server Error"},
	}
	for _, tt := range tests {
		if tt.kind != nil && !errors.Is(tt.err, tt.kind) {
			t.Errorf("%v: not of kind %v", tt.err, tt.kind)
		}
		if got := fault.HTTPStatus(tt.err); got != tt.status {
			t.Errorf("%v: status %d, want %d", tt.err, got, tt.status)
		}
		if got := fault.Message(tt.err); got != tt.msg {
			t.Errorf("%v: message %q, want %q", tt.err, got, tt.msg)
		}
	}
	if !errors.Is(fault.Wrap(fault.ErrConflict, cause, "x"), cause) {
		t.Error("the cause is lost")
	}
	if errors.Is(fault.NotFound("x"), fault.ErrConflict) {
		t.Error("a not-found error matches conflict")
	}
}
