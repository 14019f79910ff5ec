package walkthrough

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/internal/logctx/logtest"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/serbian"
)

// The README's example site of the new municipality; the test serves a
// page of its own instead and puts that page's origin in its place.
const readmeCityOrigin = "https://www.soapatin.org"

// staffPassword is what a user types when `mia staff add` asks.
const staffPassword = "Walkthrough-lozinka-2026"

// Two small documents of the new municipality: the README's
// "Adding a municipality" ingests docs/apatin.
var apatinDocs = map[string]string{
	"porez-na-imovinu.md": "---\ntitle: Porez na imovinu u opštini Apatin\n---\n# Porez na imovinu\n\n" +
		"Porez na imovinu u opštini Apatin plaća se tromesečno. Prva rata poreza na imovinu dospeva 14. februara. " +
		"Rešenje o porezu izdaje Odeljenje za lokalnu poresku administraciju opštine Apatin.\n",
	"komunalna-taksa.md": "---\ntitle: Lokalna komunalna taksa za isticanje firme u Apatinu\n---\n# Komunalna taksa\n\n" +
		"Lokalnu komunalnu taksu za isticanje firme na poslovnom prostoru u opštini Apatin plaćaju preduzetnici i pravna lica, " +
		"godišnje, prema odluci Skupštine opštine Apatin.\n",
}

// TestReadmeWalkthrough follows README.md as written: the database does
// not exist yet, `make run` creates and fills it and prints where
// everything is; the printed development administrator logs in to the
// back-office; a Cyrillic question in the widget gets a cited Cyrillic
// answer; then a municipality is added with `mia municipality add`, gets
// two documents, and its widget on its own site answers from them.
func TestReadmeWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("the walkthrough builds and runs the whole program")
	}
	for _, tool := range []string{"git", "make", "bash", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is missing: %v", tool, err)
		}
	}
	bctx := browsertest.New(t, 1280, 900)
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	firstSteps := shellCommands(t, string(readme), "First steps")
	adding := shellCommands(t, string(readme), "Adding a municipality")
	widgetTag := block(t, string(readme), "Adding a municipality", "html")
	if !strings.Contains(strings.Join(adding, "\n"), readmeCityOrigin) || !strings.Contains(widgetTag, `data-municipality="apatin"`) {
		t.Fatalf("README's example changed: update the test's constants (%s, apatin)", readmeCityOrigin)
	}

	dir := copyTree(t, root)
	dbName := "mia_test_walk_" + randomHex()
	dbURL := pgtest.WithDatabase(pgtest.ServerURL(), dbName)
	t.Cleanup(func() { adminExec(t, "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)") })
	if databaseExists(t, dbName) {
		t.Fatal("the database exists before the first step")
	}

	city := newCitySite(t)
	w := &walker{t: t, dir: dir, env: append(cleanEnv(), "DATABASE_URL="+dbURL, "MIA_ADDR="+freeAddr(t)),
		subst: map[string]string{readmeCityOrigin: city.srv.URL}}
	t.Cleanup(w.stop)

	// First steps.
	for _, cmd := range firstSteps {
		w.run(cmd)
	}
	if w.srv == nil {
		t.Fatal(`"First steps" starts no server (no make run)`)
	}
	// `make run` runs `mia migrate` (logging on stderr) before `mia serve`.
	if !databaseExists(t, dbName) || !strings.Contains(w.srv.stdout.String()+w.srv.stderr.String(), `"msg":"database created"`) {
		t.Fatal("the tooling did not create the database")
	}
	b := w.banner()
	for _, u := range []string{b["API reference"], b["metrics"]} {
		if code := get(t, u); code != 200 {
			t.Errorf("%s answered %d", u, code)
		}
	}
	step, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	err = chromedp.Do(step,
		chromedp.Navigate(b["back-office"]),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), b["e-mail"]),
		chromedp.SendKeys(chromedp.CSS(`#password`), b["password"]),
		chromedp.Click(chromedp.CSS(`#login`)),
		chromedp.WaitVisible(chromedp.CSS(`form.filters`)),
	)
	browsertest.Screenshot(t, step, "walkthrough-1-backoffice.png", false)
	if err != nil {
		t.Fatalf("back-office login with the printed password: %v", err)
	}
	ask(t, step, b["chat demo"], "Где се подноси захтев за дечији додатак?", "walkthrough-2-widget.png")

	// Adding a municipality.
	docs := filepath.Join(dir, "docs", "apatin")
	if err := os.MkdirAll(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range apatinDocs {
		if err := os.WriteFile(filepath.Join(docs, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	restarts := w.starts
	for _, cmd := range adding {
		w.run(cmd)
	}
	if w.starts == restarts {
		t.Fatal(`"Adding a municipality" does not restart the server`)
	}
	b = w.banner()
	city.page = strings.ReplaceAll(widgetTag, "http://127.0.0.1:8080", strings.TrimSuffix(b["chat demo"], "/"))
	answer, sources := ask(t, step, city.srv.URL+"/", "Када доспева прва рата пореза на имовину?", "walkthrough-3-new-city.png")
	if !strings.Contains(serbian.ToLatin(answer), "14. februar") || !strings.Contains(serbian.ToLatin(sources), "Apatin") {
		t.Errorf("the new municipality's answer does not come from its documents:\n%s\nsources: %s", answer, sources)
	}
}

// ask puts a Cyrillic question in the widget on page and returns the
// answer and its sources; the answer must be Cyrillic and cited.
func ask(t *testing.T, ctx context.Context, page, question, shot string) (answer, sources string) {
	t.Helper()
	const done = `.mia-msg-assistant[data-done="true"] .mia-body`
	err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(".mia-launcher")),
		chromedp.Click(chromedp.CSS(".mia-launcher")),
		chromedp.WaitVisible(chromedp.CSS("#mia-input")),
		chromedp.SendKeys(chromedp.CSS("#mia-input"), question),
		chromedp.Click(chromedp.CSS(".mia-send")),
		chromedp.WaitVisible(chromedp.CSS(done)),
		chromedp.WaitVisible(chromedp.CSS(".mia-sources a")),
	)
	browsertest.Screenshot(t, ctx, shot, false)
	if err != nil {
		t.Fatalf("ask %q on %s: %v", question, page, err)
	}
	answer, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(done)))
	if err != nil {
		t.Fatal(err)
	}
	sources, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".mia-sources")))
	if err != nil {
		t.Fatal(err)
	}
	if serbian.DetectScript(answer) != serbian.Cyrillic || !strings.Contains(answer, "[1]") {
		t.Errorf("answer on %s not Cyrillic or not cited:\n%s", page, answer)
	}
	return answer, sources
}

// walker runs README commands in the copy, as a user in a terminal would.
type walker struct {
	t      *testing.T
	dir    string
	env    []string
	subst  map[string]string
	srv    *server
	starts int
}

// server is a running `make run`.
type server struct {
	cmd            *exec.Cmd
	stdout, stderr *logtest.Buffer
	done           chan error
}

// run runs one command. `make run` keeps running: the one before it is
// stopped first, as a user stops it with Ctrl-C before starting it again.
func (w *walker) run(command string) {
	w.t.Helper()
	for from, to := range w.subst {
		command = strings.ReplaceAll(command, from, to)
	}
	if strings.Contains(command, "make run") {
		w.stop()
		w.start(command)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", command)
	cmd.Dir, cmd.Env = w.dir, w.env
	cmd.Stdin = strings.NewReader(staffPassword + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		w.t.Fatalf("README command failed: %s\n%v\n%s", command, err, out)
	}
	w.t.Logf("$ %s\n%s", command, out)
}

func (w *walker) start(command string) {
	w.t.Helper()
	s := &server{stdout: &logtest.Buffer{}, stderr: &logtest.Buffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command("bash", "-c", command)
	s.cmd.Dir, s.cmd.Env = w.dir, w.env
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	// Its own process group: make and the mia it starts stop together.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	w.srv, w.starts = s, w.starts+1
	// The first build of the copy compiles the whole program.
	deadline := time.Now().Add(5 * time.Minute)
	for !strings.Contains(s.stderr.String(), "MIA is serving on") || !strings.Contains(s.stderr.String(), "password") {
		select {
		case err := <-s.done:
			w.srv = nil
			w.t.Fatalf("%s exited: %v\nstdout:\n%s\nstderr:\n%s", command, err, s.stdout, s.stderr)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%s printed no start banner in time:\n%s", command, s.stderr)
		}
	}
	if code := get(w.t, w.banner()["chat demo"]+"readyz"); code != 200 {
		w.t.Fatalf("readyz answered %d", code)
	}
}

// stop ends the running `make run` with SIGTERM to its process group.
func (w *walker) stop() {
	s := w.srv
	if s == nil {
		return
	}
	w.srv = nil
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
		w.t.Errorf("make run did not stop on SIGTERM")
	}
}

var bannerLine = regexp.MustCompile(`(?m)^  (chat demo|back-office|API reference|metrics|municipality|e-mail|password) +(\S+)`)

// banner reads the running server's start banner: label → value.
func (w *walker) banner() map[string]string {
	w.t.Helper()
	out := w.srv.stderr.String()
	if i := strings.LastIndex(out, "MIA is serving on"); i >= 0 {
		out = out[i:]
	}
	b := map[string]string{}
	for _, m := range bannerLine.FindAllStringSubmatch(out, -1) {
		b[m[1]] = m[2]
	}
	for _, k := range []string{"chat demo", "back-office", "API reference", "metrics", "e-mail", "password"} {
		if b[k] == "" {
			w.t.Fatalf("the start banner lacks %q:\n%s", k, out)
		}
	}
	return b
}

// citySite is the new municipality's own web site: another origin than
// MIA's, with the README's widget tag.
type citySite struct {
	srv  *httptest.Server
	page string
}

func newCitySite(t *testing.T) *citySite {
	c := &citySite{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html lang=\"sr\"><head><meta charset=\"utf-8\"><title>Opština Apatin</title></head>"+
			"<body><h1>Opština Apatin</h1>%s</body></html>", c.page)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// shellCommands returns the commands of the sh blocks of a README
// section, with continued lines joined and comments left to the shell.
func shellCommands(t *testing.T, readme, heading string) []string {
	t.Helper()
	var cmds []string
	for _, b := range blocks(t, readme, heading, "sh") {
		for _, line := range strings.Split(strings.ReplaceAll(b, "\\\n", " "), "\n") {
			if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
				cmds = append(cmds, l)
			}
		}
	}
	if len(cmds) == 0 {
		t.Fatalf("README section %q has no sh commands", heading)
	}
	return cmds
}

func block(t *testing.T, readme, heading, lang string) string {
	t.Helper()
	bs := blocks(t, readme, heading, lang)
	if len(bs) == 0 {
		t.Fatalf("README section %q has no %s block", heading, lang)
	}
	return bs[0]
}

// blocks returns the fenced blocks of one language in the README section
// with the heading (up to the next heading of the same level).
func blocks(t *testing.T, readme, heading, lang string) []string {
	t.Helper()
	start := strings.Index(readme, "\n## "+heading+"\n")
	if start < 0 {
		t.Fatalf("README has no section %q", heading)
	}
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var out []string
	fence := "```" + lang + "\n"
	for {
		i := strings.Index(section, fence)
		if i < 0 {
			return out
		}
		section = section[i+len(fence):]
		j := strings.Index(section, "```")
		if j < 0 {
			t.Fatalf("README section %q: unclosed block", heading)
		}
		out = append(out, section[:j])
		section = section[j+3:]
	}
}

// repoRoot is the repository this test file is in.
func repoRoot(t *testing.T) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// copyTree copies the working tree (tracked files and new ones git does
// not ignore, with their uncommitted changes) into a fresh directory, as
// a clone would have them. The directory's path is the same at every run
// (its contents are not): Go's build cache keys compiled packages by
// directory, so a second run does not compile the program from scratch.
func copyTree(t *testing.T, root string) string {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	sum := sha256.Sum256([]byte(root))
	dir := filepath.Join(os.TempDir(), "mia-walkthrough-"+hex.EncodeToString(sum[:4]))
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, name)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the working tree, or not a file
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := copyFile(src, dst, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// cleanEnv is the test's environment without MIA's settings, so nothing
// of the developer's own configuration leaks into the walkthrough.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "MIA_") || strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "MAKEFLAGS=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pgtest.ServerURL())
	if err != nil {
		t.Skipf("no PostgreSQL: %v", err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func adminExec(t *testing.T, sql string) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pgtest.ServerURL())
	if err != nil {
		t.Errorf("drop: %v", err)
		return
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		t.Errorf("%s: %v", sql, err)
	}
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
