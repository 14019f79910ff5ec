package web_test

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/limitstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/server"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type testBundle struct {
	srv   *httptest.Server
	cfg   web.Config
	forms *forms.Service
	db    *postgres.DB // for tests that check what is stored
}

// setup ingests the demo corpus into a fresh database and serves the web
// channel, over an offline engine, on a loopback httptest server. opts may
// change the channel's configuration (limits, caps) before it is built.
func setup(tb testing.TB, opts func(*web.Config)) *testBundle {
	tb.Helper()
	return setupWith(tb, bundleOpts{config: opts})
}

// bundleOpts changes what setupWith builds; zero values are setup's.
type bundleOpts struct {
	config func(*web.Config)               // the channel's configuration, before it is built
	log    *slog.Logger                    // of the engine, the channel and the server; nil discards
	wrap   func(http.Handler) http.Handler // around the server's handler, to watch requests
	// noForms builds the engine without citizen services.
	noForms bool
}

func setupWith(tb testing.TB, o bundleOpts) *testBundle {
	tb.Helper()
	log := cmp.Or(o.log, slog.New(slog.DiscardHandler))
	db, _ := pgtest.NewDB(tb)
	store := docstore.New(db)
	emb := rag.NewHashEmbedder()
	if _, err := (&ingest.Runner{Store: store, Embedder: emb, Municipality: "sombor"}).Run(context.Background(), []string{"../../corpus/sombor"}); err != nil {
		tb.Fatal(err)
	}
	reg, err := municipality.Load("")
	if err != nil {
		tb.Fatal(err)
	}
	mem := convstore.New(db)
	// Citizen services: the communal report takes locations and photos.
	crypt, err := forms.NewCrypter("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := forms.NewService(forms.Config{Store: casestore.New(db), Municipalities: reg, Crypter: crypt})
	if err != nil {
		tb.Fatal(err)
	}
	acfg := assistant.Config{Municipalities: reg, Search: rag.NewSearcher(store, emb), Memory: mem, Forms: svc, Log: log}
	if o.noForms {
		acfg.Forms = nil
	}
	eng, err := assistant.New(acfg)
	if err != nil {
		tb.Fatal(err)
	}
	// The server's address is known before the channel is built: its pages
	// are MIA's own public origin, from which the API takes browser calls.
	srv := httptest.NewUnstartedServer(nil)
	tb.Cleanup(srv.Close)
	cfg := web.Config{Municipalities: reg, Assistant: eng, History: mem, Documents: store, Log: log, Limiter: limitstore.New(db, log),
		PublicOrigins: []string{"http://" + srv.Listener.Addr().String()}}
	if o.config != nil {
		o.config(&cfg)
	}
	h, err := web.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	handler := server.New(server.Config{DB: db, Mount: h.Routes, Logger: log}).Handler()
	if o.wrap != nil {
		handler = o.wrap(handler)
	}
	srv.Config.Handler = handler
	srv.Start()
	return &testBundle{srv: srv, cfg: cfg, forms: svc, db: db}
}

// do sends a request; body, when not nil, is JSON-encoded unless it is a string.
func (b *testBundle) do(tb testing.TB, method, path string, body any, header map[string]string) *http.Response {
	tb.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		buf, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, b.srv.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if k == "Host" { // Go sends req.Host, not a Host header
			req.Host = cmp.Or(v, req.Host)
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := b.srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { res.Body.Close() })
	return res
}

// newConversation starts a conversation and returns its token.
func (b *testBundle) newConversation(tb testing.TB) string {
	tb.Helper()
	res := b.do(tb, "POST", "/api/v1/sombor/conversations", nil, nil)
	if res.StatusCode != http.StatusCreated {
		tb.Fatalf("create conversation: %s", res.Status)
	}
	var c struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&c); err != nil || c.Token == "" {
		tb.Fatalf("create conversation: %v %+v", err, c)
	}
	return c.Token
}

type sseEvent struct {
	Name string
	Data map[string]any
}

// readSSE parses a whole event stream.
func readSSE(tb testing.TB, r io.Reader) []sseEvent {
	tb.Helper()
	var out []sseEvent
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cur sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.Name != "" {
				out = append(out, cur)
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, "event: "):
			cur.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.Data); err != nil {
				tb.Fatalf("event data is not JSON: %q", line)
			}
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// errorCode decodes a JSON error body.
func errorCode(tb testing.TB, res *http.Response) (code, message string) {
	tb.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&e); err != nil {
		tb.Fatalf("%s: error body is not JSON: %v", res.Status, err)
	}
	return e.Error.Code, e.Error.Message
}
