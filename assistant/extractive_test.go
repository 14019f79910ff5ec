package assistant

import (
	"strings"
	"testing"

	"github.com/miasrbija/mia/rag"
)

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

// TestQuoteKeepsCaveatAndList: the caveat after the fact sentence is
// quoted with it, an unrelated next sentence is not, and a list is
// quoted whole with its introduction.
func TestQuoteKeepsCaveatAndList(t *testing.T) {
	t.Parallel()
	x := extractive{maxPassages: 2, maxUnits: 4}
	w := map[string]float64{"taks": 2, "uverenj": 1.5}
	h := rag.Hit{Content: "Taksa za uverenje iznosi 1.040 dinara. Ovi iznosi su primer; proverite iznose za 2026. godinu. Uverenje izdaje matična služba u roku od 8 dana. Grad ima i muzej."}
	units, _ := x.quote(h, w, howMuchFact)
	got := joinUnits(units)
	if !strings.Contains(got, "Ovi iznosi su primer") {
		t.Errorf("caveat dropped: %q", got)
	}
	if strings.Contains(got, "muzej") {
		t.Errorf("unrelated sentence quoted: %q", got)
	}

	h = rag.Hit{Content: "Uz zahtev za uverenje prilaže se:\n- lična karta;\n- izvod;\n- potvrda;\n- rešenje;\n- ugovor;\n- taksa.\nOstalo."}
	units, _ = x.quote(h, w, documentsFact)
	if len(units) != 7 {
		t.Errorf("list not quoted whole: %q", units)
	}
}

func TestQualifies(t *testing.T) {
	t.Parallel()
	fact := "Taksa iznosi 1.040 dinara."
	tests := []struct {
		next string
		want bool
	}{
		{"Ovi iznosi su demo iznosi za 2026. godinu.", true},
		{"Ukoliko je namena oslobođena, taksa se ne plaća.", true},
		{"Taksa se uplaćuje pre podnošenja zahteva.", true},      // repeats the fact's subject
		{"Međutim, za inostranstvo se plaća 870 dinara.", false}, // a figure of its own
		{"Uverenje izdaje matična služba.", false},
		{"- lična karta;", false},
	}
	for _, tt := range tests {
		if got := qualifies(fact, tt.next); got != tt.want {
			t.Errorf("qualifies(%q) = %v, want %v", tt.next, got, tt.want)
		}
	}
}
