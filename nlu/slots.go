package nlu

import (
	"regexp"
	"strings"
	"unicode"
)

// span is a part of the message: byte offsets and the value read there.
type span struct {
	start, end int
	value      string
}

// caseRefRE finds a case reference such as SO-KP-2026-000123 in folded
// text: a 2–4 letter prefix, the kind (kp: communal report, iz: extract,
// up: a message for staff),
// the year and 3–8 digits, with any of " -_/." or nothing between the
// parts. At least three digits keep "dete je iz 2020" from matching.
var caseRefRE = regexp.MustCompile(`(?:^|[^a-z0-9])([a-z]{2,4})[ ._/-]{0,2}(kp|iz|up)[ ._/-]{0,2}(20\d\d)[ ._/-]{0,2}(\d{3,8})(?:$|[^0-9])`)

// FindCaseRef returns the first case reference in s, normalised to upper
// case with dashes and a number of at least six digits ("so kp 2026 123"
// → "SO-KP-2026-000123"), or "" when there is none. Cyrillic is accepted.
func FindCaseRef(s string) string {
	m := caseRefRE.FindStringSubmatch(fold(s))
	if m == nil {
		return ""
	}
	num := m[4]
	if len(num) < 6 {
		num = strings.Repeat("0", 6-len(num)) + num
	}
	return strings.ToUpper(m[1]+"-"+m[2]) + "-" + m[3] + "-" + num
}

var (
	// jmbgRE: 13 digits, possibly grouped by spaces or dashes, not part
	// of a longer number or an international phone number.
	jmbgRE = regexp.MustCompile(`(?:^|[^\d+])(\d(?:[ -]?\d){12})(?:$|[^\d])`)
	// phoneRE: a Serbian or Bosnian (Republika Srpska) number, with the
	// country code (+381, 00381, +387) or a leading 0, grouped freely.
	phoneRE = regexp.MustCompile(`(?:^|[^\d+])((?:(?:\+|00)\s?38[17][\s/.-]?(?:\(0\))?\s?|0)\d{1,2}(?:[\s/.-]?\d){5,8})(?:$|[^\d])`)
	emailRE = regexp.MustCompile(`[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)+`)
)

// findJMBG returns the first 13-digit number (separators removed).
func findJMBG(s string) (span, bool) {
	m := jmbgRE.FindStringSubmatchIndex(s)
	if m == nil {
		return span{}, false
	}
	return span{m[2], m[3], digitsOnly(s[m[2]:m[3]])}, true
}

// findPhone returns the first phone number outside skip (a JMBG's span),
// as "+" and digits or digits with the leading 0.
func findPhone(s string, skip []span) (span, bool) {
	for _, m := range phoneRE.FindAllStringSubmatchIndex(s, -1) {
		if overlaps(m[2], m[3], skip) {
			continue
		}
		raw := s[m[2]:m[3]]
		d := digitsOnly(raw)
		if strings.HasPrefix(d, "00") {
			d = d[2:]
		}
		if strings.HasPrefix(strings.TrimSpace(raw), "+") || strings.HasPrefix(raw, "00") {
			d = "+" + strings.Replace(d, "3810", "381", 1)
		}
		if n := len(strings.TrimPrefix(d, "+")); n < 8 || n > 13 {
			continue
		}
		return span{m[2], m[3], d}, true
	}
	return span{}, false
}

// findEmail returns the first e-mail address.
func findEmail(s string) (span, bool) {
	loc := emailRE.FindStringIndex(s)
	if loc == nil {
		return span{}, false
	}
	v := strings.TrimRight(s[loc[0]:loc[1]], ".")
	return span{loc[0], loc[0] + len(v), v}, true
}

func overlaps(start, end int, spans []span) bool {
	for _, sp := range spans {
		if start < sp.end && sp.start < end {
			return true
		}
	}
	return false
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// nameCues introduce a name: "zovem se", "ime i prezime", "ja sam",
// "moje ime je", "na ime" (folded words).
var nameCues = [][]string{
	{"zovem", "se"}, {"ime", "i", "prezime"}, {"ime", "prezime"}, {"moje", "ime", "je"},
	{"ja", "sam"}, {"na", "ime"}, {"podnosilac"}, {"ime"},
}

// nameLabelPrefixes start words that label the values around a name
// ("JMBG", "tel.", "broj telefona") and are not part of it (folded).
var nameLabelPrefixes = []string{"jmbg", "maticn", "broj", "tel", "mob", "email", "mail", "mejl", "imejl", "kontakt"}

// isNameLabel reports whether a folded word labels a value.
func isNameLabel(f string) bool {
	if f == "e" || f == "br" {
		return true
	}
	for _, p := range nameLabelPrefixes {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

// findName returns a person's name: two to four letter-only words right
// after a cue ("zovem se Petar Petrović"), or, when the message carries
// a phone number, JMBG or e-mail, the words beside them that are all it
// says besides labels ("Petar Petrović +381641234567", "Petar
// Petrović, JMBG 1503985811233"). Anything else is left to the form's
// own question: a street ("Venac Petra Bojovića") must not become a name.
func findName(s string, words []word, values []span) (span, bool) {
	for _, cue := range nameCues {
		for i := 0; i+len(cue) <= len(words); i++ {
			if !wordsAre(words[i:i+len(cue)], cue) {
				continue
			}
			if sp, ok := nameAt(s, words, i+len(cue), false); ok {
				return sp, true
			}
		}
	}
	if len(values) == 0 {
		return span{}, false
	}
	// The words outside the values, minus labels, must form the name.
	var rest []word
	for _, w := range words {
		if overlaps(w.start, w.end, values) || isNameLabel(w.fold) {
			continue
		}
		rest = append(rest, w)
	}
	if len(rest) < 2 || len(rest) > 4 {
		return nameBeside(s, words, values)
	}
	// A name is all capitalised or, typed carelessly, all lower case, and
	// has no function words ("Zovite na 025…" is no name).
	upper := 0
	for _, w := range rest {
		if stopWord(w.fold) || len(w.fold) < 2 {
			return span{}, false
		}
		if enclitics[w.fold] {
			// "pogrešila sam, 1505…": a clause around the value, not a
			// name; only a capitalised name beside it may still be one.
			return nameBeside(s, words, values)
		}
		if w.upper {
			upper++
		}
	}
	if upper != 0 && upper != len(rest) {
		return nameBeside(s, words, values)
	}
	if upper == 0 {
		// Typed in lower case, a name has no particle, modal or plea in
		// it: "može ipak" beside a phone number is no name.
		for _, w := range rest {
			if notNameWords[w.fold] || wishVerbs[w.fold] || correctionCues[w.fold] {
				return span{}, false
			}
		}
	}
	for i := 1; i < len(rest); i++ {
		// The name must be one run: no value between its words.
		if overlaps(rest[i-1].end, rest[i].start, values) {
			return span{}, false
		}
	}
	return nameAt(s, rest, 0, true)
}

// enclitics are the unstressed forms of "biti" and "hteti" and the
// pronouns' short forms, folded: a closed class of the language that
// never stands in a person's name but turns words into a clause
// ("pogrešila sam", "javite mi").
var enclitics = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("sam si je smo ste su bih bi bismo biste cu ces ce cemo cete me mi te ti se ga mu joj nas nam vas vam ih im li") {
		m[w] = true
	}
	return m
}()

// notNameWords are particles and pleas that stand beside a phone number
// in a message ("evo broj", "može ipak", "javite se"), folded.
var notNameWords = map[string]bool{
	"evo": true, "eto": true, "ipak": true, "samo": true, "jos": true, "vec": true, "molim": true, "hvala": true,
	"moze": true, "mozete": true, "javite": true, "zovite": true, "pozovite": true, "kontaktirajte": true,
	"nazovite": true, "zapravo": true, "ustvari": true, "nego": true, "broj": true, "moj": true, "moja": true,
}

// nameBeside reads a capitalised name right before or after a value, in
// a sentence that says more ("ipak me kontaktirajte, Marko Marković 064…").
// The message's first word is left out: a sentence opens with a capital.
func nameBeside(s string, words []word, values []span) (span, bool) {
	capital := func(w word) bool { return w.upper && !w.digits && isLetters(w.orig) && !isNameLabel(w.fold) }
	joined := func(a, b word) bool { return strings.TrimSpace(s[a.end:b.start]) == "" }
	for _, v := range values {
		j := 0 // the first word at or after the value
		for j < len(words) && words[j].end <= v.start {
			j++
		}
		if j > 0 && strings.TrimSpace(s[words[j-1].end:v.start]) == "" {
			i := j
			for i > 1 && j-i < 4 && capital(words[i-1]) && (i == j || joined(words[i-1], words[i])) {
				i--
			}
			if j-i >= 2 {
				start, end := words[i].start, words[j-1].end
				return span{start, end, s[start:end]}, true
			}
		}
		for j < len(words) && words[j].start < v.end {
			j++
		}
		if j < len(words) && strings.Trim(s[v.end:words[j].start], " ,") == "" {
			if sp, ok := nameAt(s, words, j, false); ok {
				return sp, true
			}
		}
	}
	return span{}, false
}

// nameAt reads a name of two to four letter-only words starting at
// words[i]: capitalised, unless anyCase (a shared contact may be typed in
// lower case).
func nameAt(s string, words []word, i int, anyCase bool) (span, bool) {
	j := i
	for j < len(words) && j-i < 4 {
		w := words[j]
		if w.digits || !isLetters(w.orig) || (!anyCase && !w.upper) || isNameLabel(w.fold) {
			break
		}
		if j > i && strings.TrimSpace(s[words[j-1].end:w.start]) != "" && !strings.ContainsAny(s[words[j-1].end:w.start], "-") {
			break // a comma or other punctuation ends the name
		}
		j++
	}
	if j-i < 2 {
		return span{}, false
	}
	start, end := words[i].start, words[j-1].end
	return span{start, end, s[start:end]}, true
}

func wordsAre(ws []word, folded []string) bool {
	for k, f := range folded {
		if ws[k].fold != f {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return s != ""
}
