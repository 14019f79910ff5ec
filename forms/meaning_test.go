package forms

import (
	"errors"
	"strings"
	"testing"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// Sentences here were written for these tests after the rules, not used
// to shape them; each runs in Latin as written and in Cyrillic.

func bothScripts(s string) []string { return []string{s, serbian.ToCyrillic(s)} }

func testMunicipalities(t *testing.T) (sombor, laktasi *municipality.Municipality) {
	t.Helper()
	var err error
	if sombor, err = municipality.Embedded("sombor"); err != nil {
		t.Fatal(err)
	}
	if laktasi, err = municipality.Embedded("laktasi"); err != nil {
		t.Fatal(err)
	}
	return sombor, laktasi
}

func TestDescriptionMeaning(t *testing.T) {
	t.Parallel()
	def, _ := Lookup(FormCommunalReport)
	f, _ := def.Field("description")
	tests := []struct {
		text string
		want error // nil: kept
	}{
		{"Kanalizacija se izliva u dvorište od jutros", nil},
		{"Ulična lampa treperi celu noć ispred zgrade", nil},
		{"Pas lutalica je napao dete u parku", nil},
		{"Zašto niko ne odnosi smeće iz naše ulice već tri nedelje?", nil}, // a complaint put as a question
		{"Da li je normalno da voda curi iz hidranta danima?", nil},
		{"Drvo je palo preko trotoara posle oluje", nil},
		{"Контејнер је пун и смеће је свуда около", nil},
		{"Koliko se plaća taksa za izvod iz matične knjige?", errQuestion},
		{"Kako da prijavim prebivalište?", errQuestion},
		{"Gde mogu da predam zahtev za dečiji dodatak?", errQuestion},
		{"Kada radi šalter za overu dokumenata?", errQuestion},
		{"Da li mogu da platim porez na imovinu karticom?", errQuestion},
		{"Које је радно време матичне службе?", errQuestion},
		{"Dobar dan, hvala vam puno", errGreeting},
		{"Поштовање, хвала унапред", errGreeting},
		{"Problem problem problem", errVague},
		{"Želim nešto da vam prijavim", errVague},
		{"Imam jedan problem koji bih prijavila", errVague},
		{"Molim vas, javljam problem", errVague},
		{"aaaaaaaaaaaaaaaaaaaaa", errVague},
	}
	for _, tt := range tests {
		for _, text := range bothScripts(tt.text) {
			if got := checkText(f, text); !errors.Is(got, tt.want) {
				t.Errorf("checkText(%q) = %v, want %v", text, got, tt.want)
			}
		}
	}
}

func TestPostAddressNeverKeepsAQuestion(t *testing.T) {
	t.Parallel()
	def, _ := Lookup(FormRegistryExtract)
	f, _ := def.Field("post_address")
	for _, tt := range []struct {
		text string
		want error
	}{
		{"Njegoševa 14, 25000 Sombor", nil},
		{"Karađorđeva bb, Laktaši", nil},
		{"Koliko košta slanje poštom?", errQuestion},
		{"na moju adresu u Somboru", errNoNumber},
	} {
		for _, text := range bothScripts(tt.text) {
			if got := checkText(f, text); !errors.Is(got, tt.want) {
				t.Errorf("checkText(%q) = %v, want %v", text, got, tt.want)
			}
		}
	}
}

func TestPlaceMeaning(t *testing.T) {
	t.Parallel()
	sombor, laktasi := testMunicipalities(t)
	tests := []struct {
		m    *municipality.Municipality
		text string
		want error
	}{
		{sombor, "Staparski put 44", nil},
		{sombor, "Ulica Nikole Tesle br. 7", nil},
		{sombor, "ispred pošte u Kolutu", nil},
		{sombor, "pored groblja", nil},
		{sombor, "na uglu Čitaoničke i Kralja Petra", nil},
		{sombor, "u Riđici, kod crkve", nil},
		{sombor, "Čonoplja", nil},
		{sombor, "iza zgrade suda", nil},
		{sombor, "Трг Светог Ђорђа", nil},
		// A regnal number between the street's name and the house number.
		{sombor, "Kralja Petra I 12", nil},
		{laktasi, "Краља Петра II 4", nil},
		{laktasi, "u Maglajanima kod mosta", nil},
		{laktasi, "Ријечани", nil},
		{sombor, "Koliko košta odvoz šuta?", errLocQ},
		{sombor, "Kome da se obratim za ovo", errLocQ},
		{sombor, "Da li radite subotom", errLocQ},
		{sombor, "ne znam tačno", errNotPlace},
		{sombor, "svuda je prljavo", errNotPlace},
	}
	for _, tt := range tests {
		for _, text := range bothScripts(tt.text) {
			if got := checkPlace(tt.m, text); !errors.Is(got, tt.want) {
				t.Errorf("%s: checkPlace(%q) = %v, want %v", tt.m.Slug, text, got, tt.want)
			}
		}
	}
}

func TestSettlementIn(t *testing.T) {
	t.Parallel()
	sombor, laktasi := testMunicipalities(t)
	tests := []struct {
		m          *municipality.Municipality
		text, name string
		seat, ok   bool
	}{
		{sombor, "pored kanala u Bezdanu", "Bezdan", false, true},
		{sombor, "у Бачком Моноштору код школе", "Bački Monoštor", false, true},
		{sombor, "Telečka, glavna ulica", "Telečka", false, true},
		{sombor, "Apatinski put 12, Sombor", "Sombor", true, true},
		{sombor, "Bezdan, opština Sombor", "Bezdan", false, true},
		// A street named after the village's namesake is not the village.
		{sombor, "Ulica Svetozara Miletića 5", "", false, false},
		{sombor, "Alekse Šantića 12, Sombor", "Sombor", true, true},
		{laktasi, "u Gornjim Branjevcima", "Gornji Branjevci", false, true},
		{laktasi, "centar Laktaša", "Laktaši", true, true},
		{sombor, "kod škole", "", false, false},
		{sombor, "у улици Филипа Кљајића код броја 30", "", false, false},
		{sombor, "izgubljen pas u selu Kolut", "Kolut", false, true},
		{sombor, "ulaz u Gakovo iz pravca grada", "Gakovo", false, true},
		{sombor, "put prema Somboru", "Sombor", true, true},
		{sombor, "Jovana Gakovića 3", "", false, false},
	}
	for _, tt := range tests {
		name, seat, ok := settlementIn(tt.m, tt.text)
		if name != tt.name || seat != tt.seat || ok != tt.ok {
			t.Errorf("%s: settlementIn(%q) = %q %v %v, want %q %v %v", tt.m.Slug, tt.text, name, seat, ok, tt.name, tt.seat, tt.ok)
		}
	}
}

func TestTypedAnswers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ text, want string }{
		{"Da", "yes"}, {"da, naravno", "yes"}, {"Može", "yes"}, {"pristajem", "yes"}, {"u redu", "yes"}, {"хоћу", "yes"},
		{"Ne", "no"}, {"ne želim", "no"}, {"Нећу", "no"}, {"nikako", "no"}, {"ne pristajem", "no"},
		{"možda", ""}, {"a šta ako", ""},
	} {
		if got := yesNo(tt.text); got != tt.want {
			t.Errorf("yesNo(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"nemam sliku", true}, {"Неću", true}, {"ne", true}, {"preskoči", true}, {"bez fotografije", true}, {"nemam fotografiju, žao mi je", true},
		{"evo slike", false}, {"poslaću kasnije", false},
	} {
		if got := isRefusal(tt.text); got != tt.want {
			t.Errorf("isRefusal(%q) = %v", tt.text, got)
		}
	}
	reg, _ := Lookup(FormRegistryExtract)
	delivery, _ := reg.Field("delivery")
	purpose, _ := reg.Field("purpose")
	for _, tt := range []struct {
		f          *Field
		text, want string
	}{
		{delivery, "lično preuzimanje", "counter"},
		{delivery, "поштом", "post"},
		{delivery, "Elektronski", "electronic"},
		{delivery, "na šalteru", "counter"},
		{purpose, "za upis u školu", "school"},
		{purpose, "zbog zaposlenja, radni odnos", "employment"},
	} {
		if got, err := matchOption(tt.f, tt.text); got != tt.want {
			t.Errorf("matchOption(%s, %q) = %q %v, want %q", tt.f.Name, tt.text, got, err, tt.want)
		}
	}
	for _, tt := range []struct{ text, want string }{
		{"Petar Petrović +381641234567", "+381641234567"},
		{"moj broj je 064/123-45-67", "+381641234567"},
		{"Марко 065 765 4321", "+381657654321"},
	} {
		if got, err := phoneIn(nil, tt.text); got != tt.want || err != nil {
			t.Errorf("phoneIn(%q) = %q %v", tt.text, got, err)
		}
	}
	if _, err := phoneIn(nil, "Petar Petrović"); err == nil {
		t.Error("a name alone passed as a phone")
	}
	if got, err := emailIn("moja adresa je Ana@Primer.rs."); got != "ana@primer.rs" || err != nil {
		t.Errorf("emailIn: %q %v", got, err)
	}
	for _, cmd := range []struct {
		text string
		want string
	}{
		{"odustajem od prijave", PayloadCancel}, {"Откажи то", PayloadCancel}, {"prekini", PayloadCancel},
		{"Prekinut kabl rasvete", ""}, {"otkazan autobus", ""},
	} {
		if got := typedCommand(cmd.text, DraftActive); got != cmd.want {
			t.Errorf("typedCommand(%q) = %q, want %q", cmd.text, got, cmd.want)
		}
	}
}

func TestJMBGExplained(t *testing.T) {
	t.Parallel()
	good := withChecksum("150398581002")
	tests := []struct {
		in       string
		kind     error
		contains string
	}{
		{good[:12], ErrJMBGFormat, "upisano je 12"},
		{good + "1", ErrJMBGFormat, "upisano je 14"},
		{"15039858110a3", ErrJMBGFormat, "bez slova"},
		{withChecksum("320398581002"), ErrJMBGDate, "prve dve cifre (32)"},
		{withChecksum("151398581002"), ErrJMBGDate, "treća i četvrta cifra (13)"},
		{withChecksum("150345681002"), ErrJMBGDate, "(456)"},
		{withChecksum("310498581002"), ErrJMBGDate, "31.04.1985. nije postojeći datum"},
		{withChecksum("010103081000"), ErrJMBGFuture, "01.01.2030."},
		{good[:12] + string('0'+(good[12]-'0'+1)%10), ErrJMBGChecksum, "kontrolna cifra"},
	}
	for _, tt := range tests {
		if tt.in == "" || len(tt.in) == 12 && tt.kind != ErrJMBGFormat {
			continue // a prefix without a control digit
		}
		err := ValidateJMBG(tt.in, testNow)
		if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.contains) {
			t.Errorf("ValidateJMBG(%s) = %v, want %v containing %q", tt.in, err, tt.kind, tt.contains)
		}
	}
	for _, text := range []string{"JMBG 1503985810027", "мој матични број је 1503985-810027", "1503 985 810 027"} {
		if got := jmbgIn(text); got != "1503985810027" {
			t.Errorf("jmbgIn(%q) = %q", text, got)
		}
	}
}

// BenchmarkMeaning is the cost of validating one typed description and
// one typed location by meaning (the rules run on every such answer).
func BenchmarkMeaning(b *testing.B) {
	reg, err := municipality.Load("")
	if err != nil {
		b.Fatal(err)
	}
	m := reg.Default()
	def, _ := Lookup(FormCommunalReport)
	desc, _ := def.Field("description")
	const text = "Ne radi ulično svetlo u Ulici Venac Petra Bojovića kod broja 12, potpuni mrak već tri dana"
	b.ReportAllocs()
	for b.Loop() {
		if checkText(desc, text) != nil || checkPlace(m, "pored kanala u Bezdanu") != nil {
			b.Fatal("refused")
		}
	}
}
