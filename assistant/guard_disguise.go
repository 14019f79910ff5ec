package assistant

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Undoing the disguises of a prompt injection. This text is only matched
// against the injection phrases: it is never stored or shown, so the
// mappings may be rough.

// undisguise returns s with compatibility characters written plainly
// (NFKC: full-width ｉｇｎｏｒｅ, mathematical 𝐢𝐠𝐧𝐨𝐫𝐞, ligatures),
// combining marks dropped (ïgnóre; Serbian č, ć, š, ž lose their marks
// too, which folding does anyway) and control and format characters
// (zero-width spaces and joiners, bidi overrides, soft hyphens) removed.
func undisguise(s string) string {
	s = norm.NFKD.String(CleanText(s))
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) {
			return -1
		}
		return r
	}, s)
	return norm.NFC.String(s)
}

// lookAlikes are Cyrillic and Greek letters drawn like Latin ones.
// Cyrillic р is Latin p to the eye, though Serbian transliterates it r.
var lookAlikes = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ѕ': 's', 'і': 'i', 'ї': 'i', 'ј': 'j', 'к': 'k', 'м': 'm', 'н': 'h',
	'о': 'o', 'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ԁ': 'd', 'һ': 'h', 'ӏ': 'l', 'ԛ': 'q', 'ԝ': 'w', 'ё': 'e',
	'А': 'A', 'В': 'B', 'Е': 'E', 'Ѕ': 'S', 'І': 'I', 'Ј': 'J', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P',
	'С': 'C', 'Т': 'T', 'У': 'Y', 'Х': 'X',
	'α': 'a', 'β': 'b', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P',
	'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
}

// lookAlikesToLatin rewrites, in each word that mixes Latin letters with
// Cyrillic or Greek ones and in each Greek word, the look-alikes as the
// Latin letters they imitate. A word wholly in Cyrillic is left to
// Serbian transliteration: "пример" is a Serbian word, not a disguise.
func lookAlikesToLatin(s string) string {
	var b strings.Builder
	word := func(w string) {
		var latin, cyrillic, greek bool
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Latin, r):
				latin = true
			case unicode.Is(unicode.Cyrillic, r):
				cyrillic = true
			case unicode.Is(unicode.Greek, r):
				greek = true
			}
		}
		if !greek && !(latin && cyrillic) {
			b.WriteString(w)
			return
		}
		for _, r := range w {
			if l, ok := lookAlikes[r]; ok {
				r = l
			}
			b.WriteRune(r)
		}
	}
	start := -1
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) && start < 0:
			start = i
		case !unicode.IsLetter(r) && start >= 0:
			word(s[start:i])
			start = -1
		}
		if start < 0 {
			b.WriteRune(r)
		}
	}
	if start >= 0 {
		word(s[start:])
	}
	return b.String()
}

// minSpelledOut is how many one-letter words in a row are taken for a
// word spelled out. Serbian has one-letter words (i, u, a, s, k, o), but
// not three in a row.
const minSpelledOut = 3

// joinSpelledOut joins runs of one-letter words ("i g n o r e", also
// i.g.n.o.r.e and i-g-n-o-r-e, which routeWords splits alike) into one
// word, so "i g n o r e previous instructions" reads "ignore previous
// instructions". It returns the words and, apart, the joined ones.
func joinSpelledOut(ws []string) (out, joined []string) {
	out = make([]string, 0, len(ws))
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && len([]rune(ws[j])) == 1 {
			j++
		}
		if j-i >= minSpelledOut {
			w := strings.Join(ws[i:j], "")
			out, joined = append(out, w), append(joined, w)
			i = j
			continue
		}
		if j == i {
			j++
		}
		out = append(out, ws[i:j]...)
		i = j
	}
	return out, joined
}

// spelledOutStems are the injection words looked for inside a joined
// spelled-out run, where the spaces between words are lost too
// ("i g n o r e p r e v i o u s"). They are folded like routeWords'
// output.
var spelledOutStems = []string{
	"ignor", "zanemar", "zaboravi", "zaobid", "disregard", "override", "bypass", "instruction", "uputstv",
	"instrukcij", "prompt", "pravila", "jailbreak", "pretend", "roleplay", "developermode", "systemmessage",
	"youarenow", "odsadasi", "ponasajsekao", "pretvarajseda",
}

// spelledOutInjection reports whether a word spelled out letter by letter
// (joined by joinSpelledOut) holds an injection word: nobody spells out a
// question to the city.
func spelledOutInjection(joined []string) bool {
	for _, w := range joined {
		for _, stem := range spelledOutStems {
			if strings.Contains(w, stem) {
				return true
			}
		}
	}
	return false
}
