package municipality

import "testing"

func TestForeignPlace(t *testing.T) {
	reg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	sombor, _ := reg.Get("sombor")
	laktasi, _ := reg.Get("laktasi")
	tests := []struct {
		m    *Municipality
		text string
		want string
	}{
		{sombor, "Koliko košta vrtić u Novom Sadu?", "Novi Sad"},
		{sombor, "Где се у Београду плаћа порез?", "Beograd"},
		{sombor, "radno vreme matičara u Kragujevcu", "Kragujevac"},
		{sombor, "Kako se u Šapcu prijavljuje rupa?", "Šabac"},
		{sombor, "Da li Banjoj Luci treba taksa za izvod?", "Banja Luka"},
		{laktasi, "Ko u Somboru organizuje akciju čišćenja?", "Sombor"},
		{laktasi, "Koliko košta vrtić u Gradišci?", "Gradiška"},
		// Its own places, origin and common words are not foreign.
		{sombor, "Porez na imovinu u Somboru, do kada?", ""},
		{sombor, "Preselio sam se iz Novog Sada, kako da promenim adresu?", ""},
		{sombor, "Rupa na putu za Bezdan kod pumpe", ""},
		{sombor, "Da li mogu da uplatim porez u Somboru ako živim u Beogradu?", ""},
		{laktasi, "Ulična rasvjeta u Aleksandrovcu ne radi", ""},
		{sombor, "srušila se stara kula kod crkve", ""},
		{sombor, "stanari zgrade ne čiste sneg", ""},
		{sombor, "Gde se plaća parking?", ""},
	}
	for _, tt := range tests {
		if got := tt.m.ForeignPlace(tt.text); got != tt.want {
			t.Errorf("%s: ForeignPlace(%q) = %q, want %q", tt.m.Slug, tt.text, got, tt.want)
		}
	}
}

func TestPlacesParse(t *testing.T) {
	if len(places) < 200 {
		t.Fatalf("only %d places", len(places))
	}
	for _, p := range places {
		if len(p.forms) == 0 {
			t.Errorf("%q has no stems", p.name)
		}
	}
}
