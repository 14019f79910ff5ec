package nlu_test

import (
	"maps"
	"testing"

	"github.com/miasrbija/mia/nlu"
)

// TestSlots reads values from messages written for this test, in the
// form in progress given, and compares every slot found (none missing,
// none extra).
func TestSlots(t *testing.T) {
	t.Parallel()
	sombor, laktasi := municipalityOf(t, "sombor"), municipalityOf(t, "laktasi")
	u := nlu.Default()
	const kp, iz = "communal_report", "registry_extract"
	tests := []struct {
		name, text, form string
		laktasi          bool
		want             map[string]string
	}{
		{name: "jmbg with spaces", form: iz, text: "jmbg 0101 990 800 014",
			want: map[string]string{"jmbg": "0101990800014"}},
		{name: "jmbg with dashes and a name", form: iz, text: "Ana Marić, 0101990-800014",
			want: map[string]string{"jmbg": "0101990800014", "full_name": "Ana Marić"}},
		{name: "jmbg of wrong length is no jmbg", form: iz, text: "1503985811",
			want: map[string]string{}},
		{name: "a clause beside a jmbg is no name", form: iz, text: "pogrešila sam, 1505985805014",
			want: map[string]string{"jmbg": "1505985805014"}},
		{name: "a clause beside a phone is no name", form: kp, text: "evo i moj broj, javite mi se 0641234567",
			want: map[string]string{"phone": "0641234567"}},
		{name: "a name typed in lower case beside a jmbg", form: iz, text: "stevan stojanovic 1505985805014",
			want: map[string]string{"jmbg": "1505985805014", "full_name": "stevan stojanovic"}},
		{name: "a street named after a village is no village", form: kp, text: "Ulica Staparski put broj 40",
			want: map[string]string{"location": "Ulica Staparski put broj 40"}},
		{name: "a street named after a village ending in c", form: kp, laktasi: true, text: "Aleksandrovačka 4",
			want: map[string]string{"location": "Aleksandrovačka 4"}},
		{name: "the village in its own case forms", form: kp, laktasi: true, text: "u Aleksandrovcu kod crkve",
			want: map[string]string{"location": "u Aleksandrovcu kod crkve", "village": "yes"}},
		{name: "the village and a street named after the seat", form: kp, text: "Stapar, Somborski put 3",
			want: map[string]string{"location": "Stapar, Somborski put 3", "village": "yes"}},
		{name: "a corner in the nominative, a street noun after its name", form: kp, text: "ugao Vojvođanske i Staparskog puta",
			want: map[string]string{"location": "ugao Vojvođanske i Staparskog puta"}},
		{name: "shared contact", form: kp, text: "Jovan Perić +381651112233",
			want: map[string]string{"name": "Jovan Perić", "phone": "+381651112233"}},
		{name: "phone with slash", form: kp, text: "064/123-4567",
			want: map[string]string{"phone": "0641234567"}},
		{name: "landline", form: kp, text: "Zovite na 025 412 345",
			want: map[string]string{"phone": "025412345"}},
		{name: "Republika Srpska mobile", form: kp, laktasi: true, text: "+387 65 123 456",
			want: map[string]string{"phone": "+38765123456"}},
		{name: "name beside the phone in a longer sentence", form: kp, text: "ipak me kontaktirajte, Marko Marković 0641234567",
			want: map[string]string{"name": "Marko Marković", "phone": "0641234567"}},
		{name: "name after the phone", form: kp, text: "0641234567 Jovana Jović",
			want: map[string]string{"name": "Jovana Jović", "phone": "0641234567"}},
		{name: "name in lower case", form: kp, text: "marko markovic 0641234567",
			want: map[string]string{"name": "marko markovic", "phone": "0641234567"}},
		{name: "particles beside the phone are no name", form: kp, text: "može ipak kontakt: 0641234567",
			want: map[string]string{"phone": "0641234567"}},
		{name: "a message that is only a name", form: iz, text: "Sara Ilić",
			want: map[string]string{"full_name": "Sara Ilić"}},
		{name: "an option in capitals is no name", form: iz, text: "Međunarodni Obrazac",
			want: map[string]string{"form": "international"}},
		{name: "a settlement is no name", form: iz, text: "Bački Breg",
			want: map[string]string{}},
		{name: "name after a cue", form: kp, text: "Zovem se Milica Radić",
			want: map[string]string{"name": "Milica Radić"}},
		{name: "a street is not a name", form: kp, text: "Vojvode Mišića 14",
			want: map[string]string{"location": "Vojvode Mišića 14"}},
		{name: "e-mail", form: iz, text: "pošaljite na marko.p@example.rs",
			want: map[string]string{"email": "marko.p@example.rs"}},
		{name: "case reference in Cyrillic", form: "", text: "СО-КП-2026-000777",
			want: map[string]string{"case_ref": "SO-KP-2026-000777"}},
		{name: "option with a typo", form: kp, text: "kontejnr",
			want: map[string]string{"category": "waste"}},
		{name: "option in Cyrillic", form: iz, text: "електронски",
			want: map[string]string{"delivery": "electronic"}},
		{name: "ijekavian register", form: iz, text: "iz knjige vjenčanih",
			want: map[string]string{"register": "marriages"}},
		{name: "negated option dropped", form: kp, text: "nije deponija, nego su psi",
			want: map[string]string{"category": "animals"}},
		{name: "a longer phrase of another field wins", form: iz, text: "za ličnu kartu",
			want: map[string]string{"purpose": "personal_documents"}},
		{name: "settlement declined", form: kp, text: "u Kljajićevu",
			want: map[string]string{"village": "yes", "location": "Kljajićevo"}},
		{name: "ijekavian settlement", form: kp, laktasi: true, text: "kod škole u Riječanima",
			want: map[string]string{"village": "yes", "location": "kod škole u Riječanima"}},
		{name: "in town", form: kp, text: "u gradu, kod Županije",
			want: map[string]string{"village": "no", "location": "kod Županije"}},
		{name: "lower-case street", form: kp, text: "na adresi u jovana popovica 7",
			want: map[string]string{"location": "jovana popovica 7"}},
		{name: "not a house number", form: kp, text: "Smeće stoji već 12 dana",
			want: map[string]string{"category": "waste"}},
		{name: "on the corner", form: kp, text: "na ćošku kod pekare",
			want: map[string]string{"location": "na ćošku kod pekare"}},
		{name: "on the road to a village", form: kp, text: "deponija na putu ka Bezdanu",
			want: map[string]string{"category": "illegal_dumping", "village": "yes", "location": "na putu ka Bezdanu"}},
		{name: "a road without a destination gives way", form: kp, text: "lampa na putu kod groblja",
			want: map[string]string{"category": "public_lighting", "location": "kod groblja"}},
		{name: "which side of a landmark", form: kp, text: "iza pošte sa druge strane",
			want: map[string]string{"location": "iza pošte sa druge strane"}},
		{name: "postal address", form: iz, text: "Poštom, na Bulevar kralja Petra 3, 25000 Sombor",
			want: map[string]string{"delivery": "post", "post_address": "Bulevar kralja Petra 3, 25000 Sombor"}},
	}
	for _, tt := range tests {
		m := sombor
		if tt.laktasi {
			m = laktasi
		}
		got := u.Understand(tt.text, m, tt.form).Slots
		if got == nil {
			got = map[string]string{}
		}
		if !maps.Equal(got, tt.want) {
			t.Errorf("%s: %q: slots %v, want %v", tt.name, tt.text, got, tt.want)
		}
	}
}

// TestSlotsWithoutForm: a message that starts no form gives only a case
// reference; a form start gives its form's fields.
func TestSlotsWithoutForm(t *testing.T) {
	t.Parallel()
	u := nlu.Default()
	m := municipalityOf(t, "sombor")
	if r := u.Understand("Koliko košta izvod iz knjige rođenih?", m, ""); r.Intent != nlu.Info || len(r.Slots) != 0 {
		t.Errorf("question: %s %v, want info without slots", r.Intent, r.Slots)
	}
	r := u.Understand("Treba mi izvod iz knjige umrlih za oca", m, "")
	if r.Intent != nlu.RegistryExtract || r.Slots["register"] != "deaths" || r.Slots["relation"] != "parent" {
		t.Errorf("extract request: %s %v", r.Intent, r.Slots)
	}
}

// TestDescriptionIsTheStatement: a report's description keeps the problem
// as stated and its masks whole, and leaves off the questions the message
// closes with while the rest still states the problem.
func TestDescriptionIsTheStatement(t *testing.T) {
	t.Parallel()
	u := nlu.Default()
	m := municipalityOf(t, "sombor")
	tests := []struct{ text, want string }{
		{"Ljudi moji, u Telečkoj već mesec dana niko ne odnosi smeće, kante su pune, jel to normalno? Koga da zovem?",
			"Ljudi moji, u Telečkoj već mesec dana niko ne odnosi smeće, kante su pune"},
		{"Kontejner u Njegoševoj 5 je pun već nedelju dana, kad će ga isprazniti?",
			"Kontejner u Njegoševoj 5 je pun već nedelju dana"},
		// The question is all the message says of the problem: kept.
		{"Da li neko može da pokupi smeće ispred zgrade u Njegoševoj 5?",
			"Da li neko može da pokupi smeće ispred zgrade u Njegoševoj 5"},
		// A mask at the end keeps its bracket.
		{"Pukla cev na Trgu Svetog Trojstva, voda šiklja. Zovem se Ana Ilić, [TELEFON]",
			"Pukla cev na Trgu Svetog Trojstva, voda šiklja. Zovem se Ana Ilić, [TELEFON]"},
	}
	for _, tt := range tests {
		r := u.Understand(tt.text, m, "")
		if r.Intent != nlu.CommunalReport || r.Slots["description"] != tt.want {
			t.Errorf("%q: %s, description %q, want %q", tt.text, r.Intent, r.Slots["description"], tt.want)
		}
	}
}
