package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/postgres/handoverstore"
	"github.com/miasrbija/mia/serbian"
)

type historyBody struct {
	Script   string `json:"script"`
	Messages []struct {
		ID        int64  `json:"id"`
		Role      string `json:"role"`
		From      string `json:"from"`
		StaffName string `json:"staff_name"`
		Text      string `json:"text"`
		Citations []struct {
			N    int    `json:"n"`
			Href string `json:"href"`
		} `json:"citations"`
		QuickReplies []struct{ Label, Payload string } `json:"quick_replies"`
		Form         string                            `json:"form"`
		CaseRef      string                            `json:"case_ref"`
		Rate         bool                              `json:"rate"`
		Rated        string                            `json:"rated"`
	} `json:"messages"`
}

func (b *testBundle) richHistory(t *testing.T, tok string) historyBody {
	t.Helper()
	res := b.do(t, "GET", "/api/v1/sombor/conversations/"+tok+"/messages", nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("history: %s", res.Status)
	}
	var h historyBody
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

func doneText(t *testing.T, events []sseEvent) string {
	t.Helper()
	for _, ev := range events {
		if ev.Name == "done" {
			r, _ := ev.Data["reply"].(map[string]any)
			s, _ := r["text"].(string)
			return s
		}
	}
	t.Fatalf("no done event in %v", events)
	return ""
}

// The history gives back an answer's citations with their links, and a
// chosen script holds for the replies and the history whatever script the
// citizen then writes in.
func TestHistoryAndChosenScript(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tok := b.newConversation(t)
	answer := doneText(t, b.ask(t, tok, "Gde se podnosi zahtev za dečiji dodatak?"))
	h := b.richHistory(t, tok)
	if h.Script != "" || len(h.Messages) != 2 {
		t.Fatalf("history before any choice: %+v", h)
	}
	a := h.Messages[1]
	if a.Role != "assistant" || a.From != "mia" || a.Text != answer || !strings.Contains(a.Text, "[1]") ||
		len(a.Citations) == 0 || a.Citations[0].N != 1 || !strings.HasPrefix(a.Citations[0].Href, "/documents/") {
		t.Fatalf("answer in the history: %+v", a)
	}
	if u := h.Messages[0]; u.From != "citizen" || len(u.Citations) != 0 || u.ID >= a.ID {
		t.Errorf("question in the history: %+v", u)
	}

	choose := func(script string) (int, string) {
		t.Helper()
		res := b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/script", map[string]string{"script": script}, nil)
		if res.StatusCode == http.StatusOK {
			return res.StatusCode, ""
		}
		code, _ := errorCode(t, res)
		return res.StatusCode, code
	}
	if status, code := choose("cyr"); status != http.StatusOK {
		t.Fatalf("choose Cyrillic: %d %s", status, code)
	}
	h = b.richHistory(t, tok)
	if h.Script != "cyr" || serbian.DetectScript(h.Messages[1].Text) != serbian.Cyrillic || h.Messages[0].Text != "Gde se podnosi zahtev za dečiji dodatak?" {
		t.Errorf("history after choosing Cyrillic (the citizen's words as written, MIA's mirrored): %+v", h)
	}
	if next := doneText(t, b.ask(t, tok, "Koliko košta izvod iz matične knjige rođenih?")); serbian.DetectScript(next) != serbian.Cyrillic {
		t.Errorf("a Latin question after choosing Cyrillic got: %q", next)
	}
	if status, code := choose("lat"); status != http.StatusOK {
		t.Fatalf("choose Latin: %d %s", status, code)
	}
	if next := doneText(t, b.ask(t, tok, "Колико кошта извод из матичне књиге рођених?")); serbian.DetectScript(next) != serbian.Latin {
		t.Errorf("a Cyrillic question after choosing Latin got: %q", next)
	}
	if status, code := choose("latin"); status != http.StatusBadRequest || code != "invalid_script" {
		t.Errorf("an unknown script: %d %s", status, code)
	}
	res := b.do(t, "POST", "/api/v1/sombor/conversations/"+strings.Repeat("A", 22)+"/script", map[string]string{"script": "cyr"}, nil)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("a choice for an unknown conversation: %s", res.Status)
	}
}

func TestWelcomeSuggestions(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	res := b.do(t, "GET", "/api/v1/sombor/welcome", nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("welcome: %s", res.Status)
	}
	var w struct{ Suggested []struct{ Lat, Cyr string } }
	if err := json.NewDecoder(res.Body).Decode(&w); err != nil {
		t.Fatal(err)
	}
	m, err := b.cfg.Municipalities.Get("sombor")
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Suggested) != len(m.Suggested) || len(w.Suggested) == 0 {
		t.Fatalf("welcome offers %d questions, Sombor has %d", len(w.Suggested), len(m.Suggested))
	}
	for i, q := range w.Suggested {
		if q.Lat != m.Suggested[i] || q.Cyr != serbian.ToCyrillic(q.Lat) || serbian.DetectScript(q.Cyr) != serbian.Cyrillic {
			t.Errorf("suggestion %d: %+v", i, q)
		}
	}
}

// A staff member's reply during a handover comes back with the staff's
// name, so a reloaded widget still labels it.
func TestHistoryNamesStaff(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tok := b.newConversation(t)
	b.ask(t, tok, "Dobar dan")
	ctx := context.Background()
	var conv int64
	if err := b.db.QueryRow(ctx, `SELECT id FROM conversations WHERE municipality = 'sombor' AND channel = 'web'`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	hs := handoverstore.New(b.db)
	req, _, err := hs.CreateRequest(ctx, handover.Request{Municipality: "sombor", ConversationID: conv, Channel: "web",
		ChannelUser: "x", Body: "uprava", RequestedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hs.AddMessage(ctx, req, handover.Message{From: handover.FromStaff, StaffName: "Marija", Text: "Dobar dan, tu sam."}, true); err != nil {
		t.Fatal(err)
	}
	h := b.richHistory(t, tok)
	last := h.Messages[len(h.Messages)-1]
	if last.From != "staff" || last.StaffName != "Marija" || last.Text != "Dobar dan, tu sam." {
		t.Errorf("staff reply in the history: %+v", last)
	}
	if first := h.Messages[1]; first.From != "mia" {
		t.Errorf("MIA's greeting in the history: %+v", first)
	}
}

// A reloaded answer may still be rated: the history marks it, with the id
// the feedback endpoint takes.
func TestHistoryOffersRating(t *testing.T) {
	t.Parallel()
	b := setupFeedback(t, bundleOpts{})
	tok := b.newConversation(t)
	live := feedbackID(b.ask(t, tok, "Gde se podnosi zahtev za dečiji dodatak?"))
	h := b.richHistory(t, tok)
	if len(h.Messages) != 2 || h.Messages[0].Rate || !h.Messages[1].Rate || h.Messages[1].ID != live {
		t.Fatalf("history marks for rating: %+v (live feedback id %d)", h.Messages, live)
	}
	if h.Messages[1].Rated != "" {
		t.Errorf("an answer nobody rated shows as rated %q", h.Messages[1].Rated)
	}
	res := b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/feedback", map[string]any{"message_id": h.Messages[1].ID, "rating": "up"}, nil)
	if res.StatusCode != http.StatusNoContent {
		t.Errorf("a vote on the reloaded answer: %s", res.Status)
	}
	// The vote comes back with the history, so a reloaded page shows the
	// thumb pressed; a changed mind replaces it.
	if got := b.richHistory(t, tok).Messages[1].Rated; got != "up" {
		t.Errorf("after 👍 the history says rated %q", got)
	}
	res = b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/feedback", map[string]any{"message_id": h.Messages[1].ID, "rating": "down", "reason": "outdated"}, nil)
	if res.StatusCode != http.StatusNoContent && res.StatusCode != http.StatusOK {
		t.Errorf("a second vote: %s", res.Status)
	}
	if got := b.richHistory(t, tok).Messages[1].Rated; got != "down" {
		t.Errorf("after 👎 the history says rated %q", got)
	}
}
