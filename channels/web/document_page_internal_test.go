package web

import (
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	t.Parallel()
	body := "Naslov\n\nZahtev se podnosi\nu Gradskom uslužnom centru, šalter 8.\n\nKraj."
	tests := []struct {
		passage, want string
		ok            bool
	}{
		{"Zahtev se podnosi\nu Gradskom", "Zahtev se podnosi\nu Gradskom", true},
		{"Zahtev se podnosi u Gradskom uslužnom centru, šalter 8.", "Zahtev se podnosi\nu Gradskom uslužnom centru, šalter 8.", true},
		{"nema toga", "", false},
	}
	for _, tt := range tests {
		s, e, ok := locate(body, tt.passage)
		if ok != tt.ok || (ok && body[s:e] != tt.want) {
			t.Errorf("locate(%q) = %q %v", tt.passage, body[s:e], ok)
		}
	}
}

func TestLocateTable(t *testing.T) {
	t.Parallel()
	body := "Uvod.\n\nŠta | Podatak\nŠalter | 6\n\nNa istom šalteru."
	passage := "| Šta | Podatak |\n| --- | --- |\n| Šalter | 6 |\n\nNa istom šalteru."
	s, e, ok := locate(body, passage)
	if !ok || body[s:e] != "Šta | Podatak\nŠalter | 6\n\nNa istom šalteru." {
		t.Errorf("locate = %q %v", body[s:e], ok)
	}
}

func TestWordsKeepRunes(t *testing.T) {
	t.Parallel()
	var got []string
	for _, w := range words("Šalter\u00a0ŠTA | čšž") {
		got = append(got, w.text)
	}
	if strings.Join(got, ",") != "Šalter,ŠTA,čšž" {
		t.Errorf("words = %q", got)
	}
}
