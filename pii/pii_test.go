package pii

import (
	"slices"
	"testing"
)

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		found    []string
	}{
		{"Rupa ispred zgrade, zovite me na 064 123 4567 ili pera@example.rs, JMBG 0101990710006.",
			"Rupa ispred zgrade, zovite me na [TELEFON] ili [EMAIL], JMBG [JMBG].", []string{Phone, Email, JMBG}},
		{"Рупа у улици, мој телефон 025/468-222", "Рупа у улици, мој телефон [TELEFON]", []string{Phone}},
		{"full-width ０６４１２３４５６７", "full-width [TELEFON]", []string{Phone}},
		{"Kontejner kod broja 12 prepun od 3. marta, prijava SO-KP-2026-000123.",
			"Kontejner kod broja 12 prepun od 3. marta, prijava SO-KP-2026-000123.", nil},
	}
	for _, tt := range tests {
		got, found := Mask(tt.in)
		if got != tt.want || !slices.Equal(found, tt.found) {
			t.Errorf("Mask(%q) = %q, %q; want %q, %q", tt.in, got, found, tt.want, tt.found)
		}
	}
}

func TestMaskKinds(t *testing.T) {
	got, found := MaskKinds("JMBG 0101990710006, kartica 4111 1111 1111 1111, pozovite 025/468-222 ili pisite na info@sombor.rs", JMBG, Card)
	want := "JMBG [JMBG], kartica [KARTICA], pozovite 025/468-222 ili pisite na info@sombor.rs"
	if got != want || len(found) != 2 {
		t.Errorf("MaskKinds = %q %v, want %q", got, found, want)
	}
}
