package backoffice

import (
	"context"
	"net/http"
	"strings"
	"time"
)

func (o *Office) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if s, err := o.sessionFromRequest(r); err == nil && s != nil {
		http.Redirect(w, r, "/staff/", http.StatusSeeOther)
		return
	}
	o.loginPage(w, r, http.StatusOK, "", "")
}

// loginPage renders the form with a fresh double-submit CSRF token.
func (o *Office) loginPage(w http.ResponseWriter, r *http.Request, status int, email, msg string) {
	tok := randomToken()
	http.SetCookie(w, o.cookie(loginCSRFCookie, tok, "/staff/login", o.now().Add(time.Hour)))
	data := map[string]any{"Title": "Prijava", "LoginCSRF": tok, "Email": email, "Error": msg}
	if all := o.reg.All(); len(all) > 1 {
		data["Municipalities"] = all
	}
	o.render(w, r, status, "login", data)
}

func (o *Office) handleLogin(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		o.loginPage(w, r, http.StatusForbidden, "", "Forma je istekla. Pokušajte ponovo.")
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	key := limiterKey(clientIP(r), email)
	if o.limiter.blocked(key, o.now()) {
		w.Header().Set("Retry-After", "900")
		o.loginPage(w, r, http.StatusTooManyRequests, email, "Previše neuspešnih pokušaja. Pokušajte ponovo za 15 minuta.")
		return
	}
	st, err := o.authenticate(r.Context(), r.PostFormValue("municipality"), email, r.PostFormValue("password"))
	if err != nil {
		o.fail(w, r, err)
		return
	}
	if st == nil {
		o.limiter.fail(key, o.now())
		o.log.WarnContext(r.Context(), "staff login failed", "ip", clientIP(r))
		o.loginPage(w, r, http.StatusUnauthorized, email, "Pogrešna e-adresa ili lozinka.")
		return
	}
	o.limiter.reset(key)
	token, exp, err := o.createSession(r.Context(), st.ID)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	http.SetCookie(w, o.cookie(CookieName, token, "/staff", exp))
	http.SetCookie(w, o.cookie(loginCSRFCookie, "", "/staff/login", time.Time{}))
	_ = o.audit(r.Context(), st, "login", 0, "")
	http.Redirect(w, r, "/staff/", http.StatusSeeOther)
}

// authenticate returns the enabled account matching the e-mail and
// password, or nil. An e-mail with accounts in several municipalities is
// checked against each (the form's municipality, when given, picks one).
func (o *Office) authenticate(ctx context.Context, muni, email, password string) (*Staff, error) {
	creds, err := o.store.Credentials(ctx, muni, email)
	if err != nil {
		return nil, err
	}
	if len(creds) == 0 {
		checkPassword(password, dummyHash())
		return nil, nil
	}
	for _, c := range creds {
		if checkPassword(password, c.PasswordHash) {
			return c.Staff, nil
		}
	}
	return nil, nil
}

func (o *Office) handleLogout(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	if err := o.deleteSession(r.Context(), s); err != nil {
		o.fail(w, r, err)
		return
	}
	_ = o.audit(r.Context(), s.Staff, "logout", 0, "")
	http.SetCookie(w, o.cookie(CookieName, "", "/staff", time.Time{}))
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}
