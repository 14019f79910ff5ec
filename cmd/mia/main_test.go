package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/miasrbija/mia/internal/logctx/logtest"
	"github.com/miasrbija/mia/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// runCmd runs mia in-process with the given environment.
func runCmd(ctx context.Context, envVars map[string]string, args ...string) (stdout, stderr string, err error) {
	var out, errb logtest.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return envVars[k] }}
	err = runWithEnv(ctx, args, e)
	return out.String(), errb.String(), err
}

func TestHelpListsCommands(t *testing.T) {
	out, _, err := runCmd(context.Background(), nil, "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out, c.name) {
			t.Errorf("help does not list %s", c.name)
		}
	}
	if _, _, err := runCmd(context.Background(), nil, "frobnicate"); err == nil || exitCode(err) != 2 {
		t.Fatalf("unknown command: err=%v", err)
	}
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	good := "postgres://postgres@127.0.0.1:5432/mia"
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"missing database", nil, []string{"serve"}, []string{"DATABASE_URL (--database-url) is missing", "postgres://"}},
		{"bad database url", map[string]string{"DATABASE_URL": "postgres://u:secret@host:notaport/db"}, []string{"migrate"}, []string{"DATABASE_URL", "(hidden)"}},
		{"bad addr", map[string]string{"DATABASE_URL": good, "MIA_ADDR": "8080"}, []string{"serve"}, []string{"MIA_ADDR (--addr)", "HOST:PORT", `"8080"`}},
		{"flag beats env", map[string]string{"DATABASE_URL": good, "MIA_ADDR": "127.0.0.1:1"}, []string{"serve", "--addr", "nope"}, []string{`"nope"`}},
		{"bad log level", map[string]string{"DATABASE_URL": good, "MIA_LOG_LEVEL": "loud"}, []string{"migrate"}, []string{"MIA_LOG_LEVEL", "debug, info, warn or error"}},
		{"bad role", map[string]string{"DATABASE_URL": good}, []string{"serve", "--role", "both"}, []string{"MIA_ROLE (--role)", "all, web or worker"}},
		{"bad proxies", map[string]string{"DATABASE_URL": good, "MIA_TRUSTED_PROXIES": "10.0.0.0/99"}, []string{"serve"}, []string{"MIA_TRUSTED_PROXIES", "CIDR"}},
		{"missing municipalities file", map[string]string{"DATABASE_URL": good, "MIA_MUNICIPALITIES": "/nonexistent.yaml"}, []string{"migrate"}, []string{"MIA_MUNICIPALITIES", "/nonexistent.yaml"}},
		{"bad turn budget", map[string]string{"DATABASE_URL": good, "MIA_TURN_BUDGET": "soon"}, []string{"serve"}, []string{"MIA_TURN_BUDGET (--turn-budget)", "positive duration", `"soon"`}},
		{"turn budget flag", map[string]string{"DATABASE_URL": good}, []string{"ask", "--turn-budget", "-1s", "zdravo"}, []string{"MIA_TURN_BUDGET (--turn-budget)"}},
		{"bad data key", map[string]string{"DATABASE_URL": good, "MIA_DATA_KEY": "c2VjcmV0"}, []string{"serve"}, []string{"MIA_DATA_KEY:", "32 bytes", "(hidden)"}},
		{"production without key", map[string]string{"DATABASE_URL": good, "MIA_ENV": "production"}, []string{"serve"}, []string{"MIA_DATA_KEY is missing"}},
		{"bad embed dim", map[string]string{"DATABASE_URL": good, "MIA_EMBED_MODEL": "bge-m3", "MIA_EMBED_DIM": "wide"}, []string{"search", "porez"}, []string{"MIA_EMBED_DIM (--embed-dim)", `"wide"`}},
		{"bad viber api url", map[string]string{"DATABASE_URL": good, "MIA_VIBER_API_URL": "chatapi"}, []string{"serve"}, []string{"MIA_VIBER_API_URL (--viber-api-url)"}},
		{"unknown municipality", map[string]string{"DATABASE_URL": good}, []string{"search", "--municipality", "atlantida", "porez"}, []string{"MIA_MUNICIPALITY (--municipality)", `"atlantida"`}},
		{"bad concurrent turns", map[string]string{"DATABASE_URL": good, "MIA_CONCURRENT_TURNS": "-2"}, []string{"serve"}, []string{"MIA_CONCURRENT_TURNS (--concurrent-turns)", "0 or more", `"-2"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(context.Background(), tt.env, tt.args...)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error leaks the password: %q", err)
			}
		})
	}
}

// TestWrongSettingsTouchNothing: every wrong setting is reported at once,
// and serve stops before a single table exists.
func TestWrongSettingsTouchNothing(t *testing.T) {
	url := pgtest.NewEmptyDB(t)
	env := map[string]string{"DATABASE_URL": url, "MIA_TURN_BUDGET": "0s", "MIA_ROLE": "both", "MIA_ADDR": "8080", "MIA_ENV": "production"}
	_, _, err := runCmd(context.Background(), env, "serve")
	if err == nil {
		t.Fatal("serve accepted wrong settings")
	}
	for _, w := range []string{"MIA_TURN_BUDGET", "MIA_ROLE", "MIA_ADDR", "MIA_DATA_KEY"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not report %s: %v", w, err)
		}
	}
	if n := tableCount(t, url); n != 0 {
		t.Errorf("a refused start left %d tables behind", n)
	}
}

// TestReadOnlyCommandsDoNotMigrate: search and ask on an empty database
// say what to run instead of creating the schema; migrate creates it.
func TestReadOnlyCommandsDoNotMigrate(t *testing.T) {
	url := pgtest.NewEmptyDB(t)
	env := map[string]string{"DATABASE_URL": url}
	for _, args := range [][]string{{"search", "porez"}, {"ask", "porez"}, {"ingest", "--list"}} {
		_, _, err := runCmd(context.Background(), env, args...)
		if err == nil || !strings.Contains(err.Error(), "mia migrate") {
			t.Errorf("%v on an empty database: %v", args, err)
		}
	}
	if n := tableCount(t, url); n != 0 {
		t.Fatalf("read-only commands created %d tables", n)
	}
	if _, _, err := runCmd(context.Background(), env, "migrate"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(context.Background(), env, "search", "porez"); err != nil {
		t.Errorf("search after migrate: %v", err)
	}
	// serve --migrate=false on a migrated database starts.
	env["MIA_MIGRATE"] = "false"
	_, stop := serving(t, env)
	if out := stop(); strings.Contains(out, `"msg":"migration applied"`) {
		t.Error("serve --migrate=false migrated")
	}
}

func tableCount(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// serving runs `mia serve` with env on a free port until stop is called,
// and returns its base URL once it is ready.
func serving(t *testing.T, env map[string]string) (base string, stop func() string) {
	t.Helper()
	addr := freeAddr(t)
	env["MIA_ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var stdout string
	go func() {
		var err error
		stdout, _, err = runCmd(ctx, env, "serve")
		done <- err
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("serve never became ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr, func() string {
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve after stop: %v", err)
		}
		return stdout
	}
}

// TestServeEndToEnd starts `mia serve` on a fresh database the way `make
// run` does, checks readiness, and stops it with a cancelled context as
// SIGTERM would.
func TestServeEndToEnd(t *testing.T) {
	base, stop := serving(t, map[string]string{"DATABASE_URL": pgtest.NewEmptyDB(t)})
	if code := status(t, base+"/"); code != 200 {
		t.Errorf("demo page: %d", code)
	}
	stdout := stop()
	for _, want := range []string{`"msg":"migration applied"`, `"msg":"serving"`, `"msg":"shutting down"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("log lacks %s:\n%s", want, stdout)
		}
	}
}

// TestServeRoles: a worker replica serves only health and metrics; a web
// replica serves the channels.
func TestServeRoles(t *testing.T) {
	url := pgtest.NewEmptyDB(t)
	for _, tt := range []struct {
		role      string
		demoPage  int
		staffPage int
	}{
		{"worker", 404, 404},
		{"web", 200, 200},
	} {
		base, stop := serving(t, map[string]string{"DATABASE_URL": url, "MIA_ROLE": tt.role})
		if got := status(t, base+"/"); got != tt.demoPage {
			t.Errorf("role %s: / answered %d, want %d", tt.role, got, tt.demoPage)
		}
		if got := status(t, base+"/staff/login"); got != tt.staffPage {
			t.Errorf("role %s: /staff/login answered %d, want %d", tt.role, got, tt.staffPage)
		}
		if got := status(t, base+"/metrics"); got != 200 {
			t.Errorf("role %s: /metrics answered %d", tt.role, got)
		}
		stop()
	}
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr())
}
