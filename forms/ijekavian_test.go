package forms_test

import (
	"strings"
	"testing"

	. "github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

// A Laktaši citizen fills a report: every question, label, option, echo,
// refusal, summary, next step and notification is ijekavian, while the
// citizen's own ekavian words come back as written.
func TestLaktasiFormSpeaksIjekavian(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	own := "Ne radi svetlo kod mesne zajednice, uvek je mrak posle osam"
	d, st := tb.startWith(t, FormCommunalReport, "lk", StartInput{Municipality: "laktasi",
		Values: map[string]string{"category": "public_lighting", "description": own}})
	labels := func(st *Step) string {
		var ls []string
		for _, b := range st.Buttons {
			ls = append(ls, b.Label)
		}
		return strings.Join(ls, "|")
	}
	for _, want := range []string{"Razumio sam: vrsta problema — Javna rasvjeta; opis — " + own + ".",
		"Da li je problem u nekom od sela (mjesne zajednice van samog grada)?"} {
		if !strings.Contains(st.Prompt, want) {
			t.Errorf("prompt lacks %q:\n%s", want, st.Prompt)
		}
	}
	if l := labels(st); l != "Da|Ne|Otkaži" {
		t.Errorf("yes/no buttons: %s", l)
	}
	st = tb.step(t, d, Input{Text: "ne"}, "location")
	if !strings.Contains(st.Prompt, "Gdje se problem nalazi? Podijelite lokaciju ili upišite adresu (ulica i broj, mjesto).") {
		t.Errorf("location question:\n%s", st.Prompt)
	}
	st = tb.step(t, d, Input{Location: &Location{Lat: 45.2671, Lon: 19.8335}}, "location")
	wantError(t, st, "location", "Podijelite lokaciju na mjestu problema")
	st = tb.step(t, d, Input{Location: &Location{Lat: 44.9086, Lon: 17.3011}}, "attachments")
	st = tb.step(t, d, Input{Payload: PayloadSkip}, "contact_consent")
	st = tb.step(t, d, Input{Payload: "form:set:contact_consent=no"}, "")
	for _, want := range []string{"Provjerite prijavu:", "• Vrsta problema: Javna rasvjeta", "• Opis: " + own, "• Prilozi: nema"} {
		if !strings.Contains(st.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, st.Summary)
		}
	}
	if l := labels(st); l != "Potvrdi|Izmijeni|Otkaži" {
		t.Errorf("summary buttons: %s", l)
	}
	st = tb.step(t, d, Input{Text: "Izmijeni"}, "") // the button's word, typed
	if !strings.HasPrefix(st.Prompt, "Šta želite da promijenite?") || !strings.Contains(labels(st), "U selu (mjesnoj zajednici van grada)") {
		t.Errorf("change menu: %s %s", st.Prompt, labels(st))
	}
	st = tb.step(t, d, Input{Payload: "form:change:category"}, "category")
	if l := labels(st); !strings.Contains(l, "Javna rasvjeta") || strings.Contains(l, "rasveta") {
		t.Errorf("options: %s", l)
	}
	// A refused change keeps the answer and shows the summary again.
	st = tb.step(t, d, Input{Text: "qqq"}, "")
	wantError(t, st, "category", "Javna rasvjeta")
	st = tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	c := st.Case
	if c == nil || !strings.HasPrefix(c.Ref, "LA-KP-") {
		t.Fatalf("filed: %+v", st)
	}
	if !strings.Contains(st.Prompt, "Kad se status promijeni, javićemo vam se ovdje. Status možete provjeriti i sami") {
		t.Errorf("next steps: %s", st.Prompt)
	}
	if got := StatusText(tb.mun(t, "laktasi"), c); !strings.HasPrefix(got, "Vaša prijava "+c.Ref+" je ") {
		t.Errorf("status: %s", got)
	}
	if _, err := tb.svc.ChangeStatus(tb.ctx, c.ID, StatusForwarded, "staff:1 Ana", "Ekipa dolazi posle podne."); err != nil {
		t.Fatal(err)
	}
	pending, err := tb.svc.PendingNotifications(tb.ctx, "viber", 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending: %v %v", pending, err)
	}
	// The staff's note is theirs: as written.
	if p := pending[0].Text; !strings.Contains(p, "je proslijeđena") || !strings.HasSuffix(p, "Napomena: Ekipa dolazi posle podne.") {
		t.Errorf("notification: %s", p)
	}
}

// Sombor's wording stays ekavian.
func TestSomborFormStaysEkavian(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	conv := tb.conversation(t, "viber", "se")
	st, err := tb.svc.Start(tb.ctx, StartInput{ConversationID: conv, Municipality: "sombor", Channel: "viber", ChannelUser: "se",
		Form: FormCommunalReport, Values: map[string]string{"category": "public_lighting"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.Prompt, "Razumeo sam: vrsta problema — Javna rasveta.") || !strings.Contains(st.Prompt, "(mesne zajednice") {
		t.Errorf("sombor prompt:\n%s", st.Prompt)
	}
}

func (tb *testBundle) mun(t *testing.T, slug string) *municipality.Municipality {
	t.Helper()
	m, err := tb.reg.Get(slug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
