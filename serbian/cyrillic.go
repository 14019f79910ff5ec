package serbian

import (
	"strings"
	"unicode"
)

// latToCyr maps single Serbian Latin letters (lower case) to Cyrillic.
var latToCyr = map[rune]rune{
	'a': 'а', 'b': 'б', 'v': 'в', 'g': 'г', 'd': 'д', 'đ': 'ђ',
	'e': 'е', 'ž': 'ж', 'z': 'з', 'i': 'и', 'j': 'ј', 'k': 'к',
	'l': 'л', 'm': 'м', 'n': 'н', 'o': 'о', 'p': 'п', 'r': 'р',
	's': 'с', 't': 'т', 'ć': 'ћ', 'u': 'у', 'f': 'ф', 'h': 'х',
	'c': 'ц', 'č': 'ч', 'š': 'ш',
	// Pre-composed digraph codepoints go straight to their letter.
	'ǆ': 'џ', 'ǉ': 'љ', 'ǌ': 'њ',
}

// digraphs are Latin letter pairs written as one Cyrillic letter.
// "dj" is deliberately absent: in properly written Latin đ is its own
// letter, so "dj" is д+ј (odjava, podjela, gdje).
var digraphs = map[[2]rune]rune{
	{'l', 'j'}: 'љ',
	{'n', 'j'}: 'њ',
	{'d', 'ž'}: 'џ',
}

// digraphSplits lists word fragments in which a lj/nj/dž pair is two
// letters; "|" marks the split. Fragments match anywhere in the lower-cased
// word so inflected and prefixed forms are covered. The list is small on
// purpose: prefix od-/pod-/nad-/pred- + ž..., and Latin loans with in-/kon-
// + j... (after the exception lists of turanjanin/cirilizator, from memory).
var digraphSplits = []string{
	// dž
	"nad|živ", "nad|žnj", "nad|žanj", "nad|žet", "nad|ždr",
	"od|žal", "od|živ", "od|žubor", "od|žvak",
	"pod|žanr", "pod|žup", "pod|živ", "pod|želud",
	"pred|želud", "pred|žet",
	// nj
	"in|jek", "in|junk", "kon|jug", "kon|junk", "kon|jekt", "tan|jug",
	"van|jez", "van|jug", "van|jevrop", "van|jadr",
}

// splitFragment is a digraphSplits entry decoded once: the fragment's runes
// and the index of the rune before the split.
type splitFragment struct {
	runes []rune
	at    int
}

var splitFragments = func() []splitFragment {
	out := make([]splitFragment, 0, len(digraphSplits))
	for _, f := range digraphSplits {
		i := strings.IndexByte(f, '|')
		out = append(out, splitFragment{
			runes: []rune(f[:i] + f[i+1:]),
			at:    len([]rune(f[:i])) - 1,
		})
	}
	return out
}()

// ToCyrillic transliterates Serbian Latin to Cyrillic, used only to mirror
// the user's script in replies. It leaves alone what must stay Latin:
// URLs, e-mail addresses and domain-like tokens, whitespace-separated
// tokens that mix digits and letters (case numbers such as
// SO-KP-2026-000123), and words with q, w, x, y or other non-Serbian
// letters (foreign names and words). Case is preserved; a digraph takes
// the case of its first letter (Nj→Њ, NJ→Њ).
func ToCyrillic(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	start := -1 // start of the current non-space chunk
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				cyrChunk(&b, s[start:i])
				start = -1
			}
			b.WriteRune(r)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		cyrChunk(&b, s[start:])
	}
	return b.String()
}

// cyrChunk writes one whitespace-delimited chunk, converted word by word
// unless the whole chunk must stay Latin.
func cyrChunk(b *strings.Builder, chunk string) {
	// A link glued to text, as in a Markdown "[Uslužni centar](https://…)",
	// keeps the text before it convertible.
	if at := linkStart(chunk); at > 0 {
		cyrChunk(b, chunk[:at])
		b.WriteString(chunk[at:])
		return
	}
	if isLinkLike(chunk) || mixesDigitsAndLetters(chunk) {
		b.WriteString(chunk)
		return
	}
	rs := []rune(chunk)
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		// A hyphenated compound is one unit for the foreign-word check,
		// so "Wi-Fi" stays whole rather than becoming "Wi-Фи".
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) ||
			rs[j] == '-' && j+1 < len(rs) && unicode.IsLetter(rs[j+1])) {
			j++
		}
		if !isSerbianLatin(rs[i:j]) {
			b.WriteString(string(rs[i:j]))
			i = j
			continue
		}
		for i < j {
			if rs[i] == '-' {
				b.WriteRune('-')
				i++
				continue
			}
			k := i
			for k < j && rs[k] != '-' {
				k++
			}
			cyrWord(b, rs[i:k])
			i = k
		}
	}
}

// isSerbianLatin reports whether every letter of a word is in the Serbian
// Latin alphabet; q, w, x, y, other accents or Cyrillic mean "leave as is".
func isSerbianLatin(w []rune) bool {
	for _, r := range w {
		if _, ok := latToCyr[unicode.ToLower(r)]; !ok && r != '-' {
			return false
		}
	}
	return true
}

// cyrWord converts one run of Serbian Latin letters.
func cyrWord(b *strings.Builder, w []rune) {
	lower := make([]rune, len(w))
	for i, r := range w {
		lower[i] = unicode.ToLower(r)
	}
	split := splitPoints(lower)
	for i := 0; i < len(w); i++ {
		c := latToCyr[lower[i]]
		if i+1 < len(w) && !split[i] {
			if d, ok := digraphs[[2]rune{lower[i], lower[i+1]}]; ok {
				c = d
				i++
				if unicode.IsUpper(w[i-1]) {
					c = unicode.ToUpper(c)
				}
				b.WriteRune(c)
				continue
			}
		}
		if unicode.IsUpper(w[i]) || unicode.IsTitle(w[i]) {
			c = unicode.ToUpper(c)
		}
		b.WriteRune(c)
	}
}

// splitPoints marks positions i where w[i] and w[i+1] must stay two letters.
func splitPoints(w []rune) []bool {
	var split []bool
	for _, f := range splitFragments {
		for p := 0; p+len(f.runes) <= len(w); p++ {
			if runesEqual(w[p:p+len(f.runes)], f.runes) {
				if split == nil {
					split = make([]bool, len(w))
				}
				split[p+f.at] = true
			}
		}
	}
	if split == nil {
		split = make([]bool, len(w))
	}
	return split
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// isLinkLike reports whether a whitespace-delimited chunk is a URL, an
// e-mail address or a bare domain/file name, all of which stay Latin.
func isLinkLike(chunk string) bool {
	lc := strings.ToLower(chunk)
	if strings.Contains(lc, "://") || strings.HasPrefix(strings.TrimLeft(lc, "(<[\"'„“"), "www.") {
		return true
	}
	if at := strings.IndexByte(lc, '@'); at > 0 && strings.Contains(lc[at:], ".") {
		return true
	}
	// A dot with letters on both sides (sombor.rs, obrazac.pdf) marks a
	// domain or file name; sentence punctuation has a space after the dot.
	rs := []rune(lc)
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] == '.' && isASCIILetter(rs[i-1]) && isASCIILetter(rs[i+1]) {
			return true
		}
	}
	return false
}

// linkStart returns the byte offset of the first "http://", "https://" or
// "www." in chunk, or -1.
func linkStart(chunk string) int {
	for i := 0; i < len(chunk); i++ {
		for _, m := range []string{"http://", "https://", "www."} {
			if len(chunk)-i >= len(m) && strings.EqualFold(chunk[i:i+len(m)], m) {
				return i
			}
		}
	}
	return -1
}

// mixesDigitsAndLetters reports whether a chunk is a code such as
// SO-KP-2026-000123 or 12a, which must not be transliterated.
func mixesDigitsAndLetters(chunk string) bool {
	digit, letter := false, false
	for _, r := range chunk {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r):
			letter = true
		}
	}
	return digit && letter
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
