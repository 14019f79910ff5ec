package assistant

import "testing"

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
	}
	for _, tt := range tests {
		if got := holds(tt.unit, tt.kind); got != tt.want {
			t.Errorf("holds(%q, %d) = %v, want %v", tt.unit, tt.kind, got, tt.want)
		}
	}
}
