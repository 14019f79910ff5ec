package serbian

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// cyrToLat maps the 30 Serbian Cyrillic lowercase letters to Latin with
// diacritics. Upper case is derived at run time so the table stays small.
var cyrToLat = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'ђ': "đ",
	'е': "e", 'ж': "ž", 'з': "z", 'и': "i", 'ј': "j", 'к': "k",
	'л': "l", 'љ': "lj", 'м': "m", 'н': "n", 'њ': "nj", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'ћ': "ć", 'у': "u",
	'ф': "f", 'х': "h", 'ц': "c", 'ч': "č", 'џ': "dž", 'ш': "š",
}

// ligatures splits the Unicode single-codepoint Latin digraphs
// (U+01C4–U+01CC), which keyboards rarely produce but pasted text may.
var ligatures = map[rune]string{
	'Ǆ': "DŽ", 'ǅ': "Dž", 'ǆ': "dž",
	'Ǉ': "LJ", 'ǈ': "Lj", 'ǉ': "lj",
	'Ǌ': "NJ", 'ǋ': "Nj", 'ǌ': "nj",
}

// cyrTable indexes cyrToLat by codepoint offset from U+0400 for both cases,
// which is much faster than a map in the hot indexing path.
var cyrTable = func() (t [0x60]string) {
	for r, lat := range cyrToLat {
		t[r-0x400] = lat
		t[unicode.ToUpper(r)-0x400] = lat
	}
	return t
}()

// latinOf returns the lower-case Latin spelling of a Serbian Cyrillic
// letter of either case.
func latinOf(r rune) (string, bool) {
	if r < 0x400 || r >= 0x460 {
		return "", false
	}
	lat := cyrTable[r-0x400]
	return lat, lat != ""
}

// ToLatin transliterates Serbian Cyrillic to Latin with diacritics
// (љ→lj, њ→nj, џ→dž, ђ→đ, ћ→ć) and splits the Latin digraph codepoints
// U+01C4–U+01CC into two letters. Everything else is left untouched.
// Capital Љ, Њ, Џ become "LJ", "NJ", "DŽ" inside upper-case words and
// "Lj", "Nj", "Dž" otherwise (Љубав→Ljubav, ЉУБАВ→LJUBAV).
func ToLatin(s string) string {
	if !needsLatin(s) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i, r := range rs {
		if lig, ok := ligatures[r]; ok {
			b.WriteString(lig)
			continue
		}
		lat, ok := latinOf(r)
		if !ok {
			b.WriteRune(r)
			continue
		}
		if !unicode.IsUpper(r) {
			b.WriteString(lat)
			continue
		}
		if utf8.RuneCountInString(lat) == 1 || upperContext(rs, i) {
			b.WriteString(strings.ToUpper(lat))
			continue
		}
		// Title case: only the first half of the digraph is capital.
		first, size := utf8.DecodeRuneInString(lat)
		b.WriteRune(unicode.ToUpper(first))
		b.WriteString(lat[size:])
	}
	return b.String()
}

// needsLatin is a fast path: most index text is already Latin.
func needsLatin(s string) bool {
	for _, r := range s {
		if r >= 0x01C4 && r <= 0x01CC || r >= 0x0400 && r <= 0x04FF {
			return true
		}
	}
	return false
}

// upperContext decides whether a capital digraph letter at rs[i] sits in an
// all-caps word: the next letter decides, or the previous one if the letter
// ends the word. A lone capital (e.g. an initial "Љ.") counts as title case.
func upperContext(rs []rune, i int) bool {
	if i+1 < len(rs) && unicode.IsLetter(rs[i+1]) {
		return unicode.IsUpper(rs[i+1])
	}
	if i > 0 && unicode.IsLetter(rs[i-1]) {
		return unicode.IsUpper(rs[i-1])
	}
	return false
}
