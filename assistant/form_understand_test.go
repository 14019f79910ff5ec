package assistant_test

import (
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	sr "github.com/miasrbija/mia/serbian"
)

// TestFormOptionCorrections: a correction of an option field typed at the
// summary or at a later step changes it and says so; it is neither taken
// for a "no" (the change menu) nor ignored. Dialogues written for this
// test.
func TestFormOptionCorrections(t *testing.T) {
	_, e := servicesEngine(t)
	fixed := sr.Fold("Ispravljeno")

	// At the summary: "ne, lično ću preuzeti" after choosing the post.
	r := converse(t, e, "citizen-delivery", []turn{
		{text: "Treba mi izvod iz matične knjige rođenih za upis u školu", wantIn: ""},
		{payload: "form:set:form=domestic", wantIn: ""},
		{text: "Ana Kovač, JMBG 0305012800024", wantIn: ""},
		{payload: "form:set:relation=self", wantIn: ""},
		{payload: "form:set:delivery=post", wantIn: ""},
		{text: "Njegoševa 5, 25000 Sombor", wantIn: ""},
		{text: "064 111 2233", wantIn: "proverite zahtev"},
		{text: "ne, lično ću preuzeti", wantIn: fixed},
	})
	if f := sr.Fold(r.Text); !strings.Contains(f, "preuzimanje: licno") || strings.Contains(f, "adresa:") {
		t.Errorf("the delivery is not changed to the counter at the summary:\n%s", r.Text)
	}
	// And back: "ipak mi pošaljite poštom" asks for the address again.
	converse(t, e, "citizen-delivery", []turn{{text: "ipak mi pošaljite poštom", wantIn: "na koju adresu"}})

	// At a later step: the variant corrected while the relation is asked.
	r = converse(t, e, "citizen-variant", []turn{
		{text: "Treba mi izvod iz knjige venčanih", wantIn: ""},
		{payload: "form:set:form=domestic", wantIn: ""},
		{text: "Ivana Perić, 1404947100073", wantIn: "za koga"},
		{text: "ipak hoću izvod sa međunarodnog obrasca", wantIn: fixed},
	})
	if f := sr.Fold(r.Text); !strings.Contains(f, sr.Fold("međunarodni")) || !strings.Contains(f, "za koga") {
		t.Errorf("the variant is not corrected, or the relation is no longer asked:\n%s", r.Text)
	}

	// Without a word of correction: another option named where another
	// question is asked changes the answer, said so as a statement, with
	// the answer asked for, or asked for as a request; a question naming
	// one asks something else.
	atContact := func(user string, then ...turn) *assistant.Reply {
		return converse(t, e, user, append([]turn{
			{text: "Treba mi izvod iz knjige rođenih za sebe, domaći obrazac", wantIn: ""},
			{text: "Ana Kovač, JMBG 0305012800024", wantIn: ""},
			{payload: "form:set:purpose=other", wantIn: ""},
			{payload: "form:set:delivery=counter", wantIn: "kontakt"},
		}, then...))
	}
	for user, text := range map[string]string{
		"citizen-plain":   "Izvinite, ne mogu da dođem, pošaljite ga poštom",
		"citizen-request": "a da mi ga pošaljete na kućnu adresu?",
	} {
		atContact(user, turn{text: text, wantIn: fixed}, turn{text: "064 111 2233", wantIn: "na koju adresu"})
	}
	atContact("citizen-with-answer", turn{text: "064 111 2233, i neka stigne poštom", wantIn: "na koju adresu"})
	r = atContact("citizen-asks", turn{text: "a poštom koliko traje dostava?", wantIn: "kontakt"})
	if strings.Contains(sr.Fold(r.Text), fixed) {
		t.Errorf("a question about the post changed the delivery:\n%s", r.Text)
	}

	// At the summary: a request put as a question changes the delivery;
	// an alternative question asks what is possible and changes nothing;
	// the earlier answer named beside another option is what changes.
	atSummary := func(user string, then ...turn) *assistant.Reply {
		return atContact(user, append([]turn{{text: "064 111 2233", wantIn: "proverite zahtev"}}, then...)...)
	}
	atSummary("citizen-summary-request", turn{text: "a može li to preko pošte?", wantIn: "na koju adresu"})
	atSummary("citizen-summary-old-named", turn{text: "zaboravite šalter, neka ga donese poštar", wantIn: "na koju adresu"})
	r = atSummary("citizen-summary-alternative", turn{text: "može li poštom ili samo lično?", wantIn: ""})
	if strings.Contains(sr.Fold(r.Text), fixed) || strings.Contains(sr.Fold(r.Text), "na koju adresu") {
		t.Errorf("an alternative question changed the delivery:\n%s", r.Text)
	}

	// Contact data given at the summary after the consent was refused is
	// that consent: kept, not ignored.
	r = converse(t, e, "citizen-consent", []turn{
		{text: "Rupa na kolovozu u Ulici Filipa Kljajića 30", wantIn: ""},
		{payload: "form:set:village=no", wantIn: ""},
		{payload: "form:skip", wantIn: ""},
		{payload: "form:set:contact_consent=no", wantIn: "proverite prijavu"},
		{text: "ipak me kontaktirajte, Marko Marković 064 123 4567", wantIn: fixed},
	})
	if f := sr.Fold(r.Text); !strings.Contains(f, "marko markovic") || !strings.Contains(f, "proverite prijavu") {
		t.Errorf("the contact given at the summary is not in the report:\n%s", r.Text)
	}

	// A landmark said at a later question places the location better and
	// says so; the photo is still asked for.
	r = converse(t, e, "citizen-landmark", []turn{
		{text: "Dobar dan, u našoj ulici ne gori nijedna sijalica, Stapar, Dožetova", wantIn: "fotografije"},
		{text: "ne znam tačno broj, kod prodavnice", wantIn: sr.Fold("Dopunjeno: lokacija — Stapar, Dožetova, kod prodavnice")},
	})
	if !strings.Contains(sr.Fold(r.Text), "fotografije") {
		t.Errorf("the photo question is no longer asked after the landmark:\n%s", r.Text)
	}

	// An address said after a landmark alone is where the landmark
	// stands: kept with it, said so, and the question asked is asked
	// again, not refused.
	r = converse(t, e, "citizen-landmark-first", []turn{
		{text: "prijavio bih psa lutalicu koji juri decu ispred zgrade", wantIn: "u nekom od sela"},
		{text: "Ulica Apatinski put 22", wantIn: sr.Fold("Dopunjeno: lokacija — Ulica Apatinski put 22, ispred zgrade")},
	})
	if f := sr.Fold(r.Text); strings.Contains(f, sr.Fold("odgovorite sa")) || !strings.Contains(f, "u nekom od sela") {
		t.Errorf("the address is refused as an answer, or the village is no longer asked:\n%s", r.Text)
	}

	// The category at the summary: rerouted, and said so.
	converse(t, e, "citizen-category", []turn{
		{text: "Kontejner kod stadiona je prevrnut, smeće je svuda okolo", wantIn: ""},
		{payload: "form:set:village=no", wantIn: ""},
		{payload: "form:skip", wantIn: ""},
		{payload: "form:set:contact_consent=no", wantIn: "proverite prijavu"},
		{text: "ipak nije otpad, nego divlja deponija, neko je tu istovario šut", wantIn: sr.Fold("komunalne policije")},
	})
}

// TestFormCancelInWords: a cancel typed in a sentence, after a contrast
// and naming what the form is about, cancels; a description asking to
// stop something does not.
func TestFormCancelInWords(t *testing.T) {
	_, e := servicesEngine(t)
	cancelled := sr.Fold("Obrazac je otkazan")
	converse(t, e, "citizen-cancel-1", []turn{
		{text: "Treba mi izvod iz knjige umrlih za baku", wantIn: ""},
		{text: "Ipak ništa, odustajem, sestra će podići izvod umrlih", wantIn: cancelled},
	})
	converse(t, e, "citizen-cancel-2", []turn{
		{text: "Kontejner kod stadiona je prevrnut", wantIn: ""},
		{payload: "form:set:village=no", wantIn: ""},
		{text: "ipak ništa, otkaži prijavu za kontejner, komšija je već zvao", wantIn: cancelled},
	})
	r := converse(t, e, "citizen-cancel-3", []turn{
		{text: "Hoću da prijavim problem sa smećem", wantIn: ""},
		{payload: "form:set:category=waste", wantIn: ""},
		{payload: "form:set:village=no", wantIn: ""},
		{text: "Komšije stalno bacaju smeće u kanal, prekinite to bacanje", wantIn: ""},
	})
	if strings.Contains(sr.Fold(r.Text), cancelled) {
		t.Errorf("a description asking to stop something cancelled the form:\n%s", r.Text)
	}
}

// TestCategoryTypedInWords: the category question answered with a
// description of the problem, naming no option, is read like an opening
// message; a question typed there is answered aside, not taken.
func TestCategoryTypedInWords(t *testing.T) {
	_, e := servicesEngine(t)
	converse(t, e, "citizen-words", []turn{
		{text: "Želim da prijavim komunalni problem", wantIn: sr.Fold("Koju vrstu problema")},
		{text: "posle pijace ostaje sav otpad po ulici", wantIn: sr.Fold("u nekom od sela")},
		{payload: "form:set:village=no", wantIn: ""},
		{text: "Posle pijace ostaje sav otpad po ulici, niko ne čisti.", wantIn: ""},
		{text: "Koste Trifkovića 10", wantIn: ""},
		{payload: "form:skip", wantIn: ""},
		{payload: "form:set:contact_consent=no", wantIn: sr.Fold("Vrsta problema: Čistoća ulica")},
	})
	r := converse(t, e, "citizen-question", []turn{
		{text: "Želim da prijavim komunalni problem", wantIn: ""},
		{text: "Koliko košta odvoz kabastog otpada?", wantIn: sr.Fold("Koju vrstu problema")},
	})
	if strings.Contains(sr.Fold(r.Text), sr.Fold("Razumeo sam: vrsta problema")) {
		t.Errorf("a question at the category step was taken as the category:\n%s", r.Text)
	}
}

// TestFormPlaceNotEmergency: a place typed for the location question is
// its answer even when the classifier alone reads it as an emergency (no
// danger word in it): the form goes on, with no emergency reply.
func TestFormPlaceNotEmergency(t *testing.T) {
	_, e := servicesEngine(t)
	r := converse(t, e, "citizen-place", []turn{
		{payload: "form:communal_report", wantIn: ""},
		{payload: "form:set:category=greenery", wantIn: ""},
		{payload: "form:set:village=yes", wantIn: ""},
		{text: "Neokresano drveće zaklanja saobraćajni znak, od grana se ne vidi.", wantIn: ""},
		{text: "ulaz u Kljajićevo iz pravca Sombora", wantIn: ""},
	})
	if r.Route == assistant.RouteEmergency || strings.Contains(r.Text, "112") {
		t.Errorf("a place read as an emergency: %s %q", r.Route, r.Text)
	}
	if r.Route != assistant.RouteForm {
		t.Errorf("the form does not go on: route %s, %q", r.Route, r.Text)
	}
}
