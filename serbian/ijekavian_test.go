package serbian

import "testing"

func TestIjekavian(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Razumeo sam: vrsta problema — Javna rasveta.", "Razumio sam: vrsta problema — Javna rasvjeta."},
		{"Proverite prijavu:", "Provjerite prijavu:"},
		{"Gde se problem nalazi?", "Gdje se problem nalazi?"},
		{"GDE? gde! Gde…", "GDJE? gdje! Gdje…"},
		{"Radno vreme: u kratkom vremenu", "Radno vrijeme: u kratkom vremenu"},
		{"Izvod iz MK venčanih; Dete", "Izvod iz MK vjenčanih; Dijete"},
		{"deo, ceo, posle, uvek, sledeće", "dio, cio, poslije, uvijek, sljedeće"},
		// Words the list does not name stay, spacing and symbols too.
		{"Smeće u selu, telefon 051/334-200 (info@laktasi.org)", "Smeće u selu, telefon 051/334-200 (info@laktasi.org)"},
		{"Fotografiju ili video", "Fotografiju ili video"},
		{"  dva\treda\n„mesto”  ", "  dva\treda\n„mjesto”  "},
		// Mixed case is a name, not ours.
		{"GdE", "GdE"},
		// Cyrillic, keeping dj as д+ј and the case.
		{"Проверите да ли је место тачно. ГДЕ", "Провјерите да ли је мјесто тачно. ГДЈЕ"},
		{"Одељење за дете", "Одјељење за дијете"},
		{"", ""},
	} {
		if got := Ijekavian(c.in); got != c.want {
			t.Errorf("Ijekavian(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Converting twice changes nothing: no ijekavian form is itself a key.
func TestIjekavianIdempotent(t *testing.T) {
	for ek, ij := range IjekavianWords() {
		if got := Ijekavian(ij); got != ij {
			t.Errorf("%s → %s → %s", ek, ij, got)
		}
	}
}
