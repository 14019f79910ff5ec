package assistant

import (
	"strings"
	"unicode"

	"github.com/miasrbija/mia/serbian"
)

// routeWords folds text and splits it into words of letters and digits.
// Invisible format characters (zero-width spaces, Unicode tags) are
// dropped first so they cannot split a word and hide it from matching.
func routeWords(text string) []string {
	text = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, text)
	ws := strings.FieldsFunc(serbian.Fold(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for i, w := range ws {
		ws[i] = ekavianWord(w)
	}
	return ws
}

// ekavianWord turns the ijekavian reflex into the ekavian one the way the
// Snowball prelude does: consonant+ije+consonant and consonant+je+consonant
// become e (cijev→cev, zahtjev→zahtev, svjetlo→svetlo). It is applied to
// patterns too, so the odd ekavian word it changes (objekat→obekat) still
// meets itself.
func ekavianWord(w string) string {
	if !strings.Contains(w, "je") {
		return w
	}
	for _, from := range []string{"ije", "je"} {
		var b strings.Builder
		for i := 0; i < len(w); {
			if i > 0 && strings.HasPrefix(w[i:], from) && i+len(from) < len(w) &&
				isConsonant(w[i-1]) && isConsonant(w[i+len(from)]) {
				b.WriteByte('e')
				i += len(from)
				continue
			}
			b.WriteByte(w[i])
			i++
		}
		w = b.String()
	}
	return w
}

func isConsonant(c byte) bool {
	return c >= 'a' && c <= 'z' && !strings.ContainsRune("aeiou", rune(c))
}

// wordSet folds a space-separated list of words into a set.
func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range routeWords(s) {
		m[w] = true
	}
	return m
}
