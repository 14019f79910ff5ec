package serbian

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// stopWords are function words dropped from search tokens, stored folded so
// that "što"/"sto" and "šta"/"sta" are both caught (Fold also turns "gdje"
// into "gde"). The list is deliberately short: prepositions, conjunctions,
// clitics, the relative pronoun "koji" and question words that appear in
// almost every user question ("kako", "gde", "koliko").
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		i u na je za se da od do sa s su o a ili kao li ne pa po pri iz k ka uz
		kod ali ako jer nego ni niti vec jos
		koji koja koje kojeg koju kojim kojoj kojih kojima
		sto sta to ta taj te ti tu tog tom tome ovaj ova ovo ove ovog
		ga mu joj ih im me mi vi sam si smo ste bi bih biti ce cu
		kako gde kada kad koliko`) {
		m[w] = true
	}
	return m
}()

// Tokens is the normalisation used for full-text search at both index and
// query time. It splits s into words (letters and digits), transliterates
// Cyrillic to Latin, lower-cases, splits digraph codepoints, stems each
// word (the stemmer's prelude turns Ijekavian into Ekavian and dj into đ)
// and only then folds č/ć→c, š→s, ž→z, đ→d and dj→d. Stemming before
// folding is what makes "rođenih", "rodjenih", "rodenih" and "рођених"
// meet. Tokens with digits are kept unstemmed ("2026", "000123").
//
// Stop words are dropped unless that would leave nothing. Every token
// matches [a-z0-9]+, so the output is safe for to_tsvector('simple', ...).
func Tokens(s string) []string {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s) // decomposed č (c + U+030C) must meet č
	}
	s = strings.ToLower(ToLatin(s))

	var toks, stops []string
	for _, w := range splitWords(s) {
		tok, stop := token(w)
		if tok == "" {
			continue
		}
		if stop {
			stops = append(stops, tok)
			continue
		}
		toks = append(toks, tok)
	}
	if len(toks) == 0 {
		return stops
	}
	return toks
}

// Normalize returns Tokens(s) joined by single spaces, the form stored in
// the search column and passed to to_tsvector('simple', ...).
func Normalize(s string) string {
	return strings.Join(Tokens(s), " ")
}

// splitWords cuts lower-cased text into runs of letters, digits and
// combining marks; everything else separates words.
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// token turns one lower-case Latin word into its search token and reports
// whether it is a stop word.
func token(w string) (string, bool) {
	folded := foldLower(w)
	if strings.ContainsFunc(w, unicode.IsDigit) {
		return asciiOnly(folded), false
	}
	if stopWords[folded] {
		return asciiOnly(folded), true
	}
	return asciiOnly(foldLower(softAdjective(Stem(w)))), false
}

// softAdjective trims the j of -čji/-čiji adjective stems: "dečji" stems
// to dečj and the common variant "dečiji" to dečij, and trimming lets them
// meet on "deč" (forms the Snowball prelude rewrites, dečjeg → dečeg, stay
// apart). The bald "c" forms are treated alike for users typing
// without diacritics ("decji", "deciji"). Nouns in -cija are affected too
// (akcija→akc), harmlessly, since every form of them ends the same way.
func softAdjective(stem string) string {
	for _, suf := range []string{"čij", "cij"} {
		if strings.HasSuffix(stem, suf) {
			return stem[:len(stem)-2]
		}
	}
	for _, suf := range []string{"čj", "cj"} {
		if strings.HasSuffix(stem, suf) {
			return stem[:len(stem)-1]
		}
	}
	return stem
}

// asciiOnly keeps [a-z0-9], reducing other accented Latin letters to their
// base letter (café→cafe) and dropping anything else.
func asciiOnly(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
