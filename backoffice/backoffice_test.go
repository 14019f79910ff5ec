package backoffice_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/limitstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/postgres/staffstore"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const password = "lozinka-za-test-1"

type testBundle struct {
	ctx    context.Context
	db     *postgres.DB
	staff  *staffstore.Store
	reg    *municipality.Registry
	forms  *forms.Service
	office *backoffice.Office
	srv    *httptest.Server
	// Accounts: a Sombor admin, staff of two bodies, another city's admin.
	admin, cistoca, vodokanal, otherAdmin *backoffice.Staff
}

// registry serves Sombor (the embedded file) and a second city, Apatin.
func registry(t *testing.T) *municipality.Registry {
	t.Helper()
	base, err := os.ReadFile("../municipality/municipalities.yaml")
	if err != nil {
		t.Fatal(err)
	}
	extra := `
  - slug: apatin
    name: Opština Apatin
    name_cyr: Општина Апатин
    ref_prefix: AP
    address: Srpskih vladara 29, 25260 Apatin
    phone: 025/772-122
    email: info@apatin.rs
    website: https://www.apatin.rs
    office_hours: "8-15"
    bounds: {min_lat: 45.5, max_lat: 45.8, min_lon: 18.8, max_lon: 19.2}
    bodies:
      - key: jkp-komunalac
        name: JKP Komunalac Apatin
        handles: [waste, street_cleaning, greenery, public_lighting, water_sewage, roads, illegal_dumping, animals, other]
`
	reg, err := municipality.Parse(append(bytes.TrimRight(base, "\n"), extra...))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	tb := &testBundle{ctx: context.Background(), db: db, staff: staffstore.New(db), reg: registry(t)}
	if err := db.SyncMunicipalities(tb.ctx, tb.reg); err != nil {
		t.Fatal(err)
	}
	c, err := forms.NewCrypter(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	tb.forms, err = forms.NewService(forms.Config{Store: casestore.New(db), Municipalities: tb.reg, Crypter: c})
	if err != nil {
		t.Fatal(err)
	}
	tb.office = backoffice.New(tb.config(backoffice.Config{InsecureCookies: true}))
	r := chi.NewRouter()
	tb.office.Routes(r)
	tb.srv = httptest.NewServer(r)
	t.Cleanup(tb.srv.Close)
	tb.admin = tb.mustStaff(t, "sombor", "admin@sombor.rs", backoffice.RoleAdmin, "")
	tb.cistoca = tb.mustStaff(t, "sombor", "cistoca@sombor.rs", backoffice.RoleStaff, "jkp-cistoca")
	tb.vodokanal = tb.mustStaff(t, "sombor", "vodokanal@sombor.rs", backoffice.RoleStaff, "jkp-vodokanal")
	tb.otherAdmin = tb.mustStaff(t, "apatin", "admin@apatin.rs", backoffice.RoleAdmin, "")
	return tb
}

// config fills the dependencies of an office config.
func (tb *testBundle) config(cfg backoffice.Config) backoffice.Config {
	cfg.Store, cfg.Forms, cfg.Usage, cfg.Municipalities = tb.staff, tb.forms, convstore.New(tb.db), tb.reg
	if cfg.Limiter == nil {
		cfg.Limiter = limitstore.New(tb.db, nil)
	}
	return cfg
}

func (tb *testBundle) mustStaff(t *testing.T, muni, email string, role backoffice.Role, body string) *backoffice.Staff {
	t.Helper()
	st, err := backoffice.CreateStaff(tb.ctx, tb.staff, tb.reg, backoffice.NewStaff{Municipality: muni, Email: email,
		Name: "Test " + email, Role: role, BodyKey: body, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

var refSeq atomic.Int64

// caseOpts are the optional parts of a seeded case.
type caseOpts struct {
	Municipality string // default sombor
	Kind         string // default KP
	Body         string
	Status       string // default received
	Fields       map[string]string
	JMBGMasked   string
	Channel      string // default web
	User         string // default citizen-1
	CreatedAt    time.Time
}

// mustCase inserts a case with its first event and returns its id.
func (tb *testBundle) mustCase(t *testing.T, o caseOpts) int64 {
	t.Helper()
	o.Municipality = cmpOr(o.Municipality, "sombor")
	o.Kind = cmpOr(o.Kind, "KP")
	o.Status = cmpOr(o.Status, "received")
	o.Channel = cmpOr(o.Channel, "web")
	o.User = cmpOr(o.User, "citizen-1")
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now()
	}
	form := "communal_report"
	if o.Kind == "IZ" {
		form = "registry_extract"
	}
	if o.Fields == nil {
		o.Fields = map[string]string{}
	}
	ref := fmt.Sprintf("T-%s-2026-%06d", o.Kind, refSeq.Add(1))
	var masked *string
	if o.JMBGMasked != "" {
		masked = &o.JMBGMasked
	}
	var id int64
	err := tb.db.QueryRow(tb.ctx, `
		INSERT INTO cases (municipality, ref, kind, form, status, body_key, fields, jmbg_masked, channel, channel_user, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		o.Municipality, ref, o.Kind, form, o.Status, o.Body, o.Fields, masked, o.Channel, o.User, o.CreatedAt).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Exec(tb.ctx, `
		INSERT INTO case_events (municipality, case_id, from_status, to_status, actor, created_at)
		VALUES ($1, $2, NULL, 'received', 'citizen', $3)`, o.Municipality, id, o.CreatedAt); err != nil {
		t.Fatal(err)
	}
	return id
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// mustAttachment stores bytes as an attachment of the case.
func (tb *testBundle) mustAttachment(t *testing.T, caseID int64, mime string, data []byte) int64 {
	t.Helper()
	key := fmt.Sprintf("test-%d-%d", caseID, refSeq.Add(1))
	if _, err := tb.db.Exec(tb.ctx, `INSERT INTO attachment_blobs (key, municipality, data) VALUES ($1, 'sombor', $2)`, key, data); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := tb.db.QueryRow(tb.ctx, `
		INSERT INTO case_attachments (municipality, case_id, storage_key, mime, size, name)
		VALUES ('sombor', $1, $2, $3, $4, 'foto.jpg') RETURNING id`, caseID, key, mime, len(data)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (tb *testBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := tb.db.QueryRow(tb.ctx, sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// client is a browser-like HTTP client: a cookie jar, no redirects followed.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (tb *testBundle) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: tb.srv.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) get(path string) response {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	return read(c.t, res)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	res, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	return read(c.t, res)
}

func read(t *testing.T, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", page)
	}
	return m[1]
}

// login posts the login form and returns the response.
func (c *client) login(email, pass string) response {
	c.t.Helper()
	page := c.get("/staff/login")
	return c.post("/staff/login", url.Values{"csrf": {csrfOf(c.t, page.body)}, "email": {email}, "password": {pass}})
}

// mustLogin logs in and returns the CSRF token of the session.
func (c *client) mustLogin(email string) string {
	c.t.Helper()
	res := c.login(email, password)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/staff/" {
		c.t.Fatalf("login %s: %d %s\n%s", email, res.status, res.header.Get("Location"), res.body)
	}
	page := c.get("/staff/")
	if page.status != http.StatusOK {
		c.t.Fatalf("queue after login: %d", page.status)
	}
	return csrfOf(c.t, page.body)
}

func TestLoginLogout(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.client(t)
	csrf := c.mustLogin("ADMIN@sombor.rs") // e-mail is case-insensitive
	if n := tb.count(t, `SELECT count(*) FROM staff_sessions WHERE staff_id = $1`, tb.admin.ID); n != 1 {
		t.Fatalf("sessions: %d", n)
	}
	// Only the SHA-256 of the token is stored.
	u, _ := url.Parse(tb.srv.URL + "/staff/")
	var token string
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == backoffice.CookieName {
			token = ck.Value
		}
	}
	if token == "" {
		t.Fatal("no session cookie")
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, token); n != 1 {
		t.Fatalf("session not stored as SHA-256 of the token")
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_sessions WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'`, token); n != 0 {
		t.Fatal("token stored in clear")
	}
	res := c.post("/staff/logout", url.Values{"csrf": {csrf}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/staff/login" {
		t.Fatalf("logout: %d %s", res.status, res.header.Get("Location"))
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_sessions`); n != 0 {
		t.Fatalf("sessions after logout: %d", n)
	}
	if res := c.get("/staff/"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/staff/login" {
		t.Fatalf("after logout: %d %s", res.status, res.header.Get("Location"))
	}
	// The old token is dead even when replayed.
	old := tb.client(t)
	old.http.Jar.SetCookies(u, []*http.Cookie{{Name: backoffice.CookieName, Value: token, Path: "/staff"}})
	if res := old.get("/staff/"); res.status != http.StatusSeeOther {
		t.Fatalf("replayed token: %d", res.status)
	}
}

func TestDisabledAccountLosesSession(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.client(t)
	c.mustLogin("cistoca@sombor.rs")
	if _, err := tb.db.Exec(tb.ctx, `UPDATE staff SET disabled = true WHERE id = $1`, tb.cistoca.ID); err != nil {
		t.Fatal(err)
	}
	if res := c.get("/staff/"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/staff/login" {
		t.Fatalf("disabled account still in: %d", res.status)
	}
}

func TestLoginWrongPassword(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tc := range []struct{ name, email, pass string }{
		{"wrong password", "admin@sombor.rs", "pogresna-lozinka"},
		{"unknown e-mail", "nobody@sombor.rs", password},
	} {
		c := tb.client(t)
		res := c.login(tc.email, tc.pass)
		if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "Pogrešna e-adresa ili lozinka") {
			t.Errorf("%s: %d\n%s", tc.name, res.status, res.body)
		}
		for _, ck := range res.header.Values("Set-Cookie") {
			if strings.HasPrefix(ck, backoffice.CookieName+"=") {
				t.Errorf("%s: session cookie set: %s", tc.name, ck)
			}
		}
	}
	// A disabled account cannot log in.
	if _, err := tb.db.Exec(tb.ctx, `UPDATE staff SET disabled = true WHERE id = $1`, tb.cistoca.ID); err != nil {
		t.Fatal(err)
	}
	if res := tb.client(t).login("cistoca@sombor.rs", password); res.status != http.StatusUnauthorized {
		t.Errorf("disabled account: %d", res.status)
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_sessions`); n != 0 {
		t.Fatalf("sessions: %d", n)
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.client(t)
	for i := range 5 {
		if res := c.login("admin@sombor.rs", "pogresno"); res.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, res.status)
		}
	}
	// The sixth try is refused before the password is looked at, even the right one.
	res := c.login("admin@sombor.rs", password)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt: %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
	}
	// Another e-mail from the same address is not blocked.
	defer func() {
		// Once the window has passed, the right password works again.
		now := time.Now()
		o := backoffice.New(tb.config(backoffice.Config{InsecureCookies: true,
			LoginMaxFailures: 2, LoginWindow: time.Minute, Now: func() time.Time { return now }}))
		r := chi.NewRouter()
		o.Routes(r)
		srv := httptest.NewServer(r)
		defer srv.Close()
		c := tb.client(t)
		c.base = srv.URL
		c.login("admin@sombor.rs", "pogresno")
		c.login("admin@sombor.rs", "pogresno")
		if res := c.login("admin@sombor.rs", password); res.status != http.StatusTooManyRequests {
			t.Fatalf("small limit: %d", res.status)
		}
		now = now.Add(time.Minute)
		if res := c.login("admin@sombor.rs", password); res.status != http.StatusSeeOther {
			t.Fatalf("after the window: %d", res.status)
		}
	}()
	if res := c.login("cistoca@sombor.rs", password); res.status != http.StatusSeeOther {
		t.Fatalf("other e-mail: %d", res.status)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := tb.mustCase(t, caseOpts{Body: "jkp-cistoca"})
	c := tb.client(t)
	csrf := c.mustLogin("admin@sombor.rs")
	path := fmt.Sprintf("/staff/cases/%d/status", id)
	for name, form := range map[string]url.Values{
		"no token":    {"to": {"forwarded"}},
		"wrong token": {"to": {"forwarded"}, "csrf": {csrf + "x"}},
	} {
		if res := c.post(path, form); res.status != http.StatusForbidden {
			t.Errorf("%s: %d", name, res.status)
		}
	}
	if res := c.post(fmt.Sprintf("/staff/cases/%d/body", id), url.Values{"body": {"jkp-vodokanal"}}); res.status != http.StatusForbidden {
		t.Errorf("reroute without token: %d", res.status)
	}
	if res := c.post("/staff/logout", nil); res.status != http.StatusForbidden {
		t.Errorf("logout without token: %d", res.status)
	}
	if n := tb.count(t, `SELECT count(*) FROM case_events WHERE case_id = $1`, id); n != 1 {
		t.Fatalf("case changed without a token: %d events", n)
	}
	// The login form has its own token.
	fresh := tb.client(t)
	fresh.get("/staff/login")
	if res := fresh.post("/staff/login", url.Values{"email": {"admin@sombor.rs"}, "password": {password}}); res.status != http.StatusForbidden {
		t.Errorf("login without token: %d", res.status)
	}
	// With the token it goes through.
	if res := c.post(path, url.Values{"to": {"forwarded"}, "csrf": {csrf}}); res.status != http.StatusSeeOther {
		t.Fatalf("with token: %d\n%s", res.status, res.body)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, insecure := range []bool{false, true} {
		o := backoffice.New(tb.config(backoffice.Config{InsecureCookies: insecure}))
		r := chi.NewRouter()
		o.Routes(r)
		srv := httptest.NewServer(r)
		c := tb.client(t)
		c.base = srv.URL
		// The jar would drop Secure cookies over http: read the login token from the page.
		page := c.get("/staff/login")
		tok := csrfOf(t, page.body)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/staff/login",
			strings.NewReader(url.Values{"csrf": {tok}, "email": {"admin@sombor.rs"}, "password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "mia_staff_login", Value: tok})
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		srv.Close()
		var sess *http.Cookie
		for _, ck := range res.Cookies() {
			if ck.Name == backoffice.CookieName {
				sess = ck
			}
		}
		if res.StatusCode != http.StatusSeeOther || sess == nil {
			t.Fatalf("insecure=%v: login %d, cookie %v", insecure, res.StatusCode, sess)
		}
		if sess.Secure == insecure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/staff" {
			t.Errorf("insecure=%v: cookie flags: %s", insecure, sess.Raw)
		}
		if sess.MaxAge <= 0 || sess.Expires.Before(time.Now().Add(time.Hour)) {
			t.Errorf("insecure=%v: cookie expiry: %s", insecure, sess.Raw)
		}
		if len(sess.Value) < 40 {
			t.Errorf("token too short: %q", sess.Value)
		}
	}
}

func TestNoStaffSession(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := tb.mustCase(t, caseOpts{Body: "jkp-cistoca"})
	aid := tb.mustAttachment(t, id, "image/jpeg", []byte("\xff\xd8\xff photo"))
	c := tb.client(t) // a citizen: no staff cookie (or a made-up one)
	u, _ := url.Parse(tb.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: backoffice.CookieName, Value: "forged", Path: "/staff"}, {Name: "mia_web", Value: "citizen", Path: "/"}})
	for _, p := range []string{"/staff/", fmt.Sprintf("/staff/cases/%d", id), fmt.Sprintf("/staff/cases/%d/attachments/%d", id, aid), "/staff/analytics", "/staff/analytics.csv"} {
		res := c.get(p)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/staff/login" {
			t.Errorf("GET %s: %d %s", p, res.status, res.header.Get("Location"))
		}
		if strings.Contains(res.body, "photo") {
			t.Errorf("GET %s leaked the attachment", p)
		}
	}
	if res := c.post(fmt.Sprintf("/staff/cases/%d/status", id), url.Values{"to": {"forwarded"}}); res.status != http.StatusUnauthorized {
		t.Errorf("POST status: %d", res.status)
	}
	if n := tb.count(t, `SELECT count(*) FROM case_events WHERE case_id = $1`, id); n != 1 {
		t.Fatal("case changed")
	}
}

func TestBodyScope(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	own := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Fields: map[string]string{"category": "waste", "description": "kontejner pun"}})
	other := tb.mustCase(t, caseOpts{Body: "jkp-vodokanal", Fields: map[string]string{"category": "water_sewage", "description": "pukla cev"}})
	ownAtt := tb.mustAttachment(t, own, "image/jpeg", []byte("\xff\xd8\xff own"))
	otherAtt := tb.mustAttachment(t, other, "image/jpeg", []byte("\xff\xd8\xff other"))
	refOf := func(id int64) string {
		var ref string
		if err := tb.db.QueryRow(tb.ctx, `SELECT ref FROM cases WHERE id = $1`, id).Scan(&ref); err != nil {
			t.Fatal(err)
		}
		return ref
	}
	c := tb.client(t)
	c.mustLogin("cistoca@sombor.rs")
	list := c.get("/staff/").body
	if !strings.Contains(list, refOf(own)) || strings.Contains(list, refOf(other)) {
		t.Fatalf("list of jkp-cistoca:\n%s", list)
	}
	// Asking for the other body explicitly changes nothing.
	if l := c.get("/staff/?body=jkp-vodokanal").body; strings.Contains(l, refOf(other)) {
		t.Fatal("body filter escaped the scope")
	}
	if res := c.get(fmt.Sprintf("/staff/cases/%d", own)); res.status != http.StatusOK || !strings.Contains(res.body, "kontejner pun") {
		t.Fatalf("own case: %d", res.status)
	}
	for _, p := range []string{
		fmt.Sprintf("/staff/cases/%d", other),
		fmt.Sprintf("/staff/cases/%d/attachments/%d", other, otherAtt),
		fmt.Sprintf("/staff/cases/%d/attachments/%d", own, otherAtt), // someone else's attachment under one's own case
		"/staff/cases/999999",
		"/staff/analytics",
		"/staff/analytics.csv",
	} {
		res := c.get(p)
		if res.status != http.StatusNotFound || strings.Contains(res.body, "pukla cev") || strings.Contains(res.body, "other") {
			t.Errorf("GET %s: %d", p, res.status)
		}
	}
	if res := c.get(fmt.Sprintf("/staff/cases/%d/attachments/%d", own, ownAtt)); res.status != http.StatusOK || res.body != "\xff\xd8\xff own" {
		t.Errorf("own attachment: %d %q", res.status, res.body)
	}
	csrf := csrfOf(t, c.get("/staff/").body)
	if res := c.post(fmt.Sprintf("/staff/cases/%d/status", other), url.Values{"to": {"forwarded"}, "csrf": {csrf}}); res.status != http.StatusNotFound {
		t.Errorf("status change of another body's case: %d", res.status)
	}
	if res := c.post(fmt.Sprintf("/staff/cases/%d/body", other), url.Values{"body": {"jkp-cistoca"}, "csrf": {csrf}}); res.status != http.StatusNotFound {
		t.Errorf("reroute of another body's case: %d", res.status)
	}
	// The admin sees both.
	a := tb.client(t)
	a.mustLogin("admin@sombor.rs")
	if l := a.get("/staff/").body; !strings.Contains(l, refOf(own)) || !strings.Contains(l, refOf(other)) {
		t.Fatal("admin does not see every case")
	}
	if res := a.get(fmt.Sprintf("/staff/cases/%d/attachments/%d", other, otherAtt)); res.status != http.StatusOK {
		t.Errorf("admin attachment: %d", res.status)
	}
}

func TestOtherMunicipalityAdmin(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Fields: map[string]string{"category": "waste", "description": "somborski kontejner"}})
	aid := tb.mustAttachment(t, id, "image/jpeg", []byte("\xff\xd8\xff x"))
	if _, err := tb.db.Exec(tb.ctx, `INSERT INTO conversations (municipality, channel, channel_user) VALUES ('sombor', 'web', 'u1')`); err != nil {
		t.Fatal(err)
	}
	c := tb.client(t)
	csrf := c.mustLogin("admin@apatin.rs")
	if l := c.get("/staff/").body; strings.Contains(l, "T-KP-") || !strings.Contains(l, "Nema predmeta") {
		t.Fatalf("Apatin's admin sees Sombor's cases:\n%s", l)
	}
	for _, p := range []string{fmt.Sprintf("/staff/cases/%d", id), fmt.Sprintf("/staff/cases/%d/attachments/%d", id, aid)} {
		if res := c.get(p); res.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, res.status)
		}
	}
	if res := c.post(fmt.Sprintf("/staff/cases/%d/status", id), url.Values{"to": {"forwarded"}, "csrf": {csrf}}); res.status != http.StatusNotFound {
		t.Errorf("status change: %d", res.status)
	}
	a, err := tb.office.ComputeAnalytics(tb.ctx, "apatin")
	if err != nil {
		t.Fatal(err)
	}
	if a.Citizens != 0 || a.Conversations != 0 || len(a.Categories) != 0 || len(a.Bodies) != 0 {
		t.Fatalf("Apatin's analytics count Sombor: %+v", a)
	}
	if csv := c.get("/staff/analytics.csv").body; !strings.Contains(csv, "summary,conversations,razgovori,0") {
		t.Fatalf("csv:\n%s", csv)
	}
}

func TestStatusChangeNotifiesAndAudits(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Status: "in_progress", Channel: "viber", User: "viber-user-7",
		Fields: map[string]string{"category": "waste", "description": "kontejner"}})
	c := tb.client(t)
	c.mustLogin("cistoca@sombor.rs")
	page := c.get(fmt.Sprintf("/staff/cases/%d", id))
	if page.status != http.StatusOK {
		t.Fatalf("case page: %d", page.status)
	}
	note := "Kontejner je ispražnjen <danas>."
	res := c.post(fmt.Sprintf("/staff/cases/%d/status", id), url.Values{"to": {"resolved"}, "note": {note}, "csrf": {csrfOf(t, page.body)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("status change: %d\n%s", res.status, res.body)
	}
	var actor, gotNote, status string
	if err := tb.db.QueryRow(tb.ctx, `SELECT e.actor, e.note, c.status FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE e.case_id = $1 AND e.to_status = 'resolved'`, id).Scan(&actor, &gotNote, &status); err != nil {
		t.Fatal(err)
	}
	if status != "resolved" || gotNote != note || !strings.HasPrefix(actor, fmt.Sprintf("staff:%d ", tb.cistoca.ID)) {
		t.Fatalf("event: actor %q note %q status %s", actor, gotNote, status)
	}
	var channel, user, text, nstatus string
	if err := tb.db.QueryRow(tb.ctx, `SELECT channel, channel_user, text, status FROM case_notifications WHERE case_id = $1`, id).
		Scan(&channel, &user, &text, &nstatus); err != nil {
		t.Fatal(err)
	}
	if channel != "viber" || user != "viber-user-7" || nstatus != "pending" || !strings.Contains(text, note) {
		t.Fatalf("outbox: %s %s %s %q", channel, user, nstatus, text)
	}
	// The page shows the note escaped.
	after := c.get(fmt.Sprintf("/staff/cases/%d?msg=status", id)).body
	if !strings.Contains(after, "&lt;danas&gt;") || strings.Contains(after, "<danas>") {
		t.Fatal("note not escaped on the page")
	}
	// A transition not allowed is refused.
	if res := c.post(fmt.Sprintf("/staff/cases/%d/status", id), url.Values{"to": {"received"}, "csrf": {csrfOf(t, after)}}); res.status != http.StatusConflict {
		t.Fatalf("bad transition: %d", res.status)
	}
	// Audit: two views and one change, by this member.
	if n := tb.count(t, `SELECT count(*) FROM staff_audit WHERE staff_id = $1 AND case_id = $2 AND action = 'view_case'`, tb.cistoca.ID, id); n != 2 {
		t.Errorf("view audit rows: %d", n)
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_audit WHERE staff_id = $1 AND case_id = $2 AND action = 'change_status'`, tb.cistoca.ID, id); n != 1 {
		t.Errorf("change audit rows: %d", n)
	}
	// Append-only: UPDATE, DELETE and TRUNCATE fail.
	for _, sql := range []string{`UPDATE staff_audit SET action = 'x'`, `DELETE FROM staff_audit`, `TRUNCATE staff_audit`} {
		if _, err := tb.db.Exec(tb.ctx, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", sql, err)
		}
	}
}

func TestCasePage(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	consent := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Fields: map[string]string{"category": "waste", "description": "Pun kontejner",
		"location": "geo:45.774100,19.112200", "contact_consent": "yes", "name": "Petar Petrović", "phone": "+381641234567"}})
	noConsent := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Fields: map[string]string{"category": "waste", "description": "Smeće",
		"location": "Venac Petra Bojovića 5", "contact_consent": "no", "name": "Jovana Jović", "phone": "+381657654321"}})
	extract := tb.mustCase(t, caseOpts{Kind: "IZ", JMBGMasked: "1503******007", Fields: map[string]string{"full_name": "Ana Anić", "delivery": "counter"}})
	photo := tb.mustAttachment(t, consent, "image/jpeg", []byte("\xff\xd8\xff jpeg"))
	video := tb.mustAttachment(t, consent, "video/mp4", []byte("mp4 bytes"))
	c := tb.client(t)
	c.mustLogin("admin@sombor.rs")

	p := c.get(fmt.Sprintf("/staff/cases/%d", consent)).body
	if strings.Contains(p, "45.774100, 19.112200") {
		t.Error("case page shows raw coordinates; the map link is enough")
	}
	for _, want := range []string{"Pun kontejner", "https://www.openstreetmap.org/?mlat=45.774100&amp;mlon=19.112200#map=18/45.774100/19.112200",
		"Petar Petrović", "381641234567", fmt.Sprintf(`<img src="/staff/cases/%d/attachments/%d"`, consent, photo),
		fmt.Sprintf(`<video controls preload="metadata" src="/staff/cases/%d/attachments/%d"`, consent, video), `<label for="note">`} {
		if !strings.Contains(p, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	p = c.get(fmt.Sprintf("/staff/cases/%d", noConsent)).body
	if strings.Contains(p, "Jovana") || strings.Contains(p, "657654321") || !strings.Contains(p, "nije dao saglasnost") || !strings.Contains(p, "Venac Petra Bojovića 5") {
		t.Errorf("contact shown without consent:\n%s", p)
	}
	p = c.get(fmt.Sprintf("/staff/cases/%d", extract)).body
	if !strings.Contains(p, "1503******007") {
		t.Error("masked JMBG missing")
	}
	res := c.get(fmt.Sprintf("/staff/cases/%d/attachments/%d", consent, video))
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "video/mp4" || res.body != "mp4 bytes" || res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("video: %d %v", res.status, res.header)
	}
	// A later range of the same video is served and audited too (every fetch is).
	req, _ := http.NewRequest(http.MethodGet, tb.srv.URL+fmt.Sprintf("/staff/cases/%d/attachments/%d", consent, video), nil)
	req.Header.Set("Range", "bytes=4-")
	rr, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if part := read(t, rr); part.status != http.StatusPartialContent || part.body != "bytes" {
		t.Errorf("range: %d %q", part.status, part.body)
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_audit WHERE staff_id = $1 AND action = 'view_attachment' AND case_id = $2 AND detail = $3`,
		tb.admin.ID, consent, fmt.Sprint(video)); n != 2 {
		t.Errorf("attachment audit rows: %d", n)
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_audit WHERE staff_id = $1 AND action = 'view_case'`, tb.admin.ID); n != 3 {
		t.Errorf("view audit rows: %d", n)
	}
}

func TestQueueFilters(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02 15:04", s); return d }
	a := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Fields: map[string]string{"category": "waste"}, CreatedAt: day("2026-03-01 10:00")})
	b := tb.mustCase(t, caseOpts{Body: "jkp-zelenilo", Status: "forwarded", Fields: map[string]string{"category": "greenery"}, CreatedAt: day("2026-03-05 10:00")})
	cc := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Status: "resolved", Fields: map[string]string{"category": "animals"}, CreatedAt: day("2026-03-10 23:30")})
	find := func(st *backoffice.Staff, f forms.CaseFilter) []int64 {
		rows, err := tb.office.FindCases(tb.ctx, st, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		return ids
	}
	for _, tc := range []struct {
		name string
		st   *backoffice.Staff
		f    forms.CaseFilter
		want []int64
	}{
		{"all", tb.admin, forms.CaseFilter{}, []int64{cc, b, a}},
		{"status", tb.admin, forms.CaseFilter{Status: "forwarded"}, []int64{b}},
		{"category", tb.admin, forms.CaseFilter{Category: "animals"}, []int64{cc}},
		{"body", tb.admin, forms.CaseFilter{Body: "jkp-cistoca"}, []int64{cc, a}},
		{"date range, last day inclusive", tb.admin, forms.CaseFilter{From: day("2026-03-05 00:00"), To: day("2026-03-10 00:00")}, []int64{cc, b}},
		{"staff scope", tb.cistoca, forms.CaseFilter{}, []int64{cc, a}},
		{"staff scope ignores other body", tb.cistoca, forms.CaseFilter{Body: "jkp-zelenilo"}, nil},
		{"other municipality", tb.otherAdmin, forms.CaseFilter{}, nil},
	} {
		if got := find(tc.st, tc.f); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// Through the page: the form keeps its values, labels are present.
	c := tb.client(t)
	c.mustLogin("admin@sombor.rs")
	p := c.get("/staff/?status=forwarded&category=greenery&from=2026-03-01&to=2026-03-31").body
	if !strings.Contains(p, "Pronađeno: 1") || !strings.Contains(p, `<option value="forwarded" selected>`) || !strings.Contains(p, `<label for="f-status">`) {
		t.Errorf("filtered page:\n%s", p)
	}
}

func TestReroute(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Status: "forwarded", Fields: map[string]string{"category": "waste"}})
	c := tb.client(t)
	csrf := c.mustLogin("cistoca@sombor.rs")
	res := c.post(fmt.Sprintf("/staff/cases/%d/body", id), url.Values{"body": {"jkp-vodokanal"}, "note": {"nije naše"}, "csrf": {csrf}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/staff/?msg=rerouted" {
		t.Fatalf("reroute: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
	}
	var body, status string
	if err := tb.db.QueryRow(tb.ctx, `SELECT body_key, status FROM cases WHERE id = $1`, id).Scan(&body, &status); err != nil {
		t.Fatal(err)
	}
	if body != "jkp-vodokanal" || status != "forwarded" {
		t.Fatalf("after reroute: %s %s", body, status)
	}
	if n := tb.count(t, `SELECT count(*) FROM case_events WHERE case_id = $1 AND note LIKE 'preusmereno:%JKP „Vodokanal” Sombor. nije naše'`, id); n != 1 {
		t.Error("no reroute event")
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_audit WHERE case_id = $1 AND action = 'reroute' AND detail = 'jkp-cistoca → jkp-vodokanal'`, id); n != 1 {
		t.Error("no reroute audit row")
	}
	if n := tb.count(t, `SELECT count(*) FROM case_notifications WHERE case_id = $1 AND status = 'pending' AND text LIKE '%Vodokanal%'`, id); n != 1 {
		t.Error("the citizen is not told where the case went")
	}
	// It has left Čistoća and reached Vodokanal.
	if res := c.get(fmt.Sprintf("/staff/cases/%d", id)); res.status != http.StatusNotFound {
		t.Errorf("old body still sees the case: %d", res.status)
	}
	v := tb.client(t)
	v.mustLogin("vodokanal@sombor.rs")
	if res := v.get(fmt.Sprintf("/staff/cases/%d", id)); res.status != http.StatusOK {
		t.Errorf("new body: %d", res.status)
	}
	// An unknown body is refused.
	if res := v.post(fmt.Sprintf("/staff/cases/%d/body", id), url.Values{"body": {"nema"}, "csrf": {csrfOf(t, v.get("/staff/").body)}}); res.status != http.StatusBadRequest {
		t.Errorf("unknown body: %d", res.status)
	}
}

func TestAnalytics(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	conv := func(muni, channel, user string) int64 {
		var id int64
		if err := tb.db.QueryRow(tb.ctx, `INSERT INTO conversations (municipality, channel, channel_user) VALUES ($1, $2, $3) RETURNING id`, muni, channel, user).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	answer := func(convID int64, muni, route, status, citations string) {
		if _, err := tb.db.Exec(tb.ctx, `INSERT INTO messages (conversation_id, municipality, role, content) VALUES ($1, $2, 'user', 'pitanje')`, convID, muni); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.db.Exec(tb.ctx, `INSERT INTO messages (conversation_id, municipality, role, content, route, status, citations)
			VALUES ($1, $2, 'assistant', 'odgovor', $3, $4, $5)`, convID, muni, route, status, citations); err != nil {
			t.Fatal(err)
		}
	}
	// Three citizens (one on two channels counts twice: web and viber ids differ), four conversations in Sombor.
	c1, c2, c3 := conv("sombor", "web", "a"), conv("sombor", "viber", "b"), conv("sombor", "web", "c")
	c4 := conv("sombor", "viber", "a")
	other := conv("apatin", "web", "z")
	doc := func(title string) string { return fmt.Sprintf(`{"title": %q, "source": "x.md"}`, title) }
	answer(c1, "sombor", "knowledge", "answered", "["+doc("Dečji dodatak")+","+doc("Dečji dodatak")+"]")
	answer(c1, "sombor", "knowledge", "answered", "["+doc("Dečji dodatak")+","+doc("Porez na imovinu")+"]")
	answer(c2, "sombor", "knowledge", "no_source", "[]")
	answer(c3, "sombor", "greeting", "answered", "[]")
	answer(c4, "sombor", "knowledge", "out_of_scope", "[]")
	answer(c4, "sombor", "form", "error", "[]")
	answer(other, "apatin", "knowledge", "answered", "["+doc("Apatin")+"]")
	// `mia eval` and `mia ask` talk on the cli channel: not citizens.
	answer(conv("sombor", "cli", "eval-1-q01"), "sombor", "knowledge", "answered", "["+doc("Dečji dodatak")+"]")
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	resolvedAfter := func(body, category string, d time.Duration) {
		id := tb.mustCase(t, caseOpts{Body: body, Status: "resolved", Fields: map[string]string{"category": category}, CreatedAt: t0})
		if _, err := tb.db.Exec(tb.ctx, `INSERT INTO case_events (municipality, case_id, from_status, to_status, actor, created_at)
			VALUES ('sombor', $1, 'in_progress', 'resolved', 'staff:1', $2)`, id, t0.Add(d)); err != nil {
			t.Fatal(err)
		}
	}
	resolvedAfter("jkp-cistoca", "waste", 2*time.Hour)
	resolvedAfter("jkp-cistoca", "waste", 10*time.Hour)
	resolvedAfter("jkp-vodokanal", "water_sewage", 30*time.Hour)
	tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Fields: map[string]string{"category": "animals"}})
	tb.mustCase(t, caseOpts{Kind: "IZ"})
	tb.mustCase(t, caseOpts{Municipality: "apatin", Body: "jkp-komunalac", Fields: map[string]string{"category": "waste"}})

	a, err := tb.office.ComputeAnalytics(tb.ctx, "sombor")
	if err != nil {
		t.Fatal(err)
	}
	str := func(cs []backoffice.Count) string {
		var parts []string
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s=%d", c.Key, c.N))
		}
		return strings.Join(parts, " ")
	}
	checks := map[string][2]string{
		"citizens":      {fmt.Sprint(a.Citizens), "4"},
		"conversations": {fmt.Sprint(a.Conversations), "4"},
		"answers":       {str(a.Answers), "answered=3 out_of_scope=1 no_source=1 fallback_offline=0 error=1"},
		"routes":        {str(a.Routes), "knowledge=4 form=1 greeting=1"},
		"forms":         {str(a.Forms), "communal_report=4 registry_extract=1"},
		"documents":     {str(a.Documents), "Dečji dodatak=2 Porez na imovinu=1"},
		"categories":    {str(a.Categories), "waste=2 animals=1 water_sewage=1"},
		"bodies":        {str(a.Bodies), "jkp-cistoca=3 jkp-vodokanal=1"},
		"resolved":      {fmt.Sprint(a.Resolved), "3"},
		"median":        {a.MedianResolve.String(), "10h0m0s"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s: %s, want %s", name, c[0], c[1])
		}
	}

	c := tb.client(t)
	c.mustLogin("admin@sombor.rs")
	page := c.get("/staff/analytics")
	for _, want := range []string{`<svg role="img" aria-labelledby="t-answers"`, `<title id="t-answers">Odgovori po statusu</title>`,
		`class="lbl">odgovoreno</text>`, `class="lbl">Dečji dodatak</text>`, `class="lbl">JKP „Čistoća” Sombor</text>`,
		`id="stat-citizens">4<`, `id="stat-median">10 h<`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("analytics page lacks %q", want)
		}
	}
	csv := c.get("/staff/analytics.csv")
	if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", csv.status, csv.header)
	}
	for _, line := range []string{
		"section,key,label,value",
		"summary,citizens,građani,4",
		"summary,conversations,razgovori,4",
		"summary,resolved_cases,rešeni predmeti,3",
		"summary,median_resolve_hours,medijana rešavanja (h),10.00",
		"answers,answered,odgovoreno,3",
		"answers,fallback_offline,rezervni odgovor,0",
		"routes,knowledge,knowledge,4",
		"documents,Dečji dodatak,Dečji dodatak,2",
		"categories,waste,otpad,2",
		"bodies,jkp-cistoca,JKP „Čistoća” Sombor,3",
	} {
		if !strings.Contains(csv.body, line+"\n") && !strings.Contains(csv.body, line+"\r\n") {
			t.Errorf("csv lacks %q:\n%s", line, csv.body)
		}
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_audit WHERE action = 'export_analytics' AND staff_id = $1`, tb.admin.ID); n != 1 {
		t.Errorf("export audit rows: %d", n)
	}
}

func TestCreateStaff(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	base := backoffice.NewStaff{Municipality: "sombor", Email: "novi@sombor.rs", Name: "Novi", Role: backoffice.RoleStaff, BodyKey: "jkp-zelenilo", Password: password}
	for _, tc := range []struct {
		name   string
		change func(*backoffice.NewStaff)
		want   error
	}{
		{"duplicate e-mail, other case", func(n *backoffice.NewStaff) { n.Email = "Cistoca@Sombor.rs" }, fault.ErrConflict},
		{"staff without body", func(n *backoffice.NewStaff) { n.BodyKey = "" }, fault.ErrInvalid},
		{"body of another city", func(n *backoffice.NewStaff) { n.BodyKey = "jkp-komunalac" }, fault.ErrInvalid},
		{"admin with body", func(n *backoffice.NewStaff) { n.Role = backoffice.RoleAdmin }, fault.ErrInvalid},
		{"unknown role", func(n *backoffice.NewStaff) { n.Role = "root" }, fault.ErrInvalid},
		{"short password", func(n *backoffice.NewStaff) { n.Password = "kratka" }, fault.ErrInvalid},
		{"bad e-mail", func(n *backoffice.NewStaff) { n.Email = "nije adresa" }, fault.ErrInvalid},
		{"unknown municipality", func(n *backoffice.NewStaff) { n.Municipality = "nis" }, fault.ErrInvalid},
		{"ok", func(*backoffice.NewStaff) {}, nil},
		{"same e-mail in another city", func(n *backoffice.NewStaff) {
			n.Municipality, n.Email, n.BodyKey = "apatin", "cistoca@sombor.rs", "jkp-komunalac"
		}, nil},
	} {
		in := base
		tc.change(&in)
		_, err := backoffice.CreateStaff(tb.ctx, tb.staff, tb.reg, in)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	var hash string
	if err := tb.db.QueryRow(tb.ctx, `SELECT password_hash FROM staff WHERE email = 'novi@sombor.rs'`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$") || strings.Contains(hash, password) {
		t.Errorf("hash %q", hash)
	}
	// Both accounts with the same e-mail can log in, each into their own city.
	c := tb.client(t)
	c.mustLogin("cistoca@sombor.rs")
	if p := c.get("/staff/").body; !strings.Contains(p, "Grad Sombor") {
		t.Error("not logged into Sombor")
	}
}

// TestAccountMaintenance: a new password and a disabled account both end
// the sessions the account had; an unknown account is an error.
func TestAccountMaintenance(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.client(t)
	c.mustLogin("cistoca@sombor.rs")
	const fresh = "novo-dugacko-geslo-2026"
	if err := backoffice.SetStaffPassword(tb.ctx, tb.staff, "sombor", "CISTOCA@sombor.rs", fresh); err != nil {
		t.Fatal(err)
	}
	if res := c.get("/staff/"); res.status != http.StatusSeeOther {
		t.Fatalf("session survived a password change: %d", res.status)
	}
	if res := tb.client(t).login("cistoca@sombor.rs", password); res.status == http.StatusSeeOther {
		t.Fatal("the old password still works")
	}
	if res := tb.client(t).login("cistoca@sombor.rs", fresh); res.status != http.StatusSeeOther {
		t.Fatalf("the new password does not work: %d", res.status)
	}
	if err := backoffice.SetStaffDisabled(tb.ctx, tb.staff, "sombor", "cistoca@sombor.rs", true); err != nil {
		t.Fatal(err)
	}
	if res := tb.client(t).login("cistoca@sombor.rs", fresh); res.status == http.StatusSeeOther {
		t.Fatal("a disabled account logged in")
	}
	if err := backoffice.SetStaffDisabled(tb.ctx, tb.staff, "sombor", "nobody@sombor.rs", true); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
	if err := backoffice.SetStaffPassword(tb.ctx, tb.staff, "sombor", "cistoca@sombor.rs", "short"); !errors.Is(err, fault.ErrInvalid) {
		t.Fatalf("short password: %v", err)
	}
}
