package backoffice

import (
	"bytes"
	"cmp"
	"crypto/subtle"
	"embed"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/ratelimit"
)

// Config is what the back office needs. Store, Limiter, Forms, Usage and
// Municipalities are required; the rest have defaults.
type Config struct {
	Store          Store                 // staff, sessions, audit: postgres/staffstore
	Limiter        ratelimit.Limiter     // login limits, shared by replicas: postgres/limitstore, ratelimit/redislimit
	Forms          *forms.Service        // cases, their lifecycle and figures
	Usage          assistant.UsageReader // conversation figures: postgres/convstore
	Municipalities *municipality.Registry
	Log            *slog.Logger // nil discards
	// InsecureCookies drops the Secure flag from cookies: only for tests
	// and development on http://localhost.
	InsecureCookies bool
	SessionTTL      time.Duration // default 12h
	// LoginMaxFailures failed logins for one e-mail (from any address)
	// lock it: further attempts answer 429 for LoginWindow, then one
	// attempt per LoginWindow is let through (default 5, 15 minutes; see
	// loginLimits). LoginIPMaxFailures failed logins from one client
	// address (any e-mail) do the same for the address (default 20).
	LoginMaxFailures   int
	LoginIPMaxFailures int
	LoginWindow        time.Duration
	// LoginConcurrency password checks run at once, each holding 64 MiB
	// (default: half the CPUs, at most 2). A login that cannot expect
	// its check to end within LoginBudget of its arrival (waiting for a
	// free one, plus the time checks take now) answers 503 with
	// Retry-After (default 3s).
	LoginConcurrency int
	LoginBudget      time.Duration
	Now              func() time.Time // default time.Now
	// Crawl lists the web-site crawl runs on /staff/sources
	// (postgres/crawlstore); nil shows the configured sources only.
	Crawl CrawlRuns
	// Feedback serves /staff/gaps and the rating charts
	// (postgres/feedbackstore); nil shows neither.
	Feedback Feedback
	// Handovers serves /staff/handovers, the live queue of citizens who
	// asked for a person (handovers.go); nil: no such page.
	Handovers *handover.Service
}

// Office serves the staff pages under /staff.
type Office struct {
	cfg     Config
	store   Store
	limiter ratelimit.Limiter
	forms   *forms.Service
	usage   assistant.UsageReader
	reg     *municipality.Registry
	log     *slog.Logger
	now     func() time.Time
	hashers *hashPool
	pages   map[string]*template.Template
	// passwordChecks counts password comparisons (tests read it).
	passwordChecks atomic.Int64
}

//go:embed templates/*.html templates/style.css
var assets embed.FS

// New returns an Office. It panics when a required dependency is missing:
// that is a wiring mistake caught at start.
func New(cfg Config) *Office {
	if cfg.Store == nil || cfg.Limiter == nil || cfg.Forms == nil || cfg.Usage == nil || cfg.Municipalities == nil {
		panic("backoffice: Store, Limiter, Forms, Usage and Municipalities are required")
	}
	cfg.SessionTTL = cmp.Or(cfg.SessionTTL, 12*time.Hour)
	cfg.LoginMaxFailures = cmp.Or(cfg.LoginMaxFailures, 5)
	cfg.LoginIPMaxFailures = cmp.Or(cfg.LoginIPMaxFailures, 20)
	cfg.LoginWindow = cmp.Or(cfg.LoginWindow, 15*time.Minute)
	cfg.LoginConcurrency = cmp.Or(cfg.LoginConcurrency, min(2, max(1, runtime.GOMAXPROCS(0)/2)))
	cfg.LoginBudget = cmp.Or(cfg.LoginBudget, 3*time.Second)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	o := &Office{cfg: cfg, store: cfg.Store, limiter: cfg.Limiter, forms: cfg.Forms, usage: cfg.Usage, reg: cfg.Municipalities, log: cfg.Log, now: cfg.Now,
		hashers: newHashPool(cfg.LoginConcurrency, cfg.LoginBudget), pages: map[string]*template.Template{}}
	for _, p := range []string{"login", "queue", "case", "analytics", "sources", "gaps", "handovers", "handover", "error"} {
		o.pages[p] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+p+".html"))
	}
	return o
}

// Routes mounts the back office under /staff.
func (o *Office) Routes(r chi.Router) {
	r.Route("/staff", func(r chi.Router) {
		r.Use(noStore)
		r.Get("/style.css", o.handleCSS)
		r.Get("/login", o.handleLoginForm)
		r.Post("/login", o.handleLogin)
		r.Group(func(r chi.Router) {
			r.Use(o.requireSession, o.checkCSRF)
			r.Post("/logout", o.handleLogout)
			r.Get("/", o.handleQueue)
			o.registerCaseRoutes(r)
			o.registerAnalyticsRoutes(r)
			o.registerSourceRoutes(r)
			o.registerGapRoutes(r)
			o.registerHandoverRoutes(r)
		})
	})
}

// staffCSP allows the staff pages their own stylesheet, attachments'
// photos and video, and forms posting back to MIA: no script at all, no
// framing (clickjacking a status change), no other origin.
const staffCSP = "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// noStore keeps staff pages (personal data) out of shared and browser
// caches and sets their strict security headers.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", staffCSP)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// requireSession lets through only requests with a valid staff session:
// a page request without one is sent to the login page, anything else
// gets 401.
func (o *Office) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := o.sessionFromRequest(r)
		if err != nil {
			o.fail(w, r, err)
			return
		}
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
				return
			}
			o.errorPage(w, r, http.StatusUnauthorized, "Prijavite se ponovo.")
			return
		}
		next.ServeHTTP(w, r.WithContext(contextWithSession(r, s)))
	})
}

// checkCSRF requires the session's token in the form of every POST.
func (o *Office) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			s := sessionFrom(r.Context())
			if s == nil || !sameToken(r.PostFormValue("csrf"), s.CSRF) {
				o.errorPage(w, r, http.StatusForbidden, "Zahtev nije prihvaćen (istekla forma). Osvežite stranicu i pokušajte ponovo.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// render writes a page; the template runs into a buffer first so a
// template error gives a clean 500, not half a page.
func (o *Office) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	if s := sessionFrom(r.Context()); s != nil {
		data["Me"] = s.Staff
		data["CSRF"] = s.CSRF
		data["IsAdmin"] = s.Staff.Role == RoleAdmin
		_, mayHandover := o.handoverStaff(r)
		data["HasHandovers"] = mayHandover && o.cfg.Handovers != nil
		if m, err := o.reg.Get(s.Staff.Municipality); err == nil {
			data["Municipality"] = m
		}
	}
	var b bytes.Buffer
	if err := o.pages[page].Execute(&b, data); err != nil {
		o.log.ErrorContext(r.Context(), "render", "page", page, "err", err)
		http.Error(w, "Greška servera.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

func (o *Office) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	o.render(w, r, status, "error", map[string]any{"Title": http.StatusText(status), "Message": msg})
}

func (o *Office) notFound(w http.ResponseWriter, r *http.Request) {
	o.errorPage(w, r, http.StatusNotFound, "Predmet nije pronađen.")
}

// fail answers err with its status (fault.HTTPStatus, the one mapping of
// errors to HTTP). A not-found page is always the same, so a case out of
// reach reads like one that does not exist; other domain errors show
// their message; anything else is logged and shows nothing of itself.
func (o *Office) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch status := fault.HTTPStatus(err); status {
	case http.StatusNotFound:
		o.notFound(w, r)
	case http.StatusInternalServerError:
		o.log.ErrorContext(r.Context(), "backoffice", "path", r.URL.Path, "err", err)
		o.errorPage(w, r, status, "Došlo je do greške. Pokušajte ponovo.")
	default:
		o.errorPage(w, r, status, fault.Message(err))
	}
}

func (o *Office) handleCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	b, _ := assets.ReadFile("templates/style.css")
	_, _ = w.Write(b)
}

// clientIP is the peer address; a proxy in front must set RemoteAddr
// (chi's RealIP) for the limit to be per citizen rather than per proxy.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
