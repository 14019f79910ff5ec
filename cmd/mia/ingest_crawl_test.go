package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/postgres/pgtest"
)

// TestIngestURL: `mia ingest URL` crawls a site; --dry-run lists what
// would change and changes nothing; a re-crawl changes nothing; --json
// gives the run.
func TestIngestURL(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nDisallow: /tajno/\n") })
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"`+fmt.Sprint(len(body))+`"`)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			http.ServeContent(w, r, "", time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC), strings.NewReader(body))
		}
	}
	mux.Handle("/{$}", page(`<html><head><title>Sombor</title></head><body><main><h1>Usluge</h1>
<p>Gradski uslužni centar prima zahteve građana radnim danima od 7 do 15 časova.</p>
<a href="/porez">Porez</a> <a href="/tajno/x">Tajno</a></main></body></html>`))
	mux.Handle("/porez", page(`<html><head><title>Porez na imovinu</title></head><body><main><h1>Porez na imovinu</h1>
<p>Porez na imovinu plaća se tromesečno, do 15. u drugom mesecu tromesečja.</p></main></body></html>`))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	_, url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url, "MIA_CRAWL_DELAY": "0"}
	ctx := context.Background()
	out, _, err := runCmd(ctx, env, "ingest", "--dry-run", srv.URL+"/")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	for _, want := range []string{"ADDED", srv.URL + "/porez", "would be added", "disallowed by robots.txt", "added 2", "dry run: nothing changed"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if out, _, _ := runCmd(ctx, env, "ingest", "--list"); !strings.Contains(out, "0 documents") {
		t.Fatalf("dry run stored documents:\n%s", out)
	}
	out, _, err = runCmd(ctx, env, "ingest", srv.URL+"/")
	if err != nil || !strings.Contains(out, "ok 127.0.0.1") || !strings.Contains(out, "added 2, changed 0") {
		t.Fatalf("crawl: %v\n%s", err, out)
	}
	out, _, err = runCmd(ctx, env, "ingest", "--json", srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	var runs []struct {
		Status    string `json:"status"`
		Added     int    `json:"added"`
		Unchanged int    `json:"unchanged"`
	}
	if err := json.Unmarshal([]byte(out), &runs); err != nil || len(runs) != 1 || runs[0].Status != "ok" || runs[0].Added != 0 || runs[0].Unchanged != 2 {
		t.Fatalf("re-crawl JSON: %v %+v\n%s", err, runs, out)
	}
	if _, _, err := runCmd(ctx, env, "ingest", "--max-pages", "5", "corpus"); err == nil || !strings.Contains(err.Error(), "apply to URLs") {
		t.Fatalf("--max-pages with a path: %v", err)
	}
	if _, _, err := runCmd(ctx, env, "ingest", "--sources"); err == nil || !strings.Contains(err.Error(), "has no sources") {
		t.Fatalf("--sources without sources: %v", err)
	}
}
