package assistant_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/llm/testserver"
	sr "github.com/miasrbija/mia/serbian"
)

// eventTexts returns every text a stream of events carries: what a client
// could show, whichever events it handles.
func eventTexts(events []assistant.Event) []string {
	var out []string
	for _, ev := range events {
		out = append(out, ev.Text)
		if c := ev.Citation; c != nil {
			out = append(out, c.Title, c.Quote)
		}
		for _, q := range ev.QuickReplies {
			out = append(out, q.Label)
		}
		if ev.Reply != nil {
			out = append(out, ev.Reply.Text)
		}
	}
	return out
}

// deltaText joins the text of the delta events: what a client that
// ignores "replace" shows.
func deltaText(events []assistant.Event) (string, int) {
	var b strings.Builder
	n := 0
	for _, ev := range events {
		if ev.Kind == assistant.EventDelta {
			b.WriteString(ev.Text)
			n++
		}
	}
	return b.String(), n
}

// TestModelUncitedNeverShown: text of a model answer that no valid
// citation covers appears in no event at all, not even for a moment
// before a replacement, in either script; what is cited is shown.
func TestModelUncitedNeverShown(t *testing.T) {
	b := setup(t)
	tests := []struct {
		name, question, answer string
		secret                 string // words of the uncited text
		want                   assistant.Status
		shown                  string // folded text the reply must hold, if answered
	}{
		{"nothing cited", "Do kada se plaća porez na imovinu?",
			"Porez na imovinu plaća se jednom godišnje, kad god Vam odgovara.", "odgovara", assistant.StatusNoSource, ""},
		{"invented passage id", "Do kada se plaća porez na imovinu?",
			"Porez na imovinu plaća se jednom godišnje, kad god Vam odgovara [#zzzzz].", "odgovara", assistant.StatusNoSource, ""},
		{"a citation the model wrote itself", "Do kada se plaća porez na imovinu?",
			"Porez na imovinu plaća se jednom godišnje, kad god Vam odgovara [1].", "odgovara", assistant.StatusNoSource, ""},
		{"uncited sentence after a cited one", "Do kada se plaća porez na imovinu?",
			"Porez se plaća tromesečno [ID1]. Može i u kriptovalutama, bez ikakve kamate.", "kriptovalut",
			assistant.StatusAnswered, "porez se placa tromesecno [1]."},
		{"uncited paragraph in Cyrillic", "До када се плаћа порез на имовину?",
			"Porez se plaća tromesečno [ID1].\n\nMože i u kriptovalutama, bez ikakve kamate.", "kriptovalut",
			assistant.StatusAnswered, "porez se placa tromesecno [1]."},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testserver.New(t, citing(tt.answer))
			r, events := ask(t, modelEngine(t, b, srv, 10*time.Second), "uncited-"+string(rune('a'+i)), tt.question)
			for _, s := range eventTexts(events) {
				if strings.Contains(sr.Fold(s), tt.secret) {
					t.Errorf("uncited model text reached an event: %q", s)
				}
			}
			if hasKind(events, assistant.EventReplace) {
				t.Errorf("a replace event: something unchecked was shown first: %v", kinds(events))
			}
			if r.Status != tt.want {
				t.Fatalf("status %s, want %s: %q", r.Status, tt.want, r.Text)
			}
			if tt.shown != "" {
				text, _ := deltaText(events)
				if sr.Fold(r.Text) != tt.shown || text != r.Text || len(r.Citations) != 1 {
					t.Errorf("reply %q, deltas %q, %d citations; want %q", r.Text, text, len(r.Citations), tt.shown)
				}
			}
		})
	}
}

// TestModelCitedStreams: a cited answer streams sentence by sentence (in
// more than one delta, no replace), and the deltas add up to the reply.
func TestModelCitedStreams(t *testing.T) {
	b := setup(t)
	srv := testserver.New(t, citing("Porez na imovinu plaća se tromesečno [ID1]. Rok za prvu ratu je 14. februar [ID1]. "+
		"Rešenje izdaje Poreska uprava grada [ID2]."))
	r, events := ask(t, modelEngine(t, b, srv, 10*time.Second), "streams", "Do kada se plaća porez na imovinu?")
	text, n := deltaText(events)
	if r.Status != assistant.StatusAnswered || len(r.Citations) == 0 {
		t.Fatalf("status %s, %d citations: %q", r.Status, len(r.Citations), r.Text)
	}
	if n < 3 || hasKind(events, assistant.EventReplace) {
		t.Errorf("%d deltas, events %v: want a stream without replacement", n, kinds(events))
	}
	if text != r.Text || !strings.HasPrefix(r.Text, "Porez na imovinu plaća se tromesečno [1]. Rok") {
		t.Errorf("deltas %q, reply %q", text, r.Text)
	}
}

// lightReport is a report the offline rules do not recognise: no word of
// theirs for light or darkness.
const lightReport = "Ne radi ulično svetlo u Ulici Venac Petra Bojovića kod broja 12, potpuni mrak već tri dana"

// TestModelStartsForm: on an information turn the model is offered the
// form tools with the passages and the classifier's hint; its tool call
// starts the form filled with the call's values, and the report is filed.
func TestModelStartsForm(t *testing.T) {
	b := setup(t)
	withForms(t, b)
	var offered []testserver.Request
	srv := testserver.New(t, testserver.Func(func(req testserver.Request) testserver.Response {
		offered = append(offered, req)
		return testserver.ToolCalls(testserver.ToolCall{ID: "call_1", Name: "communal_report", Arguments: `{"category":"public_lighting",` +
			`"description":"Ne radi ulično svetlo, potpuni mrak već tri dana","location":"Ulica Venac Petra Bojovića 12, Sombor"}`})
	}))
	e := modelEngine(t, b, srv, 10*time.Second)
	var events []assistant.Event
	r, err := e.AnswerTurn(context.Background(), assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb, UserID: "light",
		Text: lightReport}, "info", func(ev assistant.Event) { events = append(events, ev) })
	if err != nil {
		t.Fatal(err)
	}
	if r.Route != assistant.RouteFormStart || r.Form != "communal_report" {
		t.Fatalf("route %s form %q: %q", r.Route, r.Form, r.Text)
	}
	draft, err := b.cfg.Forms.Active(context.Background(), r.ConversationID)
	if err != nil || draft == nil {
		t.Fatalf("no draft: %v", err)
	}
	if draft.Value("category") != "public_lighting" || !strings.Contains(draft.Value("location"), "Venac Petra Bojovića 12") ||
		draft.Value("description") == "" || draft.Current == "category" || draft.Current == "location" {
		t.Fatalf("draft: category %q, location %q, description %q, asking %q",
			draft.Value("category"), draft.Value("location"), draft.Value("description"), draft.Current)
	}
	if _, n := deltaText(events); n != 1 || hasKind(events, assistant.EventReplace) {
		t.Errorf("events %v: want the form's question only", kinds(events))
	}

	req := offered[0]
	var names []string
	for _, tool := range req.Tools {
		names = append(names, tool.Name)
		var schema struct{ Properties map[string]any }
		if err := json.Unmarshal(tool.Parameters, &schema); err != nil || len(schema.Properties) == 0 {
			t.Errorf("tool %s: schema %s", tool.Name, tool.Parameters)
		}
	}
	if strings.Join(names, ",") != "communal_report,registry_extract" {
		t.Errorf("tools offered: %v", names)
	}
	var system strings.Builder
	for _, m := range req.Messages {
		if m.Role == "system" {
			system.WriteString(m.Content)
		}
	}
	if !passageID.MatchString(system.String()) || !strings.Contains(system.String(), "klasifikatora namere, koja može da bude pogrešna: info.") {
		t.Errorf("the passages or the hint are missing from the instructions:\n%s", system.String())
	}
	if last := req.Messages[len(req.Messages)-1]; last.Role != "user" || last.Content != lightReport {
		t.Errorf("last message %+v", last)
	}

	// The rest of the form, whatever it still asks, to a filed case.
	answers := map[string]turn{"village": {text: "ne"}, "attachments": {payload: "form:skip"},
		"contact_consent": {payload: "form:set:contact_consent=no"}, "": {payload: "form:confirm"}}
	var done *assistant.Reply
	for i := 0; done == nil || done.CaseRef == ""; i++ {
		draft, err := b.cfg.Forms.Active(context.Background(), r.ConversationID)
		if err != nil || draft == nil || i == len(answers) {
			t.Fatalf("no case filed (turn %d, draft %v): %v", i, draft, err)
		}
		next, ok := answers[draft.Current]
		if !ok {
			t.Fatalf("the form asks %q again", draft.Current)
		}
		done = converse(t, e, "light", []turn{next})
	}
	if !strings.Contains(sr.Fold(done.Text), "zelenilo") {
		t.Errorf("a street light is not routed to JKP Zelenilo:\n%s", done.Text)
	}
}

// TestModelToolsOfferedAnswers: with the tools offered, a question is
// still answered from the documents when the model answers in text; when
// the documents do not answer, the model's text is never shown; a value
// carrying a masked placeholder is not put in the form, and personal data
// never reaches the model.
func TestModelToolsOfferedAnswers(t *testing.T) {
	b := setup(t)
	withForms(t, b)
	srv := testserver.New(t,
		citing("Porez na imovinu plaća se tromesečno [ID1]."),
		testserver.Text("Avionske karte do Beča prodaje aerodrom."),
		testserver.ToolCalls(testserver.ToolCall{Name: "communal_report", Arguments: `{"category":"roads",` +
			`"description":"Velika rupa na putu kod pijace, opasno za bicikliste","name":"[TELEFON]","phone":"[TELEFON]","photo":"x"}`}))
	e := modelEngine(t, b, srv, 10*time.Second)
	turn := func(user, text string) (*assistant.Reply, []assistant.Event) {
		var events []assistant.Event
		r, err := e.AnswerTurn(context.Background(), assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb, UserID: user, Text: text},
			"", func(ev assistant.Event) { events = append(events, ev) })
		if err != nil {
			t.Fatal(err)
		}
		return r, events
	}

	r, _ := turn("tools-q", "Do kada se plaća porez na imovinu?")
	if r.Status != assistant.StatusAnswered || r.Route != assistant.RouteInfo || len(r.Citations) != 1 {
		t.Fatalf("question: status %s route %s: %q", r.Status, r.Route, r.Text)
	}
	if reqs := srv.Requests(); len(reqs[0].Tools) != 2 || !strings.Contains(reqs[0].Messages[2].Content, "nepoznato") {
		t.Errorf("tools %d, hint message %q", len(reqs[0].Tools), reqs[0].Messages[2].Content)
	}

	r, events := turn("tools-off", "Koliko košta avionska karta do Beča?")
	if r.Status != assistant.StatusNoSource {
		t.Fatalf("off-topic: status %s: %q", r.Status, r.Text)
	}
	for _, s := range eventTexts(events) {
		if strings.Contains(s, "aerodrom") {
			t.Errorf("the model's text for an unanswered question was shown: %q", s)
		}
	}

	r, _ = turn("tools-pii", "Rupa na putu kod pijace, opasno za bicikliste, zovite me na 064 123 4567")
	if r.Form != "communal_report" {
		t.Fatalf("report: route %s form %q: %q", r.Route, r.Form, r.Text)
	}
	draft, err := b.cfg.Forms.Active(context.Background(), r.ConversationID)
	if err != nil || draft == nil {
		t.Fatalf("no draft: %v", err)
	}
	if draft.Value("category") != "roads" || draft.Value("phone") != "" || strings.Contains(sr.Fold(r.Text), "nepoznato polje") {
		t.Errorf("draft category %q phone %q; reply %q", draft.Value("category"), draft.Value("phone"), r.Text)
	}
	// The messages, not the body: the phone field's schema has an example.
	if last := srv.Requests()[2].Messages; !strings.HasSuffix(last[len(last)-1].Content, "zovite me na [TELEFON]") {
		t.Errorf("the phone number was not masked for the model: %+v", last)
	}
	for _, m := range srv.Requests()[2].Messages {
		if strings.Contains(m.Content, "4567") {
			t.Errorf("the phone number reached the model: %q", m.Content)
		}
	}
}
