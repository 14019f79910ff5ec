package forms_test

import (
	"cmp"
	"errors"
	"strings"
	"testing"
	"time"

	. "github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/forms/mediatest"
)

// startWith starts a form with what an opening message carried.
// startWith starts form on Viber for user with in's values, in in's
// municipality (Sombor when empty).
func (tb *testBundle) startWith(t *testing.T, form, user string, in StartInput) (*Draft, *Step) {
	t.Helper()
	in.Municipality = cmp.Or(in.Municipality, "sombor")
	in.ConversationID = tb.conversationIn(t, in.Municipality, "viber", user)
	in.Channel, in.ChannelUser, in.Form = "viber", user, form
	st, err := tb.svc.Start(tb.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	d, err := tb.svc.Active(tb.ctx, in.ConversationID)
	if err != nil || d == nil {
		t.Fatalf("Active after Start: %v, %v", d, err)
	}
	return d, st
}

// startAt starts form for user with values and checks it asks want
// first; it returns the draft.
func (tb *testBundle) startAt(t *testing.T, form, user string, values map[string]string, want string) *Draft {
	t.Helper()
	d, st := tb.startWith(t, form, user, StartInput{Values: values})
	if st.Field != want {
		t.Fatalf("%s started for %s: asking %q, want %q", form, user, st.Field, want)
	}
	return d
}

func wantIn(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("missing %q in:\n%s", p, text)
		}
	}
}

func TestStartPrefilled(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	// Everything the opening message carried: only the rest is asked.
	_, st := tb.startWith(t, FormCommunalReport, "p1", StartInput{Values: map[string]string{
		"category":    "public_lighting",
		"description": "Ne radi ulično svetlo, potpuni mrak već tri dana",
		"location":    "Venac Petra Bojovića 12",
	}})
	if st.Field != "village" || len(st.Errors) != 0 {
		t.Fatalf("asking %q, errors %v; prompt:\n%s", st.Field, st.Errors, st.Prompt)
	}
	wantIn(t, st.Prompt, "Razumeo sam: vrsta problema — Javna rasveta; opis — Ne radi ulično svetlo", "lokacija — Venac Petra Bojovića 12.",
		"Da li je problem u nekom od sela")
	if i, j := strings.Index(st.Prompt, "Razumeo sam"), strings.Index(st.Prompt, "Da li je problem"); i < 0 || i > j {
		t.Error("what was understood must come before the question")
	}

	// A village named in the location answers the village question; a
	// photo sent along is kept and acknowledged.
	_, st = tb.startWith(t, FormCommunalReport, "p2", StartInput{
		Values:      map[string]string{"category": "illegal_dumping", "description": "Дивља депонија, гомила шута и гума", "location": "поред канала у Бездану"},
		Attachments: []Attachment{{Name: "deponija.jpg", Data: jpegWithEXIF(t)}},
	})
	if st.Field != "contact_consent" {
		t.Fatalf("asking %q; prompt:\n%s", st.Field, st.Prompt)
	}
	wantIn(t, st.Prompt, "Primio sam fotografiju.", "u selu (mesnoj zajednici van grada) — da", "lokacija — поред канала у Бездану")

	// A JMBG the citizen clearly gave is explained at once; a value that
	// merely failed to parse (a guess) is dropped and asked in turn.
	_, st = tb.startWith(t, FormRegistryExtract, "p3", StartInput{Values: map[string]string{
		"register": "births", "full_name": "Petar Petrović", "jmbg": "1503985811233", "purpose": "nešto sasvim treće",
	}})
	if st.Field != "form" {
		t.Fatalf("asking %q; prompt:\n%s", st.Field, st.Prompt)
	}
	wantError(t, st, "jmbg", "kontrolna cifra")
	if len(st.Errors) != 1 {
		t.Errorf("errors %v: the purpose guess must be dropped quietly", st.Errors)
	}
	wantIn(t, st.Prompt, "dokument — Izvod iz MK rođenih", "ime i prezime lica — Petar Petrović")
	if strings.Contains(st.Record, "Petar Petrović") || !strings.Contains(st.Record, "P. P.") {
		t.Errorf("the record must mask the name: %s", st.Record)
	}

	// A shared point outside the city, sent with the first message, is
	// explained; nothing else was given.
	_, st = tb.startWith(t, FormCommunalReport, "p4", StartInput{Location: &Location{Lat: 45.2671, Lon: 19.8335}})
	wantError(t, st, "location", "van teritorije")
	if st.Field != "category" {
		t.Errorf("asking %q", st.Field)
	}
}

func TestValuesAndTextTogether(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.start(t, FormCommunalReport, "viber", "vt1")
	tb.step(t, d, Input{Payload: "form:set:category=public_lighting"}, "village")
	tb.step(t, d, Input{Text: "ne"}, "description")
	// The message describes the problem and names the place: the values
	// fill the location, the text answers the description.
	text := "Ne radi svetlo kod broja 12 u Ulici Venac Petra Bojovića, mrak je"
	st := tb.step(t, d, Input{Text: text, Values: map[string]string{"location": "Venac Petra Bojovića 12"}}, "attachments")
	wantIn(t, st.Prompt, "Razumeo sam: lokacija — Venac Petra Bojovića 12.")
	// Values that answered the field asked leave the text alone.
	tb.step(t, d, Input{Text: "nemam sliku"}, "contact_consent")
	st = tb.step(t, d, Input{Text: "Ne želim", Values: map[string]string{"contact_consent": "no"}}, "")
	if len(st.Errors) != 0 || !strings.Contains(st.Summary, "Opis: "+text) {
		t.Fatalf("summary %+v", st)
	}

	// A correction at the summary: the category changes, the body with
	// it, nothing else is lost.
	st = tb.step(t, d, Input{Text: "ipak nije rasveta nego kontejner", Values: map[string]string{"category": "waste"}}, "")
	wantIn(t, st.Prompt, "Ispravljeno: vrsta problema — Otpad i kontejneri.", "Prijavu sada prosleđujemo: JKP „Čistoća”", "Lokacija: Venac Petra Bojovića 12")
	// Words at the summary are never ignored silently.
	st = tb.step(t, d, Input{Text: "hmm, sačekaj malo"}, "")
	wantIn(t, st.Prompt, "Prijava još nije poslata", "Proverite prijavu")
	if !hasButton(st, PayloadConfirm) || !hasButton(st, PayloadChange) || !hasButton(st, PayloadCancel) {
		t.Errorf("summary buttons: %+v", st.Buttons)
	}
	st = tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	if st.Case == nil || st.Case.BodyKey != "jkp-cistoca" || st.Case.Fields["category"] != "waste" || st.Case.Fields["description"] != text {
		t.Fatalf("filed: %+v", st.Case)
	}
}

func TestCorrectionMidForm(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.startWith(t, FormCommunalReport, "cm1", StartInput{Values: map[string]string{"category": "roads", "village": "no"}})
	// Moving the place to a village changes the body (JKP Prostor takes
	// the villages' roads? only if configured): the step says so when it
	// changes.
	before, _ := tb.reg.Default().BodyFor("roads", false)
	after, _ := tb.reg.Default().BodyFor("roads", true)
	st := tb.step(t, d, Input{Text: "Udarna rupa na kolovozu, opasno za bicikliste", Values: map[string]string{"location": "kod škole u Staparu"}}, "attachments")
	wantIn(t, st.Prompt, "Ispravljeno: u selu (mesnoj zajednici van grada) — da", "lokacija — kod škole u Staparu")
	if before.Key != after.Key {
		wantIn(t, st.Prompt, "Prijavu sada prosleđujemo: "+after.Name)
	} else if strings.Contains(st.Prompt, "prosleđujemo") {
		t.Errorf("the body did not change, yet: %s", st.Prompt)
	}
}

func TestMeaningInTheFlow(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.startWith(t, FormCommunalReport, "m1", StartInput{Values: map[string]string{"category": "waste", "village": "no"}})
	st := tb.step(t, d, Input{Text: "Koliko se plaća odvoz kabastog otpada?"}, "description")
	wantError(t, st, "description", "pitanje")
	st = tb.step(t, d, Input{Text: "Хвала, поздрав"}, "description")
	wantError(t, st, "description", "pozdrav")
	tb.step(t, d, Input{Text: "Kontejner u dvorištu zgrade se ne prazni već dve nedelje"}, "location")
	st = tb.step(t, d, Input{Text: "Koje je radno vreme komunalnog preduzeća?"}, "location")
	wantError(t, st, "location", "pitanje")
	tb.step(t, d, Input{Text: "ugao Čitaoničke i Zmaj Jovine"}, "attachments")
	// Photos and videos are acknowledged; a refused file is explained.
	st, err := tb.svc.Step(tb.ctx, d, Input{Attachments: []Attachment{{Name: "b.txt", Data: []byte("tekst")}}})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, st, "attachments", "nije fotografija")
	if strings.Contains(st.Prompt, "Primio") || st.Field != "attachments" {
		t.Errorf("nothing was received: %s", st.Prompt)
	}
	video := mediatest.Video(mediatest.VideoOpts{})
	st = tb.step(t, d, Input{Attachments: []Attachment{{Name: "a.jpg", Data: jpegWithEXIF(t)}, {Name: "b.mp4", Data: video}}}, "contact_consent")
	if !strings.HasPrefix(st.Prompt, "Primljeno priloga: 2.\n") {
		t.Errorf("two attachments: %s", st.Prompt)
	}
	// One more photo, sent while another question is open.
	st = tb.step(t, d, Input{Attachments: []Attachment{{Name: "c.jpg", Data: jpegWithEXIF(t)}}}, "contact_consent")
	if !strings.HasPrefix(st.Prompt, "Primio sam fotografiju.\n") {
		t.Errorf("one photo: %s", st.Prompt)
	}
	tb.step(t, d, Input{Text: "da, može"}, "name")
	// Viber's share-phone button: the number inside "Name +381…", at the
	// phone question (the name came as a value) or at the name question.
	tb.step(t, d, Input{Values: map[string]string{"name": "Petar Petrović"}, Text: "Petar Petrović"}, "phone")
	st = tb.step(t, d, Input{Text: "Petar Petrović +381641234567"}, "")
	if !strings.Contains(st.Summary, "Telefon: +381641234567") {
		t.Errorf("summary: %s", st.Summary)
	}
	tb.step(t, d, Input{Payload: "form:change:contact_consent"}, "contact_consent")
	tb.step(t, d, Input{Text: "ne"}, "")
	tb.step(t, d, Input{Payload: "form:set:contact_consent=yes"}, "name")
	st = tb.step(t, d, Input{Text: "Марија Марић +381 65 111 2233"}, "")
	wantIn(t, st.Summary, "Ime i prezime: Марија Марић", "Telefon: +381651112233")
}

func TestRegistryCorrectionsAndDelivery(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.startWith(t, FormRegistryExtract, "r1", StartInput{Values: map[string]string{"register": "births", "form": "domestic"}})
	tb.step(t, d, Input{Text: "Petar Petrović, JMBG " + tb.jmbg, Values: map[string]string{"full_name": "Petar Petrović", "jmbg": tb.jmbg}}, "relation")
	// A photo sent to a form that takes none is not kept silently.
	st := tb.step(t, d, Input{Attachments: []Attachment{{Name: "licna.jpg", Data: jpegWithEXIF(t)}}}, "relation")
	wantIn(t, st.Prompt, "ne prima fotografije")
	if n := tb.count(t, `SELECT count(*) FROM attachment_blobs`); n != 0 {
		t.Errorf("%d blobs kept", n)
	}
	tb.step(t, d, Input{Text: "za sebe"}, "purpose")
	tb.step(t, d, Input{Text: "za upis u školu"}, "delivery")
	tb.step(t, d, Input{Text: "поштом"}, "post_address")
	st = tb.step(t, d, Input{Text: "Koliko košta dostava?"}, "post_address")
	wantError(t, st, "post_address", "pitanje")
	tb.step(t, d, Input{Text: "Njegoševa 14, 25000 Sombor"}, "contact")
	st = tb.step(t, d, Input{Text: "moj mejl je petar@primer.rs"}, "")
	// Delivery corrected at the summary: the address no longer applies.
	st = tb.step(t, d, Input{Values: map[string]string{"delivery": "counter"}}, "")
	wantIn(t, st.Prompt, "Ispravljeno: preuzimanje — Lično, na šalteru.")
	if strings.Contains(st.Summary, "Njegoševa") {
		t.Errorf("the postal address is still shown: %s", st.Summary)
	}
	tb.assertNoClearJMBG(t, tb.jmbg)
}

func TestDraftExpiry(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.startWith(t, FormRegistryExtract, "e1", StartInput{Values: map[string]string{"register": "deaths", "full_name": "Ana Anić", "jmbg": tb.jmbg}})
	if tb.svc.DraftTTL() != DefaultDraftTTL || DefaultDraftTTL != 24*time.Hour {
		t.Fatalf("TTL %v", tb.svc.DraftTTL())
	}
	// Still there just before the TTL: the idle time counts from the
	// last answer.
	*tb.now = testNow.Add(23 * time.Hour)
	if a, err := tb.svc.Active(tb.ctx, d.ConversationID); err != nil || a == nil {
		t.Fatalf("before the TTL: %v %v", a, err)
	}
	tb.step(t, d, Input{Text: "domaći"}, "relation")
	*tb.now = testNow.Add(23*time.Hour + 25*time.Hour)
	// Coming back: told once, then no form; the data is gone.
	if a, err := tb.svc.Active(tb.ctx, d.ConversationID); !errors.Is(err, ErrDraftExpired) || a != nil {
		t.Fatalf("after the TTL: %v %v", a, err)
	}
	if a, err := tb.svc.Active(tb.ctx, d.ConversationID); err != nil || a != nil {
		t.Fatalf("told twice: %v %v", a, err)
	}
	if n := tb.count(t, `SELECT count(*) FROM form_drafts WHERE id = $1`, d.ID); n != 0 {
		t.Error("the expired draft is kept")
	}
	// A new form starts afresh.
	st, err := tb.svc.Start(tb.ctx, StartInput{ConversationID: d.ConversationID, Municipality: "sombor", Channel: "viber", ChannelUser: "e1", Form: FormCommunalReport})
	if err != nil || st.Field != "category" || strings.Contains(st.Prompt, "Nastavljamo") {
		t.Fatalf("start after expiry: %+v %v", st, err)
	}
	// A TTL is configurable; a negative one is refused.
	if _, err := NewService(Config{Store: tb.store, Municipalities: tb.reg, Crypter: tb.crypt, DraftTTL: -time.Hour}); err == nil {
		t.Error("negative TTL accepted")
	}
}
