package forms_test

import (
	"strings"
	"testing"

	. "github.com/miasrbija/mia/forms"
)

// TestRefusalAnswersWhatItNames: a refusal naming a step still to come,
// typed while a yes/no question is asked, answers that step (the photo
// skipped, the contact refused) and not the question asked; a "ne" said
// beside it still answers the question. Messages written for this test.
func TestRefusalAnswersWhatItNames(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := map[string]string{"category": "public_lighting",
		"description": "Ne radi ulična rasveta već nedelju dana", "location": "Čitaonička 8"}
	open := func(user string) *Draft { return tb.startAt(t, FormCommunalReport, user, start, "village") }

	// "nemam sliku" at the village question: the photo is skipped, the
	// village is asked again, without an error.
	d := open("r1")
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "nemam sliku"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Field != "village" || len(st.Errors) != 0 {
		t.Fatalf("nemam sliku: asking %q, errors %v", st.Field, st.Errors)
	}
	wantIn(t, st.Prompt, "prilozi — nema")
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "ne"}); err != nil || st.Field != "contact_consent" {
		t.Fatalf("after the village: %v, asking %q, want contact_consent (the photo was refused)", err, st.Field)
	}

	// "ne želim da ostavim kontakt" at the village question is no "no"
	// to the village: the consent is refused, the village still asked.
	d = open("r2")
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "ne želim da ostavim kontakt"}); err != nil {
		t.Fatal(err)
	}
	if st.Field != "village" {
		t.Fatalf("a refused contact answered the village: asking %q", st.Field)
	}
	wantIn(t, st.Prompt, "saglasnost za kontakt — ne")

	// Case forms that stems do not join ("podaci" / "podatke").
	d = open("r6")
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "ne želim ostavljati podatke"}); err != nil || st.Field != "village" {
		t.Fatalf("refused data answered the village: %v, asking %q", err, st.Field)
	}

	// "ne, bez slike": the "ne" answers the village, the rest the photo;
	// the summary follows once the consent is answered.
	d = open("r3")
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "ne, bez slike"}); err != nil || st.Field != "contact_consent" {
		t.Fatalf("ne, bez slike: %v, asking %q, want contact_consent", err, st.Field)
	}
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "ne"}); err != nil || st.Field != "" {
		t.Fatalf("after the consent: %v, asking %q, want the summary", err, st.Field)
	}
	wantIn(t, st.Summary, "• U selu: ne", "• Prilozi: nema")

	// "nemam" to the consent is its "no"; to the village, no answer.
	d = open("r5")
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "nemam"}); err != nil || st.Field != "village" || len(st.Errors) != 1 {
		t.Fatalf("nemam at the village: %v, asking %q, errors %v, want the village again with its error", err, st.Field, st.Errors)
	}
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "ne"}); err != nil || st.Field != "attachments" {
		t.Fatalf("after the village: %v, asking %q", err, st.Field)
	}
	if st, err = tb.svc.Step(tb.ctx, d, Input{Payload: PayloadSkip}); err != nil || st.Field != "contact_consent" {
		t.Fatalf("after the photo: %v, asking %q", err, st.Field)
	}
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "nemam"}); err != nil || st.Field != "" || len(st.Errors) != 0 {
		t.Fatalf("nemam at the consent: %v, asking %q, errors %v, want the summary", err, st.Field, st.Errors)
	}

	// Not knowing is no "no": the village is still asked.
	for i, text := range []string{"ne znam tačno", "nisam sigurna"} {
		d = open("r7-" + string(rune('a'+i)))
		if st, err = tb.svc.Step(tb.ctx, d, Input{Text: text}); err != nil || st.Field != "village" {
			t.Fatalf("%q answered the village: %v, asking %q", text, err, st.Field)
		}
	}

	// An address number does not refuse the contact: "ne znam broj" is
	// about the house, and the village question gets its usual answer.
	st = tb.step(t, open("r4"), Input{Text: "ne znam broj"}, "village")
	if strings.Contains(st.Prompt, "saglasnost") {
		t.Errorf("a house number refused the contact:\n%s", st.Prompt)
	}
}

// TestShortJMBGExplainedAnywhere: a number that can only be a JMBG, typed
// while another question is asked, is explained as a JMBG (its length),
// not refused with that question's choices; a phone number is not.
func TestShortJMBGExplainedAnywhere(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d := tb.startAt(t, FormRegistryExtract, "j1", map[string]string{"register": "marriages", "full_name": "Jelena Marković"}, "form")
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "1505985805"})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Errors) != 1 || st.Errors[0].Field != "jmbg" || !strings.Contains(st.Errors[0].Message, "13") {
		t.Fatalf("a short JMBG at the form question: errors %v, want the JMBG's length explained", st.Errors)
	}
	if st.Field != "form" {
		t.Errorf("asking %q after the short JMBG, want form again", st.Field)
	}
	// A full JMBG with a wrong check digit, read as a value while the
	// form question is asked: explained once, with no complaint about
	// the question asked beside it.
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "izvinite 1505985805013", Values: map[string]string{"jmbg": "1505985805013"}}); err != nil {
		t.Fatal(err)
	}
	if len(st.Errors) != 1 || st.Errors[0].Field != "jmbg" {
		t.Errorf("a wrong JMBG at the form question: errors %v, want the JMBG's alone", st.Errors)
	}
	// A phone number (leading 0) is no JMBG attempt.
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "0631112233"}); err != nil {
		t.Fatal(err)
	}
	for _, e := range st.Errors {
		if e.Field == "jmbg" {
			t.Errorf("a phone number was explained as a JMBG: %v", st.Errors)
		}
	}
}

// TestRefusedStepRevokesItsChoice: refusing the e-mail that electronic
// delivery needs ("nemam mejl"), at its question or while another is
// asked, takes the delivery back and asks it again, instead of refusing
// the words as an e-mail address.
func TestRefusedStepRevokesItsChoice(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := map[string]string{"register": "births", "full_name": "Nikola Nikolić", "jmbg": "1505985805014",
		"relation": "self", "purpose": "personal_documents", "delivery": "electronic"}

	// At the e-mail's own question.
	d := tb.startAt(t, FormRegistryExtract, "e1", map[string]string{
		"register": "births", "form": "domestic", "full_name": "Nikola Nikolić", "jmbg": "1505985805014",
		"relation": "self", "purpose": "personal_documents", "delivery": "electronic"}, "email")
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "nemam mejl"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Field != "delivery" || len(st.Errors) != 1 || strings.Contains(st.Errors[0].Message, "nije ispravna") {
		t.Fatalf("nemam mejl at the e-mail question: asking %q, errors %v", st.Field, st.Errors)
	}
	if st, err = tb.svc.Step(tb.ctx, d, Input{Payload: PayloadSet + "delivery=counter"}); err != nil || st.Field == "email" || st.Field == "delivery" {
		t.Fatalf("after choosing the counter: %v, asking %q", err, st.Field)
	}

	// While another question is asked (the form of the extract).
	d = tb.startAt(t, FormRegistryExtract, "e2", start, "form")
	if st, err = tb.svc.Step(tb.ctx, d, Input{Text: "nemam mejl"}); err != nil {
		t.Fatal(err)
	}
	if st.Field != "form" || len(st.Errors) != 1 || st.Errors[0].Field != "delivery" {
		t.Fatalf("nemam mejl at another question: asking %q, errors %v", st.Field, st.Errors)
	}
	if st, err = tb.svc.Step(tb.ctx, d, Input{Payload: PayloadSet + "form=domestic"}); err != nil || st.Field != "delivery" {
		t.Fatalf("after the form: %v, asking %q, want delivery (taken back)", err, st.Field)
	}
}
