package assistant

import "testing"

func TestReadableTables(t *testing.T) {
	tests := []struct{ in, want string }{
		{"| Šta | Podatak |\n| Šalter | 6 — porodična podrška |\n| Telefon šaltera | 025/468-206 |\nNa istom šalteru…",
			"Šalter: 6 — porodična podrška.\nTelefon šaltera: 025/468-206.\nNa istom šalteru…"},
		{"| Tromesečje | Početak | Rok za plaćanje |\n| I | 1. januar | 14. februar |", "I — Početak: 1. januar, Rok za plaćanje: 14. februar."},
		{"Bez tabele.", "Bez tabele."},
	}
	for _, tt := range tests {
		if got := readableTables(tt.in); got != tt.want {
			t.Errorf("readableTables(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
