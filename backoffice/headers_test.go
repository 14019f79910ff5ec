package backoffice_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestStaffSecurityHeaders: every staff response, signed in or not, has a
// strict CSP that allows no script and no framing.
func TestStaffSecurityHeaders(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	r := chi.NewRouter()
	tb.office.Routes(r)
	for _, path := range []string{"/staff/login", "/staff/", "/staff/style.css", "/staff/cases/1"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		h := w.Result().Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-") {
			t.Errorf("%s: CSP %q allows scripts or inline code", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}
