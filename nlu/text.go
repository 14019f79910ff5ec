package nlu

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/miasrbija/mia/serbian"
)

// word is one word of a message: where it stands in the original text
// and its normalised forms.
type word struct {
	start, end int    // byte offsets in the original text
	orig       string // as typed
	fold       string // Latin, lower case, without diacritics (serbian.Fold)
	ekav       string // fold with Ijekavian ije/je between consonants → e
	stem       string // Snowball stem (which ekavises), folded
	upper      bool   // starts with a capital letter
	digits     bool   // all digits
	// punct: punctuation stands between the previous word and this one
	// ("ne, lično"): a negation or a phrase does not reach across it.
	punct bool
}

// splitText cuts s into words (runs of letters, digits and combining
// marks) and normalises each. Cyrillic and Latin, with or without
// diacritics, ekavian and ijekavian spellings of a word meet on ekav and
// stem.
func splitText(s string) []word {
	var out []word
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := newWord(s, start, end)
		if n := len(out); n > 0 {
			w.punct = strings.TrimSpace(s[out[n-1].end:start]) != "" && !strings.ContainsAny(s[out[n-1].end:start], "-'’")
		}
		out = append(out, w)
		start = -1
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

func newWord(s string, start, end int) word {
	orig := s[start:end]
	w := word{start: start, end: end, orig: orig}
	r, _ := utf8.DecodeRuneInString(orig)
	w.upper = unicode.IsUpper(r)
	w.digits = strings.IndexFunc(orig, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
	n := orig
	if !norm.NFC.IsNormalString(n) {
		n = norm.NFC.String(n)
	}
	lower := strings.ToLower(serbian.ToLatin(n))
	w.fold = serbian.Fold(lower)
	if w.digits {
		w.ekav, w.stem = w.fold, w.fold
		return w
	}
	w.ekav = ekavize(w.fold)
	w.stem = serbian.Fold(serbian.Stem(lower))
	return w
}

// ekavize turns folded Ijekavian spellings into Ekavian ones: "ije" and
// then "je" standing between two consonants become "e" (mlijeko →
// mleko, djeca → deca, since Fold already made dj into d). Like the
// stemmer's prelude it also rewrites a few genuine je; every spelling of
// such a word is rewritten alike, which is all matching needs.
func ekavize(w string) string {
	if !strings.Contains(w, "je") {
		return w
	}
	w = ekavizePat(w, "ije")
	return ekavizePat(w, "je")
}

func ekavizePat(w, pat string) string {
	var b strings.Builder
	changed := false
	for i := 0; i < len(w); {
		if i > 0 && isConsonant(w[i-1]) && strings.HasPrefix(w[i:], pat) &&
			i+len(pat) < len(w) && isConsonant(w[i+len(pat)]) {
			if !changed {
				b.Grow(len(w))
				b.WriteString(w[:i])
				changed = true
			}
			b.WriteByte('e')
			i += len(pat)
			continue
		}
		if changed {
			b.WriteByte(w[i])
		}
		i++
	}
	if !changed {
		return w
	}
	return b.String()
}

// isConsonant reports whether a folded ASCII letter is a consonant.
func isConsonant(c byte) bool {
	return c >= 'a' && c <= 'z' && !strings.ContainsRune("aeiou", rune(c))
}
