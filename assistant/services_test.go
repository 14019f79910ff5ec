package assistant_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/llm/testserver"
	"github.com/miasrbija/mia/postgres/casestore"
	sr "github.com/miasrbija/mia/serbian"
)

// withForms adds citizen services to the bundle's engine configuration.
// servicesEngine is the engine over the demo corpus with the citizen
// services wired.
func servicesEngine(t *testing.T) (*bundle, *assistant.Engine) {
	t.Helper()
	b := setup(t)
	withForms(t, b)
	return b, b.engine(t)
}

func withForms(t *testing.T, b *bundle) *forms.Service {
	t.Helper()
	crypt, err := forms.NewCrypter("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := forms.NewService(forms.Config{Store: casestore.New(b.db), Municipalities: b.cfg.Municipalities, Crypter: crypt})
	if err != nil {
		t.Fatal(err)
	}
	b.cfg.Forms = svc
	return svc
}

// turn is one scripted citizen message.
type turn struct {
	text, payload string
	loc           *assistant.Location
	att           []assistant.Attachment
	wantIn        string // folded substring of the reply
}

func converse(t *testing.T, e *assistant.Engine, user string, script []turn) *assistant.Reply {
	t.Helper()
	var r *assistant.Reply
	for i, tu := range script {
		var err error
		r, err = e.Handle(context.Background(), assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb, UserID: user,
			Text: tu.text, Payload: tu.payload, Location: tu.loc, Attachments: tu.att}, nil)
		if err != nil {
			t.Fatalf("turn %d: %v", i, err)
		}
		if !strings.Contains(sr.Fold(r.Text), tu.wantIn) {
			t.Fatalf("turn %d (%q %q): reply lacks %q:\n%s", i, tu.text, tu.payload, tu.wantIn, r.Text)
		}
	}
	return r
}

func photo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fileCommunalReport files a communal report offline as user and returns
// the filing reply.
func fileCommunalReport(t *testing.T, e *assistant.Engine, user string) *assistant.Reply {
	t.Helper()
	r := converse(t, e, user, []turn{
		{text: "Hoću da prijavim problem sa smećem", wantIn: ""},
		{payload: "form:set:category=waste", wantIn: ""},
		{text: "ne", wantIn: ""},
		{text: "Kontejner u Ulici kralja Petra nije ispražnjen dve nedelje", wantIn: ""},
		{loc: &assistant.Location{Lat: 45.7733, Lon: 19.1151}, wantIn: ""},
		{payload: "form:skip", wantIn: ""},
		{payload: "form:set:contact_consent=no", wantIn: ""},
		{payload: "form:confirm", wantIn: "so-kp-"},
	})
	if !strings.HasPrefix(r.CaseRef, "SO-KP-") {
		t.Fatalf("no case reference: %+v", r)
	}
	return r
}

// TestConfirmAfterFiling: a confirmation that arrives after the case was
// filed (a stale button, a typed "potvrdi" or "da" sent again) says the
// case was already filed with its reference and files nothing; one with
// nothing filed is no error.
func TestConfirmAfterFiling(t *testing.T) {
	b := setup(t)
	svc := withForms(t, b)
	e := b.engine(t)
	ctx := context.Background()
	filed := fileCommunalReport(t, e, "citizen-stale")
	ref := strings.ToLower(filed.CaseRef)
	for _, tu := range []turn{
		{payload: "form:confirm", wantIn: ref},
		{text: "potvrdi", wantIn: ref},
		{text: "Da.", wantIn: ref},
		{payload: "form:confirm", wantIn: "vec poslat"},
	} {
		r := converse(t, e, "citizen-stale", []turn{tu})
		if r.Status != assistant.StatusAnswered || r.Route != assistant.RouteForm || !strings.Contains(sr.Fold(r.Text), "vec poslat") {
			t.Fatalf("%q %q: %s/%s\n%s", tu.text, tu.payload, r.Route, r.Status, r.Text)
		}
		if r.CaseRef != "" {
			t.Errorf("a stale confirmation claims to have filed %s", r.CaseRef)
		}
	}
	var cases int
	b.db.QueryRow(ctx, `SELECT count(*) FROM cases`).Scan(&cases)
	last, err := svc.LastFiled(ctx, filed.ConversationID)
	if err != nil || cases != 1 || last.Ref != filed.CaseRef {
		t.Fatalf("%d cases after stale confirmations, last %v (%v)", cases, last, err)
	}
	// In Cyrillic too.
	cyr := converse(t, e, "citizen-stale", []turn{{text: "потврђујем", wantIn: ref}})
	if sr.DetectScript(stripLinks(cyr.Text)) != sr.Cyrillic {
		t.Errorf("not in Cyrillic:\n%s", cyr.Text)
	}
	// "Da" that answers something else is not a confirmation.
	converse(t, e, "citizen-stale", []turn{{text: "hvala", wantIn: "nema na cemu"}})
	if r := converse(t, e, "citizen-stale", []turn{{text: "da", wantIn: ""}}); strings.Contains(sr.Fold(r.Text), "vec poslat") {
		t.Errorf("a plain yes was taken for a confirmation:\n%s", r.Text)
	}
	// Nothing filed, or a button of an ended form: no error, no case.
	for _, payload := range []string{"form:confirm", "form:cancel", "form:set:category=waste"} {
		r := converse(t, e, "citizen-none", []turn{{payload: payload, wantIn: "nije otvoren"}})
		if r.Status != assistant.StatusAnswered || len(r.QuickReplies) == 0 {
			t.Fatalf("%s with nothing open: %s\n%s", payload, r.Status, r.Text)
		}
	}
}

func TestCommunalReportOffline(t *testing.T) {
	b, e := servicesEngine(t)
	r := converse(t, e, "citizen-kp", []turn{
		{text: "Hoću da prijavim problem sa smećem", wantIn: ""},
		{payload: "form:set:category=waste", wantIn: ""},
		{text: "ne", wantIn: ""},
		{text: "Kontejner u Ulici kralja Petra nije ispražnjen dve nedelje", wantIn: ""},
		{loc: &assistant.Location{Lat: 44.8125, Lon: 20.4612}, wantIn: "van teritorije"}, // Belgrade: refused, the form waits
		{loc: &assistant.Location{Lat: 45.7733, Lon: 19.1151}, wantIn: ""},
		{att: []assistant.Attachment{{Name: "kontejner.jpg", MIME: "image/jpeg", Data: photo(t)}}, wantIn: ""},
		{payload: "form:set:contact_consent=no", wantIn: ""},
		{payload: "form:confirm", wantIn: "so-kp-"},
	})
	if r.CaseRef == "" || !strings.HasPrefix(r.CaseRef, "SO-KP-") {
		t.Fatalf("no case reference: %+v", r)
	}
	// A double click on "confirm" answers with the same case.
	again := converse(t, e, "citizen-kp", []turn{{payload: "form:confirm", wantIn: strings.ToLower(r.CaseRef)}})
	if !strings.Contains(sr.Fold(again.Text), "vec poslat") {
		t.Errorf("a double click is not told the case was already filed:\n%s", again.Text)
	}
	var cases int
	b.db.QueryRow(context.Background(), `SELECT count(*) FROM cases`).Scan(&cases)
	if cases != 1 || again.Status != assistant.StatusAnswered {
		t.Fatalf("%d cases after a double confirmation", cases)
	}
	// The filer may ask for its status; another citizen may not learn it exists.
	mine := converse(t, e, "citizen-kp", []turn{{text: "Šta je sa mojom prijavom " + r.CaseRef + "?", wantIn: "primljen"}})
	if mine.Route != assistant.RouteStatus {
		t.Errorf("status route = %s", mine.Route)
	}
	converse(t, e, "someone-else", []turn{{text: "status prijave " + r.CaseRef, wantIn: "ne pronalazim"}})
	// Without the number: the filer is shown their own case; another
	// citizen is asked for the number and told where else to ask.
	converse(t, e, "citizen-kp", []turn{{text: "Šta je bilo sa mojom prijavom za kontejner?", wantIn: sr.Fold(r.CaseRef + " je primljen")}})
	other := converse(t, e, "someone-else", []turn{{text: "Šta je bilo sa mojom prijavom za kontejner?", wantIn: "broj prijave"}})
	if strings.Contains(other.Text, r.CaseRef) {
		t.Errorf("another citizen was shown the case:\n%s", other.Text)
	}
}

func TestRegistryExtractOfflineCyrillic(t *testing.T) {
	b, e := servicesEngine(t)
	r := converse(t, e, "citizen-iz", []turn{
		{text: "Треба ми извод из матичне књиге рођених", wantIn: ""},
		{text: "Извод из МК рођених", wantIn: ""},
		{text: "домаћи", wantIn: ""},
		{text: "Јована Јовановић", wantIn: ""},
		{text: "0101900350009", wantIn: "jmbg"}, // checksum wrong: asked again
		{text: "0101900350008", wantIn: "za koga"},
		{payload: "form:set:relation=self", wantIn: ""},
		{payload: "form:set:purpose=school", wantIn: ""},
		{payload: "form:set:delivery=counter", wantIn: ""},
		{text: "jovana@primer.rs", wantIn: ""},
		{payload: "form:confirm", wantIn: "so-iz-"},
	})
	if sr.DetectScript(stripLinks(r.Text)) != sr.Cyrillic {
		t.Errorf("the confirmation is not in Cyrillic:\n%s", r.Text)
	}
	var clear int
	b.db.QueryRow(context.Background(), `SELECT count(*) FROM messages WHERE content LIKE '%0101900350008%'`).Scan(&clear)
	if clear != 0 {
		t.Fatal("the JMBG was stored in clear in the conversation")
	}
}

// TestFormFromModelToolCall: with a model, the first message fills
// several fields through a tool call split over chunks (with and without
// index), and the conversation goes on to a filed case.
func TestFormFromModelToolCall(t *testing.T) {
	for _, style := range []testserver.Style{testserver.StyleNoIndex, testserver.StyleOpenAI, testserver.StyleVLLM} {
		b := setup(t)
		withForms(t, b)
		srv := testserver.New(t, testserver.ToolCalls(testserver.ToolCall{
			ID: "call_1", Name: "communal_report",
			Arguments: `{"category":"public_lighting","village":"no","description":"Ne radi ulična svetiljka ispred zgrade u Ulici Vladimira Nazora 5"}`,
		}).WithStyle(style))
		e := modelEngine(t, b, srv, 10*time.Second)
		r := converse(t, e, "citizen-model", []turn{{text: "Hoću da prijavim da ne radi ulična svetiljka ispred zgrade u Ulici Vladimira Nazora 5", wantIn: ""}})
		if r.Route != assistant.RouteFormStart || r.Form != "communal_report" {
			t.Fatalf("style %v: route %s form %s", style, r.Route, r.Form)
		}
		draft, err := b.cfg.Forms.Active(context.Background(), r.ConversationID)
		if err != nil || draft == nil {
			t.Fatalf("no draft: %v", err)
		}
		// The offline reading of the same message gave the address, so the
		// form goes on to the photo.
		if draft.Current != "attachments" || draft.Value("category") != "public_lighting" || !strings.Contains(draft.Value("location"), "Nazora 5") {
			t.Fatalf("style %v: the model's values were not applied: asking %q, category %q\n%s", style, draft.Current, draft.Value("category"), r.Text)
		}
		req := srv.Requests()[0]
		if len(req.Tools) != 1 || req.Tools[0].Name != "communal_report" {
			t.Errorf("tools offered: %+v", req.Tools)
		}
		done := converse(t, e, "citizen-model", []turn{
			{loc: &assistant.Location{Lat: 45.7733, Lon: 19.1151}, wantIn: ""},
			{payload: "form:skip", wantIn: ""},
			{payload: "form:set:contact_consent=no", wantIn: ""},
			{payload: "form:confirm", wantIn: "so-kp-"},
		})
		if !strings.Contains(sr.Fold(done.Text), "zelenilo") {
			t.Errorf("style %v: a street light is not routed to JKP Zelenilo:\n%s", style, done.Text)
		}
	}
}

// TestQuestionHowToReportOffersTheReport: a question how or where to
// report a problem MIA's report form takes is answered (or declined)
// with that report one tap away, its category chosen; the button starts
// the form past the category question. A question that reports nothing
// gets no such button.
func TestQuestionHowToReportOffersTheReport(t *testing.T) {
	_, e := servicesEngine(t)
	offer := func(r *assistant.Reply) *assistant.QuickReply {
		for i, q := range r.QuickReplies {
			if strings.HasPrefix(q.Payload, "report:") {
				return &r.QuickReplies[i]
			}
		}
		return nil
	}
	// The demo documents say nothing of potholes: the decline offers it.
	r := converse(t, e, "asks-pothole", []turn{{text: "Gde da prijavim rupu na putu?", wantIn: "mozete odmah da prijavite ovde"}})
	b := offer(r)
	if r.Status != assistant.StatusNoSource || b == nil || b.Payload != "report:roads" || !strings.Contains(b.Label, "Putevi") {
		t.Fatalf("decline %s offers %+v", r.Status, b)
	}
	if r.QuickReplies[0].Payload != b.Payload {
		t.Errorf("the offer is not the first button: %+v", r.QuickReplies)
	}
	// Viber sends a button's payload back as text: every button must be
	// told from typed text.
	for _, q := range r.QuickReplies {
		if !assistant.IsPayload(q.Payload) || assistant.IsPayload(q.Label) {
			t.Errorf("button %+v: payload not recognised, or its label taken for one", q)
		}
	}
	// The button: the form starts with the category chosen.
	next := converse(t, e, "asks-pothole", []turn{{payload: b.Payload, wantIn: "putevi i trotoari"}})
	if next.Route != assistant.RouteFormStart || strings.Contains(sr.Fold(next.Text), "koju vrstu problema") {
		t.Errorf("the offered report asks its category again (%s):\n%s", next.Route, next.Text)
	}
	// Answered from the documents, in Cyrillic: the button too, mirrored.
	r = converse(t, e, "asks-dogs", []turn{{text: "Где да пријавим пса луталицу?", wantIn: ""}})
	if b := offer(r); r.Status != assistant.StatusAnswered || b == nil || b.Payload != "report:animals" || !strings.Contains(b.Label, "Пријави") {
		t.Errorf("answer %s offers %+v", r.Status, b)
	}
	// A question that names no report: no offer.
	r = converse(t, e, "asks-fee", []turn{{text: "Koliko košta izvod iz matične knjige rođenih?", wantIn: ""}})
	if b := offer(r); b != nil {
		t.Errorf("a fee question offers %+v", b)
	}
}

// TestLocationAloneStartsReport: a place shared with no form open starts
// a communal report that keeps it (the greeting's menu forgot it).
func TestLocationAloneStartsReport(t *testing.T) {
	b, e := servicesEngine(t)
	r := converse(t, e, "shares-place", []turn{{loc: &assistant.Location{Lat: 45.7733, Lon: 19.1151}, wantIn: "lokacij"}})
	if r.Route != assistant.RouteFormStart || r.Form != assistant.FormCommunalReport {
		t.Fatalf("a shared place: route %s form %q:\n%s", r.Route, r.Form, r.Text)
	}
	var n int
	if err := b.db.QueryRow(context.Background(), `SELECT count(*) FROM form_drafts WHERE channel_user = 'shares-place' AND field_values ? 'location'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d drafts keep the place (%v)", n, err)
	}
}
