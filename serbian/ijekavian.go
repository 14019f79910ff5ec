package serbian

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MIA's own texts are written once, in ekavian; a municipality whose
// official Serbian is ijekavian (Republika Srpska) hears them through
// Ijekavian. The reflex of jat is not predictable from the ekavian form
// (vreme→vrijeme, mesto→mjesto, deo→dio, but selo, smeće, rečenica stay),
// so the conversion is a word list, not a rule: ijekavian.txt maps every
// ekavian word that MIA's own texts use; ijekavian_same.txt lists the
// words that look like jat words and were checked to be the same in both
// (the completeness test in ijekavian_sources_test.go keeps both lists in
// step with the texts).

var (
	//go:embed ijekavian.txt
	ijekavianFile string
	//go:embed ijekavian_same.txt
	ijekavianSameFile string

	ijekavianWords = mustWordPairs(ijekavianFile)
	ijekavianSame  = mustWordSet(ijekavianSameFile)
)

// Ijekavian rewrites ekavian text in its ijekavian form, word by word from
// the embedded list, in Latin or Cyrillic, keeping each word's case
// (lower, Capitalised, UPPER). Words the list does not name, digits,
// punctuation and spacing are left as they are. Apply it to MIA's own
// wording only: never to a citizen's words or to quoted documents.
func Ijekavian(text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	start := -1
	flush := func(end int) {
		if start >= 0 {
			b.WriteString(ijekavianWord(text[start:end]))
			start = -1
		}
	}
	for i, r := range text {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		b.WriteRune(r)
	}
	flush(len(text))
	return b.String()
}

// IjekavianTemplate is Ijekavian for the source of a Go text/template:
// the text is converted, the actions ({{.name}}, {{if ...}}) are not, so
// the values filled in later stay as given.
func IjekavianTemplate(src string) string {
	var b strings.Builder
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			break
		}
		b.WriteString(Ijekavian(src[:i]))
		b.WriteString(src[i : i+j+2])
		src = src[i+j+2:]
	}
	b.WriteString(Ijekavian(src))
	return b.String()
}

// IjekavianWords returns a copy of the list: ekavian word → ijekavian.
func IjekavianWords() map[string]string {
	out := make(map[string]string, len(ijekavianWords))
	for k, v := range ijekavianWords {
		out[k] = v
	}
	return out
}

// IjekavianSame reports whether a word (lower-case Latin) was checked and
// is written the same in both variants.
func IjekavianSame(word string) bool { return ijekavianSame[word] }

// ijekavianWord converts one word, or returns it unchanged.
func ijekavianWord(w string) string {
	cyr := DetectScript(w) == Cyrillic
	lat := w
	if cyr {
		lat = ToLatin(w)
	}
	lower := strings.ToLower(lat)
	ij, ok := ijekavianWords[lower]
	if !ok {
		return w
	}
	switch {
	case lat == lower:
	case lat == strings.ToUpper(lat) && utf8.RuneCountInString(lat) > 1:
		ij = strings.ToUpper(ij)
	case isCapitalised(lat):
		r, n := utf8.DecodeRuneInString(ij)
		ij = string(unicode.ToUpper(r)) + ij[n:]
	default:
		return w // mixed case (a name, a brand): not ours to touch
	}
	if cyr {
		return ToCyrillic(ij)
	}
	return ij
}

// isCapitalised: first letter upper, the rest lower.
func isCapitalised(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) && w[n:] == strings.ToLower(w[n:])
}

// parseWordList yields the fields of each non-blank, non-comment line.
func parseWordList(data string, want int) ([][]string, error) {
	var out [][]string
	for i, line := range strings.Split(data, "\n") {
		if c := strings.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != want {
			return nil, fmt.Errorf("line %d: want %d words, have %q", i+1, want, line)
		}
		for _, w := range f {
			if w != strings.ToLower(w) {
				return nil, fmt.Errorf("line %d: %q is not lower case", i+1, w)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// mustRows reads an embedded word list, which is part of the binary: a
// mistake in it is a build defect, caught by the tests and at start.
func mustRows(name, data string, fields int) [][]string {
	rows, err := parseWordList(data, fields)
	if err != nil {
		panic("serbian: " + name + ": " + err.Error())
	}
	return rows
}

func mustWordPairs(data string) map[string]string {
	rows := mustRows("ijekavian.txt", data, 2)
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		if _, dup := m[r[0]]; dup {
			panic("serbian: ijekavian.txt: " + r[0] + " appears twice")
		}
		m[r[0]] = r[1]
	}
	return m
}

func mustWordSet(data string) map[string]bool {
	rows := mustRows("ijekavian_same.txt", data, 1)
	m := make(map[string]bool, len(rows))
	for _, r := range rows {
		m[r[0]] = true
	}
	return m
}
