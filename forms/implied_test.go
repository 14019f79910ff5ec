package forms_test

import (
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
	d, st := tb.startWith(t, FormCommunalReport, "c1", StartInput{Values: start})
	if st.Field != "attachments" {
		t.Fatalf("asking %q, want attachments", st.Field)
	}
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
	d, st := tb.startWith(t, FormRegistryExtract, "j1", StartInput{Values: map[string]string{
		"register": "births", "form": "domestic", "full_name": "Ana Kovač"}})
	if st.Field != "jmbg" {
		t.Fatalf("asking %q, want jmbg", st.Field)
	}
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "0101990710006", Values: map[string]string{"jmbg": "0101990710006"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Errors) != 1 || st.Field != "jmbg" {
		t.Errorf("errors %v (want one), asking %q", st.Errors, st.Field)
	}
}
