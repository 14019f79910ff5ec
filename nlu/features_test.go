package nlu

import (
	"slices"
	"testing"
)

// TestFeaturesScriptInvariant: Latin and Cyrillic spellings of a message
// have the same features, so training needs no transliterated copies;
// ekavian and ijekavian share their n-grams. Without diacritics most
// features agree (a few Snowball stems differ for bald spellings; the
// n-grams bridge them).
func TestFeaturesScriptInvariant(t *testing.T) {
	t.Parallel()
	same := [][2]string{
		{"Pukla je cev u Šantićevoj ulici, voda teče", "Пукла је цев у Шантићевој улици, вода тече"},
		{"Treba mi uverenje o državljanstvu za pasoš", "Треба ми уверење о држављанству за пасош"},
		{"Ne radi rasveta, potpuni mrak", "НЕ РАДИ РАСВЕТА, ПОТПУНИ МРАК"},
	}
	for _, p := range same {
		a, b := features(p[0]), features(p[1])
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%q and %q have different features", p[0], p[1])
		}
	}
	near := [][2]string{
		{"Pukla je cev u Šantićevoj ulici, voda teče", "Pukla je cev u Santicevoj ulici, voda tece"},
		{"Ne svijetli rasvjeta kod mlijekare", "Ne svetli rasveta kod mlekare"},
		{"Treba mi izvod rođenih za kćerku", "Treba mi izvod rodjenih za kcerku"},
	}
	for _, p := range near {
		a, b := features(p[0]), features(p[1])
		common := 0
		for _, f := range a {
			if slices.Contains(b, f) {
				common++
			}
		}
		if share := float64(common) / float64(max(len(a), len(b))); share < 0.9 {
			t.Errorf("%q and %q share %.2f of their features, want at least 0.9", p[0], p[1], share)
		}
	}
}
