package backoffice_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/limitstore"
	"github.com/miasrbija/mia/ratelimit"
	"github.com/miasrbija/mia/ratelimit/redislimit"
	"github.com/miasrbija/mia/ratelimit/redislimit/redistest"
)

// Two back-office replicas, each with its own connections to one limits
// store (PostgreSQL, then Redis): wrong guesses for one account,
// alternated across them from ever new addresses, are compared exactly
// LoginMaxFailures times; every further one is refused on both. Once the
// window has passed, one more guess is let through, and only one.
func TestLoginLimitsHoldAcrossReplicas(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"postgres", "redis"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			var limiter func() ratelimit.Limiter // another replica's, on its own connections
			switch backend {
			case "postgres":
				limiter = func() ratelimit.Limiter {
					db, err := postgres.Open(context.Background(), tb.db.Config().ConnString())
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(db.Close)
					return limitstore.New(db, nil)
				}
			case "redis":
				prefix := redistest.Prefix(t)
				limiter = func() ratelimit.Limiter { return redislimit.New(redistest.Client(t), prefix) }
			}
			a, urlA := tb.replica(t, backoffice.Config{Limiter: limiter()})
			b, urlB := tb.replica(t, backoffice.Config{Limiter: limiter()})

			n := map[int]int{}
			for i := range 9 {
				r := newLoginAttempt(t, []string{urlA, urlB}[i%2], "198.51.100."+strconv.Itoa(i+1)).post("admin@sombor.rs", "pogresna-"+strconv.Itoa(i))
				if r.err != nil {
					t.Fatal(r.err)
				}
				n[r.status]++
			}
			if n[http.StatusUnauthorized] != 5 || n[http.StatusTooManyRequests] != 4 || a.PasswordChecks()+b.PasswordChecks() != 5 {
				t.Fatalf("answers %v, %d passwords compared; want 5 compared (401) and 4 refused (429)",
					n, a.PasswordChecks()+b.PasswordChecks())
			}
			for _, base := range []string{urlA, urlB} {
				if r := newLoginAttempt(t, base, "203.0.113.9").post("admin@sombor.rs", password); r.status != http.StatusTooManyRequests ||
					!strings.Contains(r.body, "15 minuta") {
					t.Errorf("%s: the right password on a locked account: %d", base, r.status)
				}
			}

			// A replica whose clock is one window on: one guess passes, the
			// next is locked out for another window.
			_, later := tb.replica(t, backoffice.Config{Limiter: limiter(),
				Now: func() time.Time { return time.Now().Add(15*time.Minute + time.Second) }})
			if r := newLoginAttempt(t, later, "203.0.113.10").post("admin@sombor.rs", "pogresna"); r.status != http.StatusUnauthorized {
				t.Fatalf("a window later, a guess: %d, want 401", r.status)
			}
			r := newLoginAttempt(t, later, "203.0.113.11").post("admin@sombor.rs", password)
			if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); r.status != http.StatusTooManyRequests || ra < 890 || ra > 900 {
				t.Fatalf("the guess after it: %d, Retry-After %q; want 429 for about 15 minutes", r.status, r.header.Get("Retry-After"))
			}
		})
	}
}

// Staff logins fail closed: with the limits' store down, a login is
// refused (503, Retry-After) before its password is compared, even the
// right one.
func TestLoginFailsClosedWithoutLimits(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	opt, err := redislimit.ParseURL("redis://127.0.0.1:1/0") // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	o, base := tb.replica(t, backoffice.Config{Limiter: redislimit.New(redis.NewClient(opt), "")})
	r := newLoginAttempt(t, base, "192.0.2.1").post("admin@sombor.rs", password)
	if r.err != nil || r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" ||
		!strings.Contains(r.body, "Prijava trenutno nije moguća") {
		t.Fatalf("login with the limits down: %d %v, Retry-After %q", r.status, r.err, r.header.Get("Retry-After"))
	}
	if n := o.PasswordChecks(); n != 0 {
		t.Errorf("%d passwords compared without a limit", n)
	}
}
