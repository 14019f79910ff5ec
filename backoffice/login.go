package backoffice

import (
	"errors"
	"net/http"
	"strconv"
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

// handleLogin checks a login. The password is compared only in a slot of
// the bounded pool and only after the attempt is reserved against the
// limits (per account and per client address, in Config.Limiter, so shared
// by every replica): parallel guesses cannot all be compared before the
// first failure is counted. A failure keeps its reservation; a success
// clears the account's failures and takes back its own reservation of the
// address's. A login already over a limit is refused before it waits for a
// slot; one that finds no slot in time is refused having reserved nothing.
// When the limits cannot be read or written (the store is down), the login
// is refused (503) without comparing the password: the limits are what
// stands between a guesser and the staff's passwords.
func (o *Office) handleLogin(w http.ResponseWriter, r *http.Request) {
	ctx, arrived := r.Context(), time.Now()
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		o.loginPage(w, r, http.StatusForbidden, "", "Forma je istekla. Pokušajte ponovo.")
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	limits := o.loginLimits(clientIP(r), email)
	at := o.now()
	full, wait, err := o.loginFull(ctx, limits, at)
	if err != nil {
		o.limitsDown(w, r, email, err)
		return
	}
	if full {
		o.tooManyLogins(w, r, email, wait)
		return
	}
	creds, err := o.store.Credentials(ctx, r.PostFormValue("municipality"), email)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	var st *Staff
	var reserved bool
	var rerr error
	err = o.hashers.do(ctx, arrived, func() {
		reserved, wait, rerr = o.reserveLogin(ctx, limits, at)
		if reserved {
			st = o.checkCredentials(creds, r.PostFormValue("password"))
		}
	})
	switch {
	case rerr != nil && ctx.Err() == nil:
		o.limitsDown(w, r, email, rerr)
		return
	case errors.Is(err, errLoginBusy):
		o.log.WarnContext(ctx, "staff login refused: password checks busy")
		w.Header().Set("Retry-After", strconv.Itoa(int(max(o.cfg.LoginBudget, time.Second)/time.Second)))
		o.loginPage(w, r, http.StatusServiceUnavailable, email, "Previše prijava u ovom trenutku. Pokušajte ponovo za nekoliko sekundi.")
		return
	case (err != nil || rerr != nil) && ctx.Err() != nil:
		return // the client has gone
	case err != nil:
		o.fail(w, r, err)
		return
	case !reserved:
		o.tooManyLogins(w, r, email, wait)
		return
	case st == nil:
		o.log.WarnContext(ctx, "staff login failed", "ip", clientIP(r))
		o.loginPage(w, r, http.StatusUnauthorized, email, "Pogrešna e-adresa ili lozinka.")
		return
	}
	o.loginSucceeded(ctx, limits, at)
	token, exp, err := o.createSession(ctx, st.ID)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	http.SetCookie(w, o.cookie(CookieName, token, "/staff", exp))
	http.SetCookie(w, o.cookie(loginCSRFCookie, "", "/staff/login", time.Time{}))
	_ = o.audit(ctx, st, "login", 0, "")
	http.Redirect(w, r, "/staff/", http.StatusSeeOther)
}

// limitsDown refuses a login whose limits the store cannot check.
func (o *Office) limitsDown(w http.ResponseWriter, r *http.Request, email string, err error) {
	o.log.ErrorContext(r.Context(), "staff login refused: login limits unavailable", "err", err)
	w.Header().Set("Retry-After", "60")
	o.loginPage(w, r, http.StatusServiceUnavailable, email, "Prijava trenutno nije moguća. Pokušajte ponovo za minut.")
}

func (o *Office) tooManyLogins(w http.ResponseWriter, r *http.Request, email string, wait time.Duration) {
	secs, mins := retryText(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	o.loginPage(w, r, http.StatusTooManyRequests, email, "Previše neuspešnih pokušaja. Pokušajte ponovo za "+mins+".")
}

// checkCredentials returns the account whose hash the password matches,
// or nil. An e-mail with accounts in several municipalities is checked
// against each (the form's municipality, when given, picks one); an
// unknown e-mail against a dummy hash, so it costs as much and takes as
// long as a wrong password. Run it in a slot of o.hashers only.
func (o *Office) checkCredentials(creds []Credential, password string) *Staff {
	if len(creds) == 0 {
		o.passwordChecks.Add(1)
		checkPassword(password, dummyHash())
		return nil
	}
	for _, c := range creds {
		o.passwordChecks.Add(1)
		if checkPassword(password, c.PasswordHash) {
			return c.Staff
		}
	}
	return nil
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
