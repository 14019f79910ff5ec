package forms_test

import (
	"strings"
	"testing"

	. "github.com/miasrbija/mia/forms"
)

// fileRegistryRequest files a registry request in municipality slug with
// every answer given at the start, and returns the step that filed it.
func fileRegistryRequest(t *testing.T, tb *testBundle, slug, purpose, contact string) *Step {
	t.Helper()
	d, st := tb.startWith(t, FormRegistryExtract, slug+"-"+purpose, StartInput{Municipality: slug,
		Values: map[string]string{"register": "births", "form": "domestic", "full_name": "Ana Kovač",
			"jmbg": tb.jmbg, "relation": "self", "purpose": purpose, "delivery": "counter", "contact": contact}})
	if st.Field != "" {
		t.Fatalf("%s: asking %q, want the summary: %s", slug, st.Field, st.Prompt)
	}
	st = tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	if st.Case == nil {
		t.Fatalf("%s: not filed: %s", slug, st.Prompt)
	}
	return st
}

// TestRegistryRequestInItsCountry: a Laktaši citizen's phone typed without
// the country code is a Bosnian number, the request is told where
// Laktaši hands extracts out and how Republika Srpska's fee is paid, not
// Sombor's counter or Serbia's account, and a purpose exempt in Serbia
// (employment) is not exempt there; Sombor keeps its own.
func TestRegistryRequestInItsCountry(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	lak := fileRegistryRequest(t, tb, "laktasi", "employment", "065 123 456")
	if got := lak.Case.Private["contact"]; got != "+38765123456" {
		t.Errorf("Laktaši contact stored as %q, want +38765123456", got)
	}
	if lak.Case.FeeExempt {
		t.Error("employment is exempt in Laktaši")
	}
	for _, want := range []string{"Šalter sali, na šalterima 2 i 3", "šalteru banke", "provjerite"} {
		if !strings.Contains(lak.Prompt, want) {
			t.Errorf("Laktaši next steps lack %q: %s", want, lak.Prompt)
		}
	}
	for _, never := range []string{"šalter 8", "Gradskom uslužnom", "840-742221843-57", "republička"} {
		if strings.Contains(lak.Prompt, never) {
			t.Errorf("Laktaši next steps say Sombor's or Serbia's %q: %s", never, lak.Prompt)
		}
	}
	som := fileRegistryRequest(t, tb, "sombor", "employment", "064 123 4567")
	if got := som.Case.Private["contact"]; got != "+381641234567" || !som.Case.FeeExempt {
		t.Errorf("Sombor: contact %q, exempt %v", got, som.Case.FeeExempt)
	}
	for _, want := range []string{"Gradskom uslužnom centru, šalter 8", "oslobođenje"} {
		if !strings.Contains(som.Prompt, want) {
			t.Errorf("Sombor next steps lack %q: %s", want, som.Prompt)
		}
	}
	if lak := fileRegistryRequest(t, tb, "laktasi", "social_protection", "lk@primer.ba"); !lak.Case.FeeExempt || !strings.Contains(lak.Prompt, "bez takse") {
		t.Errorf("social protection is exempt in Laktaši: %v %s", lak.Case.FeeExempt, lak.Prompt)
	}
}

// TestCommunalReportInItsCountry: a Laktaši citizen is asked for a phone
// with Bosnian examples and shown Laktaši's places when a location is not
// one.
func TestCommunalReportInItsCountry(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.startWith(t, FormCommunalReport, "lk2", StartInput{Municipality: "laktasi",
		Values: map[string]string{"category": "roads", "description": "Velika rupa na putu", "village": "yes"}})
	st := tb.step(t, d, Input{Text: "ne znam tačno"}, "location")
	wantError(t, st, "location", "„Karađorđeva bb”, „kod škole, Trn”")
	for _, e := range st.Errors {
		if strings.Contains(e.Message, "Stapar") {
			t.Errorf("a Sombor village in Laktaši's example: %s", e.Message)
		}
	}
	st = tb.step(t, d, Input{Location: &Location{Lat: 44.9086, Lon: 17.3011}}, "attachments")
	st = tb.step(t, d, Input{Payload: PayloadSkip}, "contact_consent")
	st = tb.step(t, d, Input{Payload: "form:set:contact_consent=yes"}, "name")
	st = tb.step(t, d, Input{Text: "Marko Marković"}, "phone")
	if !strings.Contains(st.Prompt, "065 123 456 ili 051 123 456") {
		t.Errorf("phone question: %s", st.Prompt)
	}
	st = tb.step(t, d, Input{Text: "011 1234567"}, "phone")
	wantError(t, st, "phone", "065 123 456")
	st = tb.step(t, d, Input{Text: "051 334 200"}, "")
	if !strings.Contains(st.Summary, "051 334 200") && !strings.Contains(st.Summary, "+38751334200") && !strings.Contains(st.Summary, "*") {
		t.Errorf("summary: %s", st.Summary)
	}
}

// TestExemptPurposesChecked: a municipality naming a purpose the registry
// form does not have is refused at start.
func TestExemptPurposesChecked(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	m, err := tb.reg.Get("laktasi") // this test's own registry
	if err != nil {
		t.Fatal(err)
	}
	m.CivilRegistry.ExemptPurposes = []string{"social_protection", "schol"}
	_, err = NewService(Config{Store: tb.store, Municipalities: tb.reg, Crypter: tb.crypt})
	if err == nil || !strings.Contains(err.Error(), `"schol"`) {
		t.Errorf("NewService: %v", err)
	}
}

// TestInternationalExtractInPerson: where the municipality issues the
// international form only at its counter (Laktaši), a request for it is
// never filed for the post, and the citizen is told why; the form said
// before the register is named is kept for it (it was asked again).
// Sombor posts it.
func TestInternationalExtractInPerson(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, st := tb.startWith(t, FormRegistryExtract, "ip-lak", StartInput{Municipality: "laktasi",
		Values: map[string]string{"form": "international", "delivery": "post", "post_address": "Njegoševa 10, 78250 Laktaši"}})
	if st.Field != "register" || !strings.Contains(st.Prompt, "preuzima se samo lično") {
		t.Fatalf("asking %q: %s", st.Field, st.Prompt)
	}
	st = tb.step(t, d, Input{Payload: "form:set:register=births"}, "full_name")
	tb.step(t, d, Input{Text: "Ana Kovač"}, "jmbg")
	tb.step(t, d, Input{Text: tb.jmbg}, "relation")
	tb.step(t, d, Input{Payload: "form:set:relation=self"}, "purpose")
	// The delivery is decided: the contact is next.
	tb.step(t, d, Input{Payload: "form:set:purpose=other"}, "contact")
	st = tb.step(t, d, Input{Text: "065 123 456"}, "")
	for _, want := range []string{"Međunarodni", "Lično, na šalteru"} {
		if !strings.Contains(st.Summary, want) {
			t.Errorf("summary lacks %q: %s", want, st.Summary)
		}
	}
	if strings.Contains(st.Summary, "Njegoševa") {
		t.Errorf("the postal address stays on a request collected in person: %s", st.Summary)
	}
	_, st = tb.startWith(t, FormRegistryExtract, "ip-som", StartInput{Municipality: "sombor",
		Values: map[string]string{"register": "births", "form": "international", "delivery": "post"}})
	if strings.Contains(st.Prompt, "samo lično") || st.Field != "full_name" {
		t.Errorf("Sombor posts the international form: asking %q: %s", st.Field, st.Prompt)
	}
}
