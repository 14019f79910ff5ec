package forms_test

import (
	"testing"

	. "github.com/miasrbija/mia/forms"
)

// TestOpenChoiceTakesOwnWords: a purpose in the citizen's own words that
// names no option ("treba mi za banku") is "Ostalo", not refused again and
// again; a question, a yes or no, "ne znam" or a refusal states no purpose
// and the question stays. A choice that is not open (the category, which
// routes the report) still refuses words naming none of its options.
// Messages written for this test.
func TestOpenChoiceTakesOwnWords(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := map[string]string{"register": "births", "form": "domestic", "full_name": "Ana Kovač",
		"jmbg": "0305012800024", "relation": "self"}
	for i, text := range []string{"treba mi za banku, otvaram račun", "за суд", "zbog kredita"} {
		d := tb.startAt(t, FormRegistryExtract, "o"+string(rune('a'+i)), start, "purpose")
		st := tb.step(t, d, Input{Text: text}, "delivery")
		if len(st.Errors) != 0 {
			t.Errorf("%q: errors %v", text, st.Errors)
		}
		// Said back: a reading the citizen did not mean can be corrected.
		wantIn(t, st.Prompt, "svrha — Ostalo")
		tb.step(t, d, Input{Text: "lično"}, "contact")
		st = tb.step(t, d, Input{Text: "064 111 2233"}, "")
		wantIn(t, st.Prompt, "• Svrha: Ostalo")
	}
	for i, text := range []string{"ne znam", "a koja je razlika?", "da", "ne", "nemam", "12"} {
		d := tb.startAt(t, FormRegistryExtract, "n"+string(rune('a'+i)), start, "purpose")
		st := tb.step(t, d, Input{Text: text}, "purpose")
		wantError(t, st, "purpose", "izaberite")
	}

	d := tb.startAt(t, FormCommunalReport, "c1", map[string]string{"description": "Nešto nije u redu kod nas",
		"location": "Čitaonička 8"}, "category")
	st := tb.step(t, d, Input{Text: "nešto mi smeta"}, "category")
	wantError(t, st, "category", "izaberite")
}

// TestPhotoDeclinedInOwnWords: words typed at the optional photo question
// that say no photo comes now ("telefon mi ne može da slika", "slikaću
// sutra pa pošaljem") skip it instead of asking again for the same words;
// a question, or words about something else, do not. Messages written
// for this test.
func TestPhotoDeclinedInOwnWords(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := map[string]string{"category": "public_lighting", "village": "no",
		"description": "Ne radi ulična rasveta već nedelju dana", "location": "Čitaonička 8"}
	for i, text := range []string{"telefon mi ne može da slika", "slikaću sutra pa pošaljem", "немам фотографију код себе"} {
		d := tb.startAt(t, FormCommunalReport, "p"+string(rune('a'+i)), start, "attachments")
		if st := tb.step(t, d, Input{Text: text}, "contact_consent"); len(st.Errors) != 0 {
			t.Errorf("%q: errors %v", text, st.Errors)
		}
	}
	for i, text := range []string{"a kada će doći radnici?", "i još trepti ona druga lampa"} {
		d := tb.startAt(t, FormCommunalReport, "q"+string(rune('a'+i)), start, "attachments")
		st := tb.step(t, d, Input{Text: text}, "attachments")
		wantError(t, st, "attachments", "Preskoči")
	}
}
