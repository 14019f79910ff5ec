package backoffice_test

import (
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/backoffice"
)

// replica serves another Office on the bundle's database, as a second
// server process would. Its router takes the client address from
// X-Test-Client, standing in for server's trusted-proxy handling.
func (tb *testBundle) replica(t *testing.T, cfg backoffice.Config) (*backoffice.Office, string) {
	t.Helper()
	cfg.InsecureCookies = true
	o := backoffice.New(tb.config(cfg))
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ip := r.Header.Get("X-Test-Client"); ip != "" {
				r.RemoteAddr = net.JoinHostPort(ip, "4321")
			}
			next.ServeHTTP(w, r)
		})
	})
	o.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return o, srv.URL
}

// loginAttempt is one browser about to post the login form: it has
// fetched the form (cookie and token), so many can post at once.
type loginAttempt struct {
	base, ip, csrf string
	hc             *http.Client
}

func newLoginAttempt(t *testing.T, base, ip string) *loginAttempt {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	a := &loginAttempt{base: base, ip: ip, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	req, _ := http.NewRequest(http.MethodGet, base+"/staff/login", nil)
	req.Header.Set("X-Test-Client", ip)
	res, err := a.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	a.csrf = csrfOf(t, read(t, res).body)
	return a
}

// loginResult is the answer to one posted login form.
type loginResult struct {
	status int
	header http.Header
	body   string
	took   time.Duration
	err    error
}

// post sends the form; safe to call from any goroutine.
func (a *loginAttempt) post(email, pass string) loginResult {
	form := url.Values{"csrf": {a.csrf}, "email": {email}, "password": {pass}}
	req, _ := http.NewRequest(http.MethodPost, a.base+"/staff/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-Client", a.ip)
	start := time.Now()
	res, err := a.hc.Do(req)
	if err != nil {
		return loginResult{err: err, took: time.Since(start)}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return loginResult{status: res.StatusCode, header: res.Header, body: string(b), took: time.Since(start), err: err}
}

// burst posts every attempt's form at the same moment and returns the
// answers in order.
func burst(attempts []*loginAttempt, email func(i int) string, pass func(i int) string) []loginResult {
	out := make([]loginResult, len(attempts))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, a := range attempts {
		wg.Go(func() {
			<-start
			out[i] = a.post(email(i), pass(i))
		})
	}
	close(start)
	wg.Wait()
	return out
}

func statusCounts(t *testing.T, results []loginResult) map[int]int {
	t.Helper()
	n := map[int]int{}
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("attempt %d: %v", i, r.err)
		}
		n[r.status]++
	}
	return n
}

// Twenty parallel wrong guesses for one account, from twenty addresses,
// on two replicas: only the allowed five are compared (each attempt is
// counted in PostgreSQL before its password is), the rest are refused
// before hashing, and the account stays locked for the window everywhere,
// even for the right password.
func TestLoginBurstComparesAtMostTheLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a, urlA := tb.replica(t, backoffice.Config{})
	b, urlB := tb.replica(t, backoffice.Config{})
	var attempts []*loginAttempt
	for i := range 20 {
		attempts = append(attempts, newLoginAttempt(t, []string{urlA, urlB}[i%2], "198.51.100."+strconv.Itoa(i+1)))
	}
	results := burst(attempts, func(int) string { return "admin@sombor.rs" }, func(i int) string { return "pogresna-" + strconv.Itoa(i) })
	n := statusCounts(t, results)
	checks := a.PasswordChecks() + b.PasswordChecks()
	if checks > 5 || checks < 1 || int64(n[http.StatusUnauthorized]) != checks {
		t.Fatalf("%d passwords compared (at most 5 allowed), answers %v", checks, n)
	}
	if n[http.StatusUnauthorized]+n[http.StatusTooManyRequests]+n[http.StatusServiceUnavailable] != 20 || n[http.StatusTooManyRequests] < 15 {
		t.Fatalf("answers %v", n)
	}
	for _, r := range results {
		if r.status == http.StatusTooManyRequests && !strings.Contains(r.body, "Previše neuspešnih pokušaja") {
			t.Errorf("429 without its message:\n%s", r.body)
		}
	}

	// A burst on a loaded machine may have fewer than the limit compared
	// (an attempt refused as busy before its check): the rest of the
	// limit, one by one, locks the account.
	for i := checks; i < 5; i++ {
		if r := newLoginAttempt(t, urlA, "192.0.2."+strconv.Itoa(int(i)+1)).post("admin@sombor.rs", "pogresna-x"); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d after the burst: %d", i+1, r.status)
		}
	}
	checks = a.PasswordChecks() + b.PasswordChecks()
	// Locked on both replicas, from a new address, with the right password.
	for _, base := range []string{urlA, urlB} {
		r := newLoginAttempt(t, base, "203.0.113.9").post("admin@sombor.rs", password)
		ra, _ := strconv.Atoi(r.header.Get("Retry-After"))
		if r.status != http.StatusTooManyRequests || ra < 1 || ra > 900 || !strings.Contains(r.body, "15 minuta") {
			t.Errorf("%s after the burst: %d, Retry-After %q", base, r.status, r.header.Get("Retry-After"))
		}
	}
	if got := a.PasswordChecks() + b.PasswordChecks(); got != checks {
		t.Errorf("a locked account's password was compared: %d checks, want %d", got, checks)
	}
	// Neither e-mail nor address is stored in clear.
	if n := tb.count(t, `SELECT count(*) FROM rate_limits WHERE key LIKE '%sombor%' OR key LIKE '%198.51%'`); n != 0 {
		t.Errorf("%d limit keys hold an address in clear", n)
	}
	// Once the window has passed the right password works, on a replica
	// whose clock is 15 minutes on.
	_, later := tb.replica(t, backoffice.Config{Now: func() time.Time { return time.Now().Add(15*time.Minute + time.Second) }})
	if r := newLoginAttempt(t, later, "203.0.113.9").post("admin@sombor.rs", password); r.status != http.StatusSeeOther {
		t.Errorf("after the window: %d", r.status)
	}
}

// One address gets LoginIPMaxFailures (20) failed logins per window,
// whatever the e-mails, summed over both replicas; then even a right
// password from it is refused, while other addresses log in.
func TestLoginLimitPerAddressSharedByReplicas(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a, urlA := tb.replica(t, backoffice.Config{})
	b, urlB := tb.replica(t, backoffice.Config{})

	// A successful login takes back its own count: the office's shared
	// address (many staff behind one NAT) is not used up by logging in.
	for i := range 25 {
		if r := newLoginAttempt(t, []string{urlA, urlB}[i%2], "192.0.2.7").post("cistoca@sombor.rs", password); r.status != http.StatusSeeOther {
			t.Fatalf("login %d from the office: %d", i+1, r.status)
		}
	}
	before := a.PasswordChecks() + b.PasswordChecks()

	var attempts []*loginAttempt
	for i := range 40 {
		attempts = append(attempts, newLoginAttempt(t, []string{urlA, urlB}[i%2], "192.0.2.7"))
	}
	results := burst(attempts, func(i int) string { return "nepoznat" + strconv.Itoa(i) + "@sombor.rs" }, func(int) string { return "pogresna" })
	n := statusCounts(t, results)
	checks := a.PasswordChecks() + b.PasswordChecks() - before
	if checks > 20 || checks < 1 || int64(n[http.StatusUnauthorized]) != checks || n[http.StatusTooManyRequests] < 20 {
		t.Fatalf("%d passwords compared from one address (at most 20), answers %v", checks, n)
	}
	for _, base := range []string{urlA, urlB} {
		if r := newLoginAttempt(t, base, "192.0.2.7").post("vodokanal@sombor.rs", password); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Errorf("%s: right password from a blocked address: %d", base, r.status)
		}
		if r := newLoginAttempt(t, base, "192.0.2.8").post("vodokanal@sombor.rs", password); r.status != http.StatusSeeOther {
			t.Errorf("%s: another address: %d", base, r.status)
		}
	}
	// An IPv6 client counts by its /64: a neighbour address in the same
	// block shares the count.
	for i := range 20 {
		newLoginAttempt(t, urlA, "2001:db8:1:2::"+strconv.Itoa(i+1)).post("x"+strconv.Itoa(i)+"@sombor.rs", "pogresna")
	}
	if r := newLoginAttempt(t, urlB, "2001:db8:1:2:ffff::1").post("admin@sombor.rs", password); r.status != http.StatusTooManyRequests {
		t.Errorf("same /64: %d", r.status)
	}
	if r := newLoginAttempt(t, urlB, "2001:db8:1:3::1").post("admin@sombor.rs", password); r.status != http.StatusSeeOther {
		t.Errorf("another /64: %d", r.status)
	}
}
