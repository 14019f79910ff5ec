package forms_test

import (
	"testing"

	. "github.com/miasrbija/mia/forms"
)

// TestSwapCorrectsPartOfAnswer: "nije 5 nego 15" at the summary changes
// the house number in the place (not in the description that repeats
// it), in either script; words found in no answer, or a swap typed as the
// answer to a free question, change nothing. Messages written for this
// test.
func TestSwapCorrectsPartOfAnswer(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	summary := func(user, place string) *Draft {
		d := tb.startAt(t, FormCommunalReport, user, map[string]string{"category": "greenery", "village": "no",
			"description": "Palo je drvo preko trotoara u ulici " + place, "location": place,
			"contact_consent": "no"}, "attachments")
		tb.step(t, d, Input{Payload: PayloadSkip}, "")
		return d
	}
	d := summary("s1", "Venac Radomira Putnika 5")
	st := tb.step(t, d, Input{Text: "izvinite, pogrešio sam broj, nije 5 nego 15"}, "")
	wantIn(t, st.Prompt, "• Lokacija: Venac Radomira Putnika 15", "• Opis: Palo je drvo preko trotoara u ulici Venac Radomira Putnika 5")

	d = summary("s2", "Његошева 5")
	st = tb.step(t, d, Input{Text: "није Његошева него Карађорђева"}, "")
	wantIn(t, st.Prompt, "• Lokacija: Карађорђева 5")
	if !d.Swaps("nije 5 nego 7") || d.Swaps("nije 9 nego 7") {
		t.Error("Swaps: want true for words of an answer, false for others")
	}

	d = summary("s5", "Kralja Petra I 5")
	st = tb.step(t, d, Input{Text: "nije kod broja 5 nego kod broja 7"}, "")
	wantIn(t, st.Prompt, "• Lokacija: Kralja Petra I 7")

	d = summary("s3", "Kralja Petra 5")
	st = tb.step(t, d, Input{Text: "nije 9 nego 15"}, "")
	wantIn(t, st.Prompt, "• Lokacija: Kralja Petra 5")

	// Asked for the description, the message is the description.
	d = tb.startAt(t, FormCommunalReport, "s4", map[string]string{"category": "greenery", "location": "Kralja Petra 5"}, "village")
	tb.step(t, d, Input{Text: "ne"}, "description")
	st = tb.step(t, d, Input{Text: "nije grana nego celo drvo palo, kod broja 5"}, "attachments")
	if d.Value("location") != "Kralja Petra 5" {
		t.Errorf("a description changed the place: %q", d.Value("location"))
	}
}
