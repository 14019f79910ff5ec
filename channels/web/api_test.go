package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/serbian"
)

func names(evs []sseEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Name)
	}
	return out
}

func TestMessageStreamsReply(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tok := b.newConversation(t)
	res := b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/messages",
		map[string]string{"text": "Где се подноси захтев за дечији додатак?"}, nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%s %s", res.Status, res.Header.Get("Content-Type"))
	}
	evs := readSSE(t, res.Body)
	got := names(evs)
	// An acknowledgement at once, then the text, its citations, the
	// buttons if any, and done last.
	if len(got) < 4 || got[0] != "start" || got[1] != "delta" || got[len(got)-1] != "done" {
		t.Fatalf("event order %v", got)
	}
	order := map[string]int{"start": -1, "delta": 0, "replace": 0, "citation": 1, "quick_replies": 2, "done": 3}
	if !slices.IsSortedFunc(got, func(a, b string) int { return order[a] - order[b] }) {
		t.Errorf("events out of order: %v", got)
	}
	var text strings.Builder
	var cites []map[string]any
	for _, e := range evs {
		switch e.Name {
		case "delta":
			text.WriteString(e.Data["text"].(string))
		case "citation":
			cites = append(cites, e.Data["citation"].(map[string]any))
		}
	}
	if len(cites) == 0 {
		t.Fatalf("no citation event: %v", got)
	}
	if serbian.DetectScript(text.String()) != serbian.Cyrillic || !strings.Contains(text.String(), "[1]") {
		t.Errorf("streamed text not Cyrillic or unmarked:\n%s", text.String())
	}
	c := cites[0]
	href, _ := c["href"].(string)
	if !regexp.MustCompile(`^/documents/\d+\?chunk=\d+&municipality=sombor$`).MatchString(href) || c["source"] != "decji-dodatak.md" {
		t.Errorf("citation %v", c)
	}
	done := evs[len(evs)-1].Data["reply"].(map[string]any)
	if done["text"] != text.String() || done["status"] != "answered" || len(done["citations"].([]any)) != len(cites) {
		t.Errorf("done reply %v does not match the stream %q", done, text.String())
	}

	// The citation's link opens the document with the passage marked.
	page := b.do(t, "GET", href, nil, nil)
	body, _ := io.ReadAll(page.Body)
	if page.StatusCode != http.StatusOK || !strings.Contains(string(body), `<mark id="citat">`) {
		t.Fatalf("document page %s:\n%.600s", page.Status, body)
	}
	if strings.Contains(string(body), "Citirani deo</h2>") {
		t.Errorf("the passage was not found in the body and is shown apart:\n%s", body)
	}
}

func TestHistoryAfterReload(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tok := b.newConversation(t)
	path := "/api/v1/sombor/conversations/" + tok + "/messages"
	for _, q := range []string{"Do kada se plaća porez na imovinu?", "Moj broj je 0641234567, gde je gradska uprava?"} {
		readSSE(t, b.do(t, "POST", path, map[string]string{"text": q}, nil).Body)
	}
	res := b.do(t, "GET", path, nil, nil)
	var h struct {
		Messages []struct{ Role, Text string }
	}
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 4 {
		t.Fatalf("history has %d messages, want 4: %+v", len(h.Messages), h.Messages)
	}
	for i, m := range h.Messages {
		if want := []string{"user", "assistant"}[i%2]; m.Role != want || m.Text == "" {
			t.Errorf("message %d: %+v, want role %s", i, m, want)
		}
	}
	if h.Messages[0].Text != "Do kada se plaća porez na imovinu?" {
		t.Errorf("first message %q", h.Messages[0].Text)
	}
	if strings.Contains(h.Messages[2].Text, "0641234567") {
		t.Errorf("history shows the phone number: %q", h.Messages[2].Text)
	}

	// Another conversation does not see it.
	other := b.do(t, "GET", "/api/v1/sombor/conversations/"+b.newConversation(t)+"/messages", nil, nil)
	body, _ := io.ReadAll(other.Body)
	if strings.TrimSpace(string(body)) != `{"messages":[]}` {
		t.Errorf("new conversation's history: %s", body)
	}
}

func TestQuickReplyPayload(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tok := b.newConversation(t)
	evs := readSSE(t, b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/messages", map[string]string{"text": "zdravo"}, nil).Body)
	var qr []any
	for _, e := range evs {
		if e.Name == "quick_replies" {
			qr = e.Data["quick_replies"].([]any)
		}
	}
	if len(qr) == 0 {
		t.Fatalf("greeting offers no buttons: %v", names(evs))
	}
	var payload string
	for _, q := range qr {
		if p := q.(map[string]any)["payload"].(string); strings.HasPrefix(p, "ask:") {
			payload = p
		}
	}
	evs = readSSE(t, b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/messages", map[string]string{"payload": payload}, nil).Body)
	done := evs[len(evs)-1]
	if done.Name != "done" || len(done.Data["reply"].(map[string]any)["citations"].([]any)) == 0 {
		t.Errorf("button %q: %v", payload, done.Data)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *web.Config) { c.MaxBody = 1024 })
	tok := b.newConversation(t)
	msgs := "/api/v1/sombor/conversations/" + tok + "/messages"
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"unknown municipality", "POST", "/api/v1/atlantida/conversations", nil, 404, "municipality_not_found"},
		{"unknown municipality history", "GET", "/api/v1/atlantida/conversations/" + tok + "/messages", nil, 404, "municipality_not_found"},
		{"malformed token", "GET", "/api/v1/sombor/conversations/abc/messages", nil, 404, "conversation_not_found"},
		{"body over the cap", "POST", msgs, map[string]string{"text": strings.Repeat("porez ", 400)}, 413, "body_too_large"},
		{"not JSON", "POST", msgs, "text=porez", 400, "invalid_request"},
		{"empty message", "POST", msgs, map[string]string{"text": "  "}, 400, "empty_message"},
		{"long payload", "POST", msgs, map[string]string{"payload": strings.Repeat("x", 600)}, 400, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := b.do(t, tt.method, tt.path, tt.body, nil)
			if res.StatusCode != tt.status {
				t.Fatalf("status %s, want %d", res.Status, tt.status)
			}
			code, msg := errorCode(t, res)
			if code != tt.code || msg == "" {
				t.Errorf("error %q %q, want code %q with a message", code, msg, tt.code)
			}
		})
	}
	// A Laktaši citizen reads the error in the municipality's variant.
	res := b.do(t, "POST", "/api/v1/laktasi/conversations", nil, nil)
	var c struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&c); err != nil || c.Token == "" {
		t.Fatalf("create conversation: %v %+v", err, c)
	}
	res = b.do(t, "POST", "/api/v1/laktasi/conversations/"+c.Token+"/messages", "text=porez", nil)
	if code, msg := errorCode(t, res); code != "invalid_request" || msg != "Zahtjev nije ispravan." {
		t.Errorf("Laktaši error %q %q", code, msg)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tests := []struct {
		origin string
		allow  bool
		host   string // the Host header; "" is the server's
	}{
		{"https://www.sombor.rs", true, ""}, // Municipality.AllowOrigins
		{b.srv.URL, true, ""},               // MIA's own public origin (Config.PublicOrigins)
		{"https://evil.example", false, ""},
		{"https://sombor.rs.evil.example", false, ""},
		// An Origin equal to a Host the client chose is nobody's page.
		{"http://evil.example", false, "evil.example"},
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			h := map[string]string{"Origin": tt.origin}
			if tt.host != "" {
				h["Host"] = tt.host
			}
			pre := b.do(t, "OPTIONS", "/api/v1/sombor/conversations", nil,
				map[string]string{"Origin": tt.origin, "Host": h["Host"], "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
			res := b.do(t, "POST", "/api/v1/sombor/conversations", nil, h)
			if tt.allow {
				if pre.StatusCode != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != tt.origin ||
					!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") ||
					!strings.Contains(strings.ToLower(pre.Header.Get("Access-Control-Allow-Headers")), "content-type") {
					t.Errorf("preflight %s %v", pre.Status, pre.Header)
				}
				if res.StatusCode != http.StatusCreated || res.Header.Get("Access-Control-Allow-Origin") != tt.origin {
					t.Errorf("request %s, allow-origin %q", res.Status, res.Header.Get("Access-Control-Allow-Origin"))
				}
				return
			}
			if pre.StatusCode != http.StatusForbidden || pre.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("preflight from a foreign origin: %s %v", pre.Status, pre.Header)
			}
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("request from a foreign origin: %s", res.Status)
			}
			if code, _ := errorCode(t, res); code != "origin_not_allowed" {
				t.Errorf("code %q", code)
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *web.Config) {
		c.PerIP = web.Limit{Rate: 0.01, Burst: 8}
		c.PerConversation = web.Limit{Rate: 0.01, Burst: 2}
	})
	tok := b.newConversation(t) // 1 of the IP's 8
	path := "/api/v1/sombor/conversations/" + tok + "/messages"
	for range 2 {
		if res := b.do(t, "POST", path, map[string]string{"text": "porez na imovinu"}, nil); res.StatusCode != 200 {
			t.Fatalf("within the limit: %s", res.Status)
		} else {
			readSSE(t, res.Body)
		}
	}
	check := func(res *http.Response) {
		t.Helper()
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("status %s, want 429", res.Status)
		}
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		if code, msg := errorCode(t, res); code != "rate_limited" || msg == "" {
			t.Errorf("error %q %q", code, msg)
		}
	}
	check(b.do(t, "POST", path, map[string]string{"text": "porez na imovinu"}, nil)) // conversation's 3rd
	// Another conversation of the same client still may talk, until the IP's burst is spent.
	tok2 := b.newConversation(t)
	if res := b.do(t, "POST", "/api/v1/sombor/conversations/"+tok2+"/messages", map[string]string{"text": "zdravo"}, nil); res.StatusCode != 200 {
		t.Fatalf("second conversation: %s", res.Status)
	}
	for range 2 { // reaches 8 requests of this IP
		b.do(t, "GET", path, nil, nil)
	}
	check(b.do(t, "POST", "/api/v1/sombor/conversations", nil, nil))
}
