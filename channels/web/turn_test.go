package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/internal/logctx"
	"github.com/miasrbija/mia/internal/logctx/logtest"
)

// gate holds the first turn hold picks of the real engine until the test
// releases it, so the test can drop the client while the turn is still to
// be answered.
type gate struct {
	next    web.Assistant
	hold    func(assistant.Turn) bool
	held    atomic.Bool
	entered chan struct{} // the held turn reached the engine
	release chan struct{}
	once    sync.Once
}

func newGate(tb testing.TB, hold func(assistant.Turn) bool) *gate {
	g := &gate{hold: hold, entered: make(chan struct{}), release: make(chan struct{})}
	tb.Cleanup(g.open) // a failed test leaves no turn hanging
	return g
}

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

func (g *gate) Handle(ctx context.Context, t assistant.Turn, emit func(assistant.Event)) (*assistant.Reply, error) {
	if g.hold(t) && g.held.CompareAndSwap(false, true) {
		close(g.entered)
		<-g.release
	}
	return g.next.Handle(ctx, t, emit)
}

func (g *gate) AcceptsMedia(ctx context.Context, municipality string, ch assistant.Channel, user string) (bool, error) {
	return g.next.AcceptsMedia(ctx, municipality, ch, user)
}

// disconnectWatch tells when the server saw the client of a request marked
// with the X-Test-Watch header go away (its request context ended) while
// the handler still ran.
func disconnectWatch(gone chan<- struct{}) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Test-Watch") != "" {
				done := make(chan struct{})
				defer close(done)
				go func() {
					select {
					case <-r.Context().Done():
						gone <- struct{}{}
					case <-done:
					}
				}()
			}
			next.ServeHTTP(w, r)
		})
	}
}

// heldBundle serves the channel with a gate around the engine.
func heldBundle(t *testing.T, hold func(assistant.Turn) bool) (*testBundle, *gate, chan struct{}) {
	t.Helper()
	var g *gate
	gone := make(chan struct{}, 1)
	b := setupWith(t, bundleOpts{
		config: func(c *web.Config) {
			c.PerConversation = web.Limit{Rate: 100, Burst: 100}
			g = newGate(t, hold)
			g.next = c.Assistant
			c.Assistant = g
		},
		wrap: disconnectWatch(gone),
	})
	return b, g, gone
}

// sendAndLeave posts a message, reads the first event and closes the
// connection once the turn is held in the gate; it returns when the server
// has seen the client go.
func (b *testBundle) sendAndLeave(t *testing.T, g *gate, gone <-chan struct{}, path string, body any) {
	t.Helper()
	buf, _ := json.Marshal(body)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", b.srv.URL+path, strings.NewReader(string(buf)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Test-Watch", "1")
	res, err := b.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	first, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || first != "event: start\n" {
		t.Fatalf("first event %q %v", first, err)
	}
	waitFor(t, g.entered, "the turn to reach the engine")
	cancel() // the citizen closes the tab
	waitFor(t, gone, "the server to see the client go")
}

func waitFor(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// history reads the conversation as a reloaded page does.
func (b *testBundle) history(t *testing.T, tok string) []map[string]string {
	t.Helper()
	res := b.do(t, "GET", "/api/v1/sombor/conversations/"+tok+"/messages", nil, nil)
	var h struct{ Messages []map[string]any }
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("history %s %v", res.Status, err)
	}
	// The text fields (role, text, from…); richHistory reads the rest.
	out := make([]map[string]string, 0, len(h.Messages))
	for _, m := range h.Messages {
		fields := map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				fields[k] = s
			}
		}
		out = append(out, fields)
	}
	return out
}

// TestTurnOutlivesRequest: a citizen who closes the tab right after asking
// finds the answer on the next visit.
func TestTurnOutlivesRequest(t *testing.T) {
	t.Parallel()
	const question = "Где се подноси захтев за дечији додатак?"
	b, g, gone := heldBundle(t, func(tu assistant.Turn) bool { return tu.Text == question })
	tok := b.newConversation(t)
	b.sendAndLeave(t, g, gone, "/api/v1/sombor/conversations/"+tok+"/messages", map[string]string{"text": question})
	g.open() // the engine answers only now, with the client long gone

	// The reload waits for the turn still running.
	msgs := b.history(t, tok)
	if len(msgs) != 2 || msgs[0]["text"] != question || msgs[1]["role"] != "assistant" {
		t.Fatalf("history after the disconnect: %v", msgs)
	}
	if a := msgs[1]["text"]; !strings.Contains(a, "[1]") || strings.Contains(a, "грешк") {
		t.Errorf("the stored answer is not the cited one: %s", a)
	}
}

var refRE = regexp.MustCompile(`SO-KP-(\d{4})-(\d{6})`)

// TestConfirmThenLeave: a citizen who confirms a communal report and closes
// the tab at once gets exactly one case, and the history shows its number;
// confirming again on the next visit files nothing more.
func TestConfirmThenLeave(t *testing.T) {
	t.Parallel()
	b, g, gone := heldBundle(t, func(tu assistant.Turn) bool { return tu.Payload == "form:confirm" })
	tok := b.newConversation(t)
	path := b.reportAtPhotosIn(t, tok)
	if r := doneReply(t, b.postFiles(t, path, "", upload{"kontejner.jpg", "image/jpeg", jpegPhoto(t)})); !strings.Contains(replyText(r), "pristajete") {
		t.Fatalf("contact consent not asked: %s", r["text"])
	}
	if r := doneReply(t, b.do(t, "POST", path, map[string]string{"payload": "form:set:contact_consent=no"}, nil)); r["form"] != "communal_report" {
		t.Fatalf("not at the confirmation: %v", r)
	}

	b.sendAndLeave(t, g, gone, path, map[string]string{"payload": "form:confirm"})
	g.open()

	msgs := b.history(t, tok)
	last := msgs[len(msgs)-1]
	m := refRE.FindStringSubmatch(last["text"])
	if last["role"] != "assistant" || m == nil {
		t.Fatalf("the history does not show the case's number: %v", last)
	}
	ctx := context.Background()
	if _, err := b.forms.CaseForCitizen(ctx, "sombor", m[0], "web", webUser(tok)); err != nil {
		t.Fatalf("case %s: %v", m[0], err)
	}

	// Back on the page, the citizen presses confirm again.
	doneReply(t, b.do(t, "POST", path, map[string]string{"payload": "form:confirm"}, nil))
	n, _ := strconv.Atoi(m[2])
	next := fmt.Sprintf("SO-KP-%s-%06d", m[1], n+1)
	if _, err := b.forms.CaseForCitizen(ctx, "sombor", next, "web", webUser(tok)); err == nil {
		t.Errorf("a second case %s was filed", next)
	}
	var refs []string
	for _, msg := range b.history(t, tok) {
		refs = append(refs, refRE.FindAllString(msg["text"], -1)...)
	}
	for _, r := range refs {
		if r != m[0] {
			t.Errorf("history names another case %s (all: %v)", r, refs)
		}
	}
}

// TestTurnLogsShareRequestID: the lines one web turn writes, from the
// engine as from the server, carry the request's id.
func TestTurnLogsShareRequestID(t *testing.T) {
	t.Parallel()
	logs := &logtest.Buffer{}
	// Wrapped as cmd/mia wraps its JSON handler.
	log := slog.New(logctx.NewHandler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	b := setupWith(t, bundleOpts{log: log})
	tok := b.newConversation(t)
	// A JMBG in the message makes the engine log that it was masked.
	res := b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/messages",
		map[string]string{"text": "Moj JMBG je 0101990710006, gde se predaje zahtev za dečji dodatak?"}, nil)
	doneReply(t, res)
	rid := res.Header.Get("X-Request-Id")
	if rid == "" {
		t.Fatal("no X-Request-Id")
	}

	var engine, request bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		switch {
		case rec["msg"] == "personal data masked":
			engine = true
		case rec["msg"] == "request" && strings.HasSuffix(fmt.Sprint(rec["route"]), "/messages"):
			request = true
		case rec["msg"] == "request":
			continue // creating the conversation: another request
		}
		if rec["request_id"] != rid {
			t.Errorf("line without the turn's request id %s: %s", rid, line)
		}
	}
	if !engine || !request {
		t.Errorf("engine line %v, request line %v:\n%s", engine, request, logs)
	}
	if strings.Contains(logs.String(), "0101990710006") {
		t.Error("the JMBG reached the log")
	}
}
