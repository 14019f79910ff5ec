package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/notify"
	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
)

// webUser is what the server keeps of a conversation token: the web
// citizen's id in conversations.channel_user and cases.channel_user.
func webUser(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// countRows counts the rows of table whose channel_user is user.
func (b *testBundle) countRows(tb testing.TB, table, user string) int {
	tb.Helper()
	var n int
	if err := b.db.QueryRow(context.Background(), `SELECT count(*) FROM `+table+` WHERE channel_user = $1`, user).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestClientChosenTokenRefused is the regression test of issue 15: a
// well-formed token the server never issued opened (and created) a
// conversation. Now reading and writing with it are a 404 and nothing is
// created.
func TestClientChosenTokenRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	const chosen = "AAAAAAAAAAAAAAAAAAAAAA" // 22 base64url characters: the issued form
	path := "/api/v1/sombor/conversations/" + chosen + "/messages"
	for _, req := range []struct {
		method string
		body   any
	}{
		{"GET", nil},
		{"POST", map[string]string{"text": "Do kada se plaća porez na imovinu?"}},
		{"POST", map[string]string{"payload": "form:communal_report"}},
	} {
		res := b.do(t, req.method, path, req.body, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("%s with a chosen token: %s, want 404", req.method, res.Status)
		}
		if code, _ := errorCode(t, res); code != "conversation_not_found" {
			t.Errorf("%s with a chosen token: code %q", req.method, code)
		}
	}
	var n int
	if err := b.db.QueryRow(context.Background(), `SELECT count(*) FROM conversations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("a chosen token created %d conversations", n)
	}
	// The same token in another municipality's path is no key either: an
	// issued token opens only its own municipality's conversation.
	tok := b.newConversation(t)
	if res := b.do(t, "GET", "/api/v1/sombor/conversations/"+tok+"/messages", nil, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("issued token: %s", res.Status)
	}
}

// TestTokensStoredHashed: the database holds no issued token, only its
// SHA-256; conversations, drafts and cases all name the web citizen by it.
func TestTokensStoredHashed(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tokens := []string{b.newConversation(t), b.newConversation(t)}
	path := "/api/v1/sombor/conversations/" + tokens[0] + "/messages"
	doneReply(t, b.do(t, "POST", path, map[string]string{"payload": "form:communal_report"}, nil))

	var clear int
	err := b.db.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM conversations WHERE channel_user = ANY($1) OR strpos(channel_user, $2) > 0 OR strpos(channel_user, $3) > 0)
		     + (SELECT count(*) FROM form_drafts WHERE channel_user = ANY($1))
		     + (SELECT count(*) FROM cases WHERE channel_user = ANY($1))`,
		tokens, tokens[0], tokens[1]).Scan(&clear)
	if err != nil {
		t.Fatal(err)
	}
	if clear != 0 {
		t.Fatalf("%d rows hold an issued token in clear", clear)
	}
	for _, tok := range tokens {
		if n := b.countRows(t, "conversations", webUser(tok)); n != 1 {
			t.Errorf("conversations with the token's hash: %d, want 1", n)
		}
	}
	if n := b.countRows(t, "form_drafts", webUser(tokens[0])); n != 1 {
		t.Errorf("the draft does not name the citizen by the token's hash (%d rows)", n)
	}
}

// TestCaseStatusReachesWebCitizen: with only the hash stored, a case filed
// on the web still gets its status notice into the citizen's conversation,
// and the citizen (and only they) can ask for its status.
func TestCaseStatusReachesWebCitizen(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *web.Config) { c.PerConversation = web.Limit{Rate: 100, Burst: 100} })
	ctx := context.Background()
	tok := b.newConversation(t)
	path := b.reportAtPhotosIn(t, tok)
	doneReply(t, b.postFiles(t, path, "", upload{"kontejner.jpg", "image/jpeg", jpegPhoto(t)}))
	doneReply(t, b.do(t, "POST", path, map[string]string{"payload": "form:set:contact_consent=no"}, nil))
	ref := refRE.FindString(doneReply(t, b.do(t, "POST", path, map[string]string{"payload": "form:confirm"}, nil))["text"].(string))
	if ref == "" {
		t.Fatal("no case filed")
	}
	if b.countRows(t, "cases", tok) != 0 || b.countRows(t, "cases", webUser(tok)) != 1 {
		t.Fatal("the case does not name the citizen by the token's hash")
	}

	// Staff forward the case; the notice goes out through the outbox.
	c, err := b.forms.CaseForCitizen(ctx, "sombor", ref, "web", webUser(tok))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.forms.ChangeStatus(ctx, c.ID, forms.StatusForwarded, "ana@sombor.rs", ""); err != nil {
		t.Fatal(err)
	}
	worker, err := notify.NewWorker(notify.Config{Outbox: casestore.New(b.db), Senders: map[string]notify.Sender{
		string(assistant.ChannelWeb): notify.ConversationSender{Notices: convstore.New(b.db), Channel: assistant.ChannelWeb},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := worker.Deliver(ctx); err != nil || n != 1 {
		t.Fatalf("delivered %d, %v; want 1", n, err)
	}
	msgs := b.history(t, tok)
	if last := msgs[len(msgs)-1]; last["role"] != "assistant" || !strings.Contains(last["text"], ref) ||
		!strings.Contains(last["text"], "prosleđen") {
		t.Fatalf("the status notice is not in the conversation: %v", last)
	}
	if b.countRows(t, "conversations", webUser(tok)) != 1 {
		t.Fatal("the notice opened a second conversation")
	}

	// The citizen asks for the status; another conversation may not.
	r := doneReply(t, b.do(t, "POST", path, map[string]string{"text": "Šta je sa mojom prijavom " + ref + "?"}, nil))
	if text := r["text"].(string); !strings.Contains(text, "prosleđen") || strings.Contains(text, "Ne pronalazim") {
		t.Fatalf("status for the citizen: %s", text)
	}
	other := "/api/v1/sombor/conversations/" + b.newConversation(t) + "/messages"
	r = doneReply(t, b.do(t, "POST", other, map[string]string{"text": "Šta je sa prijavom " + ref + "?"}, nil))
	if text := r["text"].(string); !strings.Contains(text, "Ne pronalazim") {
		t.Fatalf("another conversation learned the status: %s", text)
	}
}

// TestNULInMessage: a message carrying U+0000 (which PostgreSQL text
// refuses) failed its turn; the web edge now cleans it and the citizen
// gets a normal answer, stored without the character.
func TestNULInMessage(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tok := b.newConversation(t)
	path := "/api/v1/sombor/conversations/" + tok + "/messages"
	body := `{"text": "Do kada se pla\u0000ća porez\u202e na imovinu?"}`
	evs := readSSE(t, b.do(t, "POST", path, body, nil).Body)
	if len(evs) == 0 {
		t.Fatal("no events")
	}
	last := evs[len(evs)-1]
	if last.Name != "done" {
		t.Fatalf("turn ended with %q: %v", last.Name, last.Data)
	}
	reply := last.Data["reply"].(map[string]any)
	if reply["status"] != "answered" || len(reply["citations"].([]any)) == 0 {
		t.Fatalf("not a normal answer: %v", reply)
	}
	msgs := b.history(t, tok)
	if len(msgs) != 2 || msgs[0]["text"] != "Do kada se plaća porez na imovinu?" {
		t.Fatalf("stored message: %v", msgs)
	}
	// The location's address and a button's payload are cleaned the same way.
	res := b.do(t, "POST", path, `{"location": {"address": "Apatinski\u0000 put 12, Sombor"}}`, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("address with U+0000: %s", res.Status)
	}
	if evs := readSSE(t, res.Body); evs[len(evs)-1].Name != "done" {
		t.Fatalf("address with U+0000: %v", evs[len(evs)-1])
	}
}
