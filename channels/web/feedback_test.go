package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/postgres/feedbackstore"
)

// votes is the channel's Feedback, given its store once the test's
// database exists (setup creates the database after the configuration
// hook runs).
type votes struct{ *feedbackstore.Store }

// setupFeedback serves the channel with feedback on.
func setupFeedback(tb testing.TB, o bundleOpts) *testBundle {
	tb.Helper()
	v := &votes{}
	inner := o.config
	o.config = func(c *web.Config) {
		c.Feedback = v
		if inner != nil {
			inner(c)
		}
	}
	b := setupWith(tb, o)
	v.Store = feedbackstore.New(b.db)
	return b
}

// ask sends a question and returns the stream's events.
func (b *testBundle) ask(t *testing.T, token, text string) []sseEvent {
	t.Helper()
	res := b.do(t, "POST", "/api/v1/sombor/conversations/"+token+"/messages", map[string]string{"text": text}, nil)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("ask: %s", res.Status)
	}
	return readSSE(t, res.Body)
}

// feedbackID returns the message_id of the stream's feedback event, or 0.
func feedbackID(events []sseEvent) int64 {
	for i, ev := range events {
		if ev.Name == "feedback" && i > 0 && events[i-1].Name == "done" {
			n, _ := ev.Data["message_id"].(float64)
			return int64(n)
		}
	}
	return 0
}

func TestFeedbackOnAnAnswer(t *testing.T) {
	t.Parallel()
	b := setupFeedback(t, bundleOpts{})
	tok := b.newConversation(t)
	id := feedbackID(b.ask(t, tok, "Где се подноси захтев за дечији додатак?"))
	if id == 0 {
		t.Fatal("an answer came without a feedback event after done")
	}
	vote := func(token string, body any) (int, string) {
		t.Helper()
		res := b.do(t, "POST", "/api/v1/sombor/conversations/"+token+"/feedback", body, nil)
		defer res.Body.Close()
		if res.StatusCode == http.StatusNoContent {
			return res.StatusCode, ""
		}
		code, _ := errorCode(t, res)
		return res.StatusCode, code
	}
	for _, body := range []map[string]any{
		{"message_id": id, "rating": "up"},
		{"message_id": id, "rating": "down"},
		{"message_id": id, "rating": "down", "reason": "wrong", "comment": "Šalter je premešten, zovite 064 123 4567"},
	} {
		if status, code := vote(tok, body); status != http.StatusNoContent {
			t.Fatalf("vote %v: %d %s", body, status, code)
		}
	}
	var n int
	var rating, reason, comment string
	err := b.db.QueryRow(context.Background(), `SELECT count(*) OVER (), rating, reason, comment FROM answer_feedback WHERE message_id = $1`, id).
		Scan(&n, &rating, &reason, &comment)
	if err != nil || n != 1 || rating != "down" || reason != "wrong" || strings.Contains(comment, "4567") || !strings.Contains(comment, "[TELEFON]") {
		t.Errorf("stored %d %s %s %q (%v)", n, rating, reason, comment, err)
	}

	other := b.newConversation(t)
	for name, c := range map[string]struct {
		token  string
		body   any
		status int
		code   string
	}{
		"another conversation's answer": {other, map[string]any{"message_id": id, "rating": "up"}, 404, "answer_not_found"},
		"no such answer":                {tok, map[string]any{"message_id": id + 100, "rating": "up"}, 404, "answer_not_found"},
		"the citizen's own message":     {tok, map[string]any{"message_id": id - 1, "rating": "up"}, 404, "answer_not_found"},
		"a rating that is none":         {tok, map[string]any{"message_id": id, "rating": "5 stars"}, 400, "invalid_feedback"},
		"an unknown reason":             {tok, map[string]any{"message_id": id, "rating": "down", "reason": "boring"}, 400, "invalid_feedback"},
		"not JSON":                      {tok, "{", 400, "invalid_request"},
		"an unknown token":              {"AAAAAAAAAAAAAAAAAAAAAA", map[string]any{"message_id": id, "rating": "up"}, 404, "conversation_not_found"},
	} {
		if status, code := vote(c.token, c.body); status != c.status || code != c.code {
			t.Errorf("%s: %d %s, want %d %s", name, status, code, c.status, c.code)
		}
	}

	// A form step is not rated: no feedback event.
	if events := b.ask(t, other, "Hoću da prijavim rupu na putu"); feedbackID(events) != 0 {
		t.Errorf("a form start offered feedback: %+v", events)
	}
}

func TestFeedbackOff(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tok := b.newConversation(t)
	if id := feedbackID(b.ask(t, tok, "Koliko košta izvod iz matične knjige rođenih?")); id != 0 {
		t.Errorf("feedback offered without a store: %d", id)
	}
	res := b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/feedback", map[string]any{"message_id": 1, "rating": "up"}, nil)
	defer res.Body.Close()
	if code, _ := errorCode(t, res); res.StatusCode != http.StatusNotFound || code != "feedback_off" {
		t.Errorf("feedback without a store: %d %s", res.StatusCode, code)
	}
}

// TestSecondDownOffersPerson: the conversation's first 👎 is only
// recorded; the second (on another answer) also offers a person.
func TestSecondDownOffersPerson(t *testing.T) {
	t.Parallel()
	b := setupFeedback(t, bundleOpts{})
	tok := b.newConversation(t)
	vote := func(id int64) *http.Response {
		t.Helper()
		return b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/feedback", map[string]any{"message_id": id, "rating": "down"}, nil)
	}
	first := feedbackID(b.ask(t, tok, "Где се подноси захтев за дечији додатак?"))
	second := feedbackID(b.ask(t, tok, "Do kada se plaća porez na imovinu?"))
	if first == 0 || second == 0 {
		t.Fatal("answers came without feedback events")
	}
	if res := vote(first); res.StatusCode != http.StatusNoContent {
		t.Fatalf("first 👎: %s", res.Status)
	}
	// The same answer voted again is still one 👎.
	if res := vote(first); res.StatusCode != http.StatusNoContent {
		t.Fatalf("first 👎 again: %s", res.Status)
	}
	res := vote(second)
	defer res.Body.Close()
	var got struct {
		OfferPerson bool `json:"offer_person"`
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&got) != nil || !got.OfferPerson {
		t.Fatalf("second 👎: %s %+v; want 200 offering a person", res.Status, got)
	}
}
