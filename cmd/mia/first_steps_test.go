package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/miasrbija/mia/internal/logctx/logtest"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres/pgtest"
)

// startServe runs `mia serve` in-process until the test ends and returns
// its base URL and its stdout and stderr.
func startServe(t *testing.T, vars map[string]string) (string, *logtest.Buffer, *logtest.Buffer) {
	t.Helper()
	addr := freeAddr(t)
	vars["MIA_ADDR"] = addr
	var out, errb logtest.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runWithEnv(ctx, []string{"serve"}, e) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	// Generous: a first start creates and migrates the database, and CI
	// runs it under -race beside every other package's tests.
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(errb.String(), "MIA is serving on") {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve exited: %v\n%s", err, errb.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no start banner:\n%s", errb.String())
		}
	}
	return "http://" + addr, &out, &errb
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// staffLogin posts the back-office login form and reports whether it let
// the account in.
func staffLogin(t *testing.T, base, email, password string) bool {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/staff/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("login page without csrf: %s", page)
	}
	resp, err = c.PostForm(base+"/staff/login", url.Values{"csrf": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/staff/"
}

var bannerRE = regexp.MustCompile(`(?m)^  (chat demo|back-office|API reference|metrics|e-mail|password) +(\S+)`)

func parseBanner(s string) map[string]string {
	if i := strings.LastIndex(s, "MIA is serving on"); i >= 0 {
		s = s[i:]
	}
	b := map[string]string{}
	for _, m := range bannerRE.FindAllStringSubmatch(s, -1) {
		b[m[1]] = m[2]
	}
	return b
}

// TestServeFirstRun: serve on a database that does not exist yet creates
// it, prints where everything is and a development administrator whose
// password logs in; the next start replaces that password.
func TestServeFirstRun(t *testing.T) {
	var r [6]byte
	_, _ = rand.Read(r[:])
	name := "mia_test_" + hex.EncodeToString(r[:])
	dbURL := pgtest.WithDatabase(pgtest.ServerURL(), name)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), pgtest.ServerURL())
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	vars := map[string]string{"DATABASE_URL": dbURL, "MIA_INSECURE_COOKIES": "true"} // Go's cookie jar keeps Secure cookies for https only
	base, stdout, stderr := startServe(t, vars)
	b := parseBanner(stderr.String())
	want := map[string]string{"chat demo": base + "/", "back-office": base + "/staff/", "API reference": base + "/api/docs",
		"metrics": base + "/metrics", "e-mail": demoAdminEmail}
	for k, v := range want {
		if b[k] != v {
			t.Errorf("banner %s = %q, want %q\n%s", k, b[k], v, stderr)
		}
	}
	if !strings.Contains(stdout.String(), `"msg":"database created"`) {
		t.Errorf("log does not say the database was created:\n%s", stdout)
	}
	if strings.Contains(stdout.String(), b["password"]) || !strings.HasPrefix(strings.TrimSpace(stdout.String()), "{") {
		t.Error("the password is in the JSON log, or the log has other lines than JSON")
	}
	for _, u := range []string{b["API reference"], b["metrics"]} {
		if code := status(t, u); code != 200 {
			t.Errorf("%s answered %d", u, code)
		}
	}
	if len(b["password"]) < 12 || !staffLogin(t, base, b["e-mail"], b["password"]) {
		t.Fatalf("the printed password %q does not log in", b["password"])
	}
	old := b["password"]

	// A second start (with the database now there) gives a new password.
	base2, _, stderr2 := startServe(t, map[string]string{"DATABASE_URL": dbURL, "MIA_INSECURE_COOKIES": "true"})
	b2 := parseBanner(stderr2.String())
	if b2["password"] == old || !staffLogin(t, base2, demoAdminEmail, b2["password"]) || staffLogin(t, base2, demoAdminEmail, old) {
		t.Error("the second start did not replace the development password")
	}
}

// TestServeProductionHasNoDemoAdmin: with MIA_ENV=production no account
// is made and no password printed.
func TestServeProductionHasNoDemoAdmin(t *testing.T) {
	_, dbURL := pgtest.NewDB(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	_, _, stderr := startServe(t, map[string]string{"DATABASE_URL": dbURL, "MIA_ENV": "production",
		"MIA_DATA_KEY": base64.StdEncoding.EncodeToString(key)})
	if out := stderr.String(); strings.Contains(out, "password") || !strings.Contains(out, "/api/docs") {
		t.Errorf("production banner:\n%s", out)
	}
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM staff`).Scan(&n); err != nil || n != 0 {
		t.Errorf("production start made %d staff accounts (%v)", n, err)
	}
}

// TestMunicipalityAdd: the command refuses the embedded file, copies it
// with --init, writes a valid entry with the Cyrillic name derived, and
// copies a boundary file next to the municipalities file.
func TestMunicipalityAdd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "conf", "municipalities.yaml")
	geo := filepath.Join(dir, "apatin-boundary.geojson")
	if err := os.WriteFile(geo, []byte(`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[18.9,45.6],[19.1,45.6],[19.1,45.75],[18.9,45.75],[18.9,45.6]]]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"municipality", "add", "--slug", "apatin", "--name", "Opština Apatin", "--boundary", geo,
		"--allow-origin", "https://www.soapatin.org,https://soapatin.org",
		"--body", "jkp-komunalac=JKP Komunalac: Apatin:handles=waste,street_cleaning,greenery,public_lighting,animals:phone=025/111",
		"--body", "jkp-vodovod=JKP Vodovod Apatin:handles=water_sewage",
		"--body", "inspekcija=Komunalna inspekcija:handles=illegal_dumping,roads,other"}
	_, _, err := runCmd(context.Background(), nil, args...)
	if err == nil || !strings.Contains(err.Error(), "mia municipality init municipalities.yaml") {
		t.Fatalf("add without a file: %v", err)
	}
	vars := map[string]string{"MIA_MUNICIPALITIES": file}
	if _, _, err := runCmd(context.Background(), vars, args...); err == nil || !strings.Contains(err.Error(), "--init") {
		t.Fatalf("add to a missing file without --init: %v", err)
	}
	out, _, err := runCmd(context.Background(), vars, append(args, "--init")...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "mia ingest --municipalities "+file+" --municipality apatin") {
		t.Errorf("no next steps:\n%s", out)
	}
	reg, err := municipality.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := reg.Get("apatin")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Body("jkp-komunalac")
	if m.NameCyr != "Општина Апатин" || m.RefPrefix != "AP" || m.ViberTokenEnv != "MIA_VIBER_TOKEN_APATIN" ||
		len(m.AllowOrigins) != 2 || b.Name != "JKP Komunalac: Apatin" || b.Phone != "025/111" {
		t.Errorf("written entry: %+v", m)
	}
	if !m.InTerritory(45.7, 19.0) || m.InTerritory(45.77, 19.11) {
		t.Error("boundary not used")
	}
	if _, err := os.Stat(filepath.Join(dir, "conf", "apatin.geojson")); err != nil {
		t.Errorf("boundary not copied next to the file: %v", err)
	}
	// The same slug again is refused and the file stays as it was.
	before, _ := os.ReadFile(file)
	if _, _, err := runCmd(context.Background(), vars, append(args[:len(args):len(args)], "--bounds", "45.55,18.85,45.8,19.15")...); err == nil || exitCode(err) != 2 {
		t.Errorf("second add: %v", err)
	}
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Error("a refused add changed the file")
	}
	// --variant is written and read back; an unknown one is refused.
	ij := append(args[:len(args):len(args)], "--replace", "--variant", "ijekavian", "--country", "BA")
	if _, _, err := runCmd(context.Background(), vars, ij...); err != nil {
		t.Fatal(err)
	}
	if reg, err := municipality.Load(file); err != nil {
		t.Fatal(err)
	} else if m, _ := reg.Get("apatin"); !m.IsIjekavian() || m.CountryCode() != municipality.Bosnia {
		t.Errorf("variant or country not written: %q %q", m.Variant, m.Country)
	}
	if _, _, err := runCmd(context.Background(), vars, append(args[:len(args):len(args)], "--replace", "--variant", "ikavian")...); err == nil ||
		!strings.Contains(err.Error(), "variant") {
		t.Errorf("unknown variant: %v", err)
	}
}
