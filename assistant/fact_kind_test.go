package assistant

import (
	"testing"

	"github.com/miasrbija/mia/serbian"
)

func TestAnswerType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q    string
		want factKind
	}{
		{"Do kada se plaća prva rata poreza na imovinu?", whenFact},
		{"Koliko košta uverenje o državljanstvu?", howMuchFact},
		{"kolko se placa vrtic mesecno", howMuchFact},
		{"U koliko rata se plaća porez?", quantityFact},
		{"porz na imovnu telefon saltera", contactFact},
		{"Gde se predaje zahtev za dečiji dodatak?", whereFact},
		{"Ко је градоначелник?", whoFact},
		{"Koja dokumenta su potrebna za dečiji dodatak?", documentsFact},
		{"Da li je odvoz kabastog otpada besplatan?", howMuchFact},
		{"Da li se radnja registruje u gradskoj upravi?", yesNoFact},
		{"šalter 8 radno vreme", hoursFact},
		// Colloquial, typed without diacritics, ijekavian.
		{"kolko kosta izvod za inostranstvo", howMuchFact},
		{"kolika je cijena vrtića", howMuchFact},
		{"Колики је родитељски додатак?", howMuchFact},
		{"di se vadi izvod", whereFact},
		{"gdje se predaje zahtjev", whereFact},
		{"dje je salter sala", whereFact},
		{"radno vrijeme šalter sale", hoursFact},
		{"kad radi salter sala", hoursFact},
		{"kojim danima prima sekretar", whenFact},
		{"Колико се чека електронски извод?", whenFact},
		// A "kad" after another question word opens a clause.
		{"Ko je nadležan kad komšija drži drva na trotoaru?", whoFact},
		{"kome se javlja kad je mutna voda", whoFact},
		{"Kad odvoze smeće u Jablanu?", whenFact},
	}
	for _, tt := range tests {
		if got := answerType(tt.q); got != tt.want {
			t.Errorf("answerType(%q) = %d, want %d", tt.q, got, tt.want)
		}
	}
}

func TestHolds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		unit string
		kind factKind
		want bool
	}{
		{"| I | 1. januar | 14. februar |", whenFact, true},
		{"Rešenje stiže do 15. maja.", whenFact, true},
		{"Taksa iznosi 1.200 dinara.", howMuchFact, true},
		{"Такса износи око 1.040 динара.", howMuchFact, true},
		{"Uslužni centar radi od 7 do 15 časova.", hoursFact, true},
		{"Telefon šaltera je 025/468-206.", contactFact, true},
		{"Zahtev se predaje na šalteru 6.", whereFact, true},
		{"Zahtev se predaje u Gradskom uslužnom centru.", whenFact, false},
		{"Porez plaćaju vlasnici.", howMuchFact, false},
		{"Телефон: +387 51 334 270", contactFact, true},
		{"7. MZ Trn — utorkom i četvrtkom od 8:00 do 11:00.", whenFact, true},
		{"Akciju sprovodi svake godine u aprilu.", whenFact, true},
		{"Dečiji dodatak se priznaje na godinu dana.", whenFact, true},
		{"Posude iznesite do 6:00 časova ujutro.", hoursFact, true},
		{"Na izvodu se upisuje da je izdat bez takse.", howMuchFact, true},
		{"Mesečno se ne plaća ništa posebno.", whenFact, false},
	}
	for _, tt := range tests {
		if got := holds(tt.unit, tt.kind); got != tt.want {
			t.Errorf("holds(%q, %d) = %v, want %v", tt.unit, tt.kind, got, tt.want)
		}
	}
}

func TestAsksPoint(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]bool{
		"Do kada se plaća prva rata?":            true,
		"Kad odvoze smeće?":                      true,
		"u kom roku moram da javim promenu":      false,
		"koliko traje pravo na dečiji dodatak":   false,
		"koliko unaprijed se zakazuje vjenčanje": false,
	} {
		if got := asksPoint(q); got != want {
			t.Errorf("asksPoint(%q) = %v, want %v", q, got, want)
		}
	}
	if !holdsPoint("| I | 1. јануар | 14. фебруар |") || holdsPoint("u roku od 15 dana") {
		t.Error("holdsPoint: a date is a point, a span is not")
	}
}

// TestFactWordsAgree: the digit-free fast path of holds decides as the
// whole pattern does on text without digits.
func TestFactWordsAgree(t *testing.T) {
	t.Parallel()
	texts := []string{
		"Akcija se održava u aprilu.", "Sekretar prima utorkom i četvrtkom.", "Pravo traje godinu dana.",
		"Rešenje se donosi u roku od tri dana.", "Usluga je besplatna.", "Radnim danima je otvoreno.",
		"Pišite na info@laktasi.org.", "Plaća se najkasnije do kraja meseca.", "Porez plaćaju vlasnici.",
		"Marta je rekla da dođe.", "Zahtev se predaje u Šalter sali.", "Ко хвата псе луталице.",
	}
	for _, u := range texts {
		f := serbian.Fold(u)
		for k, words := range factWords {
			if got, want := words.MatchString(f), factKinds[k].MatchString(f); got != want {
				t.Errorf("%q kind %d: words %v, whole pattern %v", u, k, got, want)
			}
		}
	}
}

// TestHintFor: a question for documents searches the sections listing
// what is attached; one about the conditions of a right does not.
func TestHintFor(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]string{
		"koji papiri trebaju za dječiji dodatak": factHint[documentsFact],
		"Који су услови за дечији додатак?":      "",
		"do kada se plaća porez":                 factHint[whenFact],
	} {
		if got := hintFor(q, answerType(q)); got != want {
			t.Errorf("hintFor(%q) = %q, want %q", q, got, want)
		}
	}
}
