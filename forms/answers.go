package forms

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// Typed answers: yes and no in their usual words, a refusal that skips an
// optional question, an option named by its words, and the number or
// address inside a longer message (a shared Viber contact, "moj broj
// je …"). Matching is on folded text: either script, with or without
// diacritics, any case.

var (
	// The words a yes/no answer starts with (folded). Negation first:
	// "ne želim" is a no.
	noWords  = wordSet("ne nije nisam necu necemo nemoj nikako odbijam no false")
	yesWords = wordSet("da moze mozete hocu hocemo zelim zelimo pristajem naravno svakako jeste jesam ok okej vazi slazem yes true")
	// Words that open a refusal of an optional question ("nemam sliku",
	// "neću", "bez fotografije", "preskoči").
	refusalWords = wordSet("ne nemam nema necu necemo nisam bez nista preskoci preskacem preskocimo")
)

// yesNo reads a yes/no answer: "yes", "no" or "" when it is neither.
func yesNo(text string) string {
	ws := words(text)
	if len(ws) == 0 || len(ws) > 8 || unsure(ws) {
		return ""
	}
	switch {
	case noWords[ws[0]]:
		return "no"
	case yesWords[ws[0]], len(ws) > 1 && ws[0] == "u" && ws[1] == "redu":
		return "yes"
	}
	return ""
}

// unsure reports whether an answer opens by saying the citizen does not
// know ("ne znam tačnu adresu…", "nisam siguran"): its "ne" is no answer.
func unsure(ws []string) bool {
	return len(ws) > 1 && (ws[0] == "ne" && ws[1] == "znam" || ws[0] == "nisam" && strings.HasPrefix(ws[1], "sigur"))
}

// otherAnswer reads an answer to an open choice (Field.Open) that names
// none of its options as the catch-all: a short statement in the
// citizen's own words ("treba mi za banku", "za sud, zbog razvoda"). A
// question, a yes or no, a refusal, "ne znam" or a bare number says no
// purpose, and is refused as before.
func otherAnswer(f *Field, text string) (string, bool) {
	if !f.Open || strings.Contains(text, "?") || isRefusal(text) || yesNo(text) != "" {
		return "", false
	}
	ws := words(text)
	if len(ws) == 0 || len(ws) > maxOtherWords || unsure(ws) {
		return "", false
	}
	for _, w := range ws {
		if len([]rune(w)) >= 3 && strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			return OtherValue, true
		}
	}
	return "", false
}

// maxOtherWords bounds an answer in own words: a longer message is a
// story or a complaint, not the reason a document is wanted.
const maxOtherWords = 12

// isRefusal reports whether a short answer declines ("nemam", "neću",
// "ne želim", "bez slike").
func isRefusal(text string) bool {
	ws := words(text)
	return len(ws) > 0 && len(ws) <= 5 && refusalWords[ws[0]]
}

// matchOptionWords picks the option whose label shares the most stems with
// the answer (Jaccard similarity over serbian.Tokens), when exactly one
// is best: "lično preuzimanje" → "Lično, šalter 8", "поштом" → "Poštom na
// adresu" (over "Elektronski, e-poštom", which has more other words).
func matchOptionWords(f *Field, text string) (string, bool) {
	ans := serbian.Tokens(text)
	if len(ans) == 0 {
		return "", false
	}
	best, second, pick := 0.0, 0.0, ""
	for _, o := range f.Options {
		lab := serbian.Tokens(o.Label)
		shared := 0
		for _, a := range ans {
			for _, l := range lab {
				if stemMatch(a, l) {
					shared++
					break
				}
			}
		}
		if shared == 0 {
			continue
		}
		score := float64(shared) / float64(len(ans)+len(lab)-shared)
		switch {
		case score > best:
			best, second, pick = score, best, o.Value
		case score > second:
			second = score
		}
	}
	return pick, best > 0 && best > second
}

// phoneRunRE finds a phone number inside text: digits with the separators
// people type, optionally after + or 00.
var phoneRunRE = regexp.MustCompile(`(?:\+|00)?\d[\d \-/().\x{a0}]{5,}\d`)

// phoneIn validates a phone number, also inside a longer text such as
// Viber's shared contact ("Petar Petrović +381641234567").
func phoneIn(m *municipality.Municipality, text string) (string, error) {
	p, err := NormalizePhone(m, text)
	if err == nil {
		return p, nil
	}
	for _, run := range phoneRunRE.FindAllString(text, -1) {
		if p, e := NormalizePhone(m, run); e == nil {
			return p, nil
		}
	}
	return "", err
}

// emailIn validates an e-mail address, also inside a longer text ("moja
// adresa je ana@primer.rs"): the one word with an @.
func emailIn(text string) (string, error) {
	e, err := NormalizeEmail(text)
	if err == nil {
		return e, nil
	}
	var cands []string
	for _, w := range strings.Fields(text) {
		if strings.Contains(w, "@") {
			cands = append(cands, strings.Trim(w, ".,;:!?()<>\"'„”«»"))
		}
	}
	if len(cands) == 1 {
		return NormalizeEmail(cands[0])
	}
	return "", err
}

// jmbgRunRE is a run of digits with the spaces, dots and dashes people
// type inside a JMBG.
var jmbgRunRE = regexp.MustCompile(`\d[\d \-.\x{a0}]*\d`)

// jmbgIn returns the JMBG typed, also inside a longer text ("JMBG
// 1503985811233", "moj matični broj je …"): the one run of six digits or
// more. Otherwise the text without separators, for ValidateJMBG to
// explain.
func jmbgIn(text string) string {
	j := NormalizeJMBG(text)
	if onlyDigits(j) {
		return j
	}
	var runs []string
	for _, r := range jmbgRunRE.FindAllString(text, -1) {
		if n := NormalizeJMBG(r); len(n) >= 6 {
			runs = append(runs, n)
		}
	}
	if len(runs) == 1 {
		return runs[0]
	}
	return j
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sharedContact splits a contact shared from a phone ("Petar Petrović
// +381641234567", Viber's share-phone button) into the name and the
// number; ok only when the text is exactly a name and a valid number.
func sharedContact(m *municipality.Municipality, text string) (name, phone string, ok bool) {
	runs := phoneRunRE.FindAllStringIndex(text, -1)
	if len(runs) != 1 {
		return "", "", false
	}
	p, err := NormalizePhone(m, text[runs[0][0]:runs[0][1]])
	if err != nil {
		return "", "", false
	}
	n, err := normalizeName(strings.Trim(text[:runs[0][0]]+" "+text[runs[0][1]:], " ,;:-"))
	if err != nil {
		return "", "", false
	}
	return n, p, true
}
