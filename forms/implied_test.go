package forms_test

import (
	"strings"
	"testing"

	. "github.com/miasrbija/mia/forms"
)

// TestContactImpliesConsent: a name and phone given when the consent to
// be contacted is asked (Viber's shared contact) answer it yes and fill
// both fields. Given elsewhere, or refused, they imply nothing.
func TestContactImpliesConsent(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := map[string]string{"category": "water_sewage", "village": "no",
		"description": "Pukla cev, voda teče po ulici", "location": "Petra Drapšina 7"}
	d := tb.startAt(t, FormCommunalReport, "c1", start, "attachments")
	if st, err := tb.svc.Step(tb.ctx, d, Input{Payload: PayloadSkip}); err != nil || st.Field != "contact_consent" {
		t.Fatalf("after skip: %v, asking %q", err, st.Field)
	}
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "Vesna Radić +381641234567",
		Values: map[string]string{"name": "Vesna Radić", "phone": "+381641234567"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Field != "" || len(st.Errors) != 0 {
		t.Fatalf("a shared contact at the consent question: asking %q, errors %v:\n%s", st.Field, st.Errors, st.Prompt)
	}
	wantIn(t, st.Prompt, "ime i prezime — Vesna Radić", "• Ime i prezime: Vesna Radić", "• Telefon: +381641234567")

	// A phone given elsewhere (inside the opening message) consents to
	// nothing: the question is still asked.
	withPhone := map[string]string{"phone": "0641234567"}
	for k, v := range start {
		withPhone[k] = v
	}
	d, _ = tb.startWith(t, FormCommunalReport, "c3", StartInput{Values: withPhone})
	if st, err := tb.svc.Step(tb.ctx, d, Input{Payload: PayloadSkip}); err != nil || st.Field != "contact_consent" {
		t.Fatalf("a phone in the opening message: %v, asking %q, want contact_consent", err, st.Field)
	}

	// A phone that is no phone implies no consent: the question stays.
	d, _ = tb.startWith(t, FormCommunalReport, "c2", StartInput{Values: start})
	if _, err := tb.svc.Step(tb.ctx, d, Input{Payload: PayloadSkip}); err != nil {
		t.Fatal(err)
	}
	st, err = tb.svc.Step(tb.ctx, d, Input{Values: map[string]string{"phone": "12"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Field != "contact_consent" {
		t.Errorf("an invalid phone answered the consent: asking %q", st.Field)
	}
}

// TestRefusedValueExplainedOnce: a JMBG typed at its question and read
// both as a value and as the answer is refused once, not twice.
func TestRefusedValueExplainedOnce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d := tb.startAt(t, FormRegistryExtract, "j1", map[string]string{
		"register": "births", "form": "domestic", "full_name": "Ana Kovač"}, "jmbg")
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "0101990710006", Values: map[string]string{"jmbg": "0101990710006"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Errors) != 1 || st.Field != "jmbg" {
		t.Errorf("errors %v (want one), asking %q", st.Errors, st.Field)
	}
}

// TestVolunteeredContactConsents: a message that is only contact data,
// typed while another question is asked, consents to be contacted and is
// kept; the question asked is asked again. Contact data inside a longer
// message still consents to nothing.
func TestVolunteeredContactConsents(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := map[string]string{"category": "animals", "description": "Pas lutalica juri decu ispred zgrade", "location": "Apatinski put 22"}
	d := tb.startAt(t, FormCommunalReport, "v1", start, "village")
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "064 555 1234", Values: map[string]string{"phone": "0645551234"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Field != "village" || len(st.Errors) != 0 {
		t.Fatalf("a phone alone at the village question: asking %q, errors %v", st.Field, st.Errors)
	}
	wantIn(t, st.Prompt, "saglasnost za kontakt — da", "telefon — +381645551234")
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "ne"}); err != nil || st.Field != "attachments" {
		t.Fatalf("after the village: %v, asking %q", err, st.Field)
	}
	if st, err = tb.svc.Step(tb.ctx, d, Input{Payload: PayloadSkip}); err != nil || st.Field != "name" {
		t.Fatalf("after the photo: %v, asking %q, want name (consent and phone given)", err, st.Field)
	}

	// The same phone inside a sentence of another kind consents to nothing.
	d = tb.startAt(t, FormCommunalReport, "v2", start, "village")
	st = tb.step(t, d, Input{Text: "komšija ima broj 064 555 1234", Values: map[string]string{"phone": "0645551234"}}, "village")
	if strings.Contains(st.Prompt, "saglasnost za kontakt — da") {
		t.Errorf("a phone inside a sentence gave consent:\n%s", st.Prompt)
	}
}

// TestContactValueTakenWhereItApplies: an e-mail typed while the extract
// is to be collected in person (no e-mail delivery) is the request's
// contact, not a value kept for a step that never comes.
func TestContactValueTakenWhereItApplies(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d := tb.startAt(t, FormRegistryExtract, "c1", map[string]string{
		"register": "citizenship", "full_name": "Nikola Nikolić", "jmbg": "1505985805014", "purpose": "employment", "delivery": "counter"}, "relation")
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "nikola@example.com", Values: map[string]string{"email": "nikola@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Field != "relation" || len(st.Errors) != 0 {
		t.Fatalf("an e-mail at the relation question: asking %q, errors %v", st.Field, st.Errors)
	}
	wantIn(t, st.Prompt, "kontakt — nikola@example.com")
	if st, err = tb.svc.Step(tb.ctx, d, Input{Payload: PayloadSet + "relation=self"}); err != nil || st.Field != "" {
		t.Fatalf("after the relation: %v, asking %q (want the summary: the contact is given)", err, st.Field)
	}
}
