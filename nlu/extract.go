package nlu

import (
	"regexp"
	"strings"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

// slots reads the values a message carries for form (may be "").
func (u *Understander) slots(text string, words []word, m *municipality.Municipality, form string, intent Intent) map[string]string {
	out := map[string]string{}
	if ref := FindCaseRef(text); ref != "" {
		out["case_ref"] = ref
	}
	if form == "" {
		return emptyNil(out)
	}
	var values []span
	jmbg, hasJMBG := findJMBG(text)
	if hasJMBG {
		values = append(values, jmbg)
	}
	phone, hasPhone := findPhone(text, values)
	if hasPhone {
		values = append(values, phone)
	}
	email, hasEmail := findEmail(text)
	if hasEmail {
		values = append(values, email)
	}
	name, hasName := findName(text, words, values)
	switch form {
	case forms.FormCommunalReport:
		if hasPhone {
			out["phone"] = phone.value
		}
		if hasName {
			out["name"] = name.value
		}
		if c := u.lex.match(words, form)["category"]; c != "" {
			out["category"] = c
		} else if intent == CommunalReport {
			if c, p := u.category(words, text); p >= u.cal.CategoryMin {
				out["category"] = c
			}
		}
		if v := villageOf(m, words); v != "" {
			out["village"] = v
		}
		if loc, ok := locationOf(text, words, m, values); ok {
			out["location"] = loc
		}
		if intent == CommunalReport {
			if d := description(text, words); d != "" && out["category"] != "" {
				out["description"] = d
			}
		}
	case forms.FormRegistryExtract:
		if hasJMBG {
			out["jmbg"] = jmbg.value
		}
		if hasName {
			out["full_name"] = name.value
		}
		if hasEmail {
			out["email"] = email.value
		}
		if hasPhone {
			out["contact"] = phone.value
		}
		for f, v := range u.lex.match(words, form) {
			out[f] = v
		}
		// An address is for the post when the message says so or carries
		// a postal code.
		if addr, ok := findAddress(text, words, values); ok && (out["delivery"] == "post" || mentionsAddress(words) || postalCodeRE.MatchString(addr.value)) {
			out["post_address"] = addr.value
		}
	}
	return emptyNil(out)
}

func emptyNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// locationOf returns the most precise place the message names: a street
// address with a house number, a landmark, a street, or a settlement.
func locationOf(text string, words []word, m *municipality.Municipality, values []span) (string, bool) {
	if sp, ok := findAddress(text, words, values); ok {
		return sp.value, true
	}
	if sp, ok := findLandmark(text, words); ok {
		return sp.value, true
	}
	if sp, ok := findStreet(text, words); ok {
		return sp.value, true
	}
	if name, _, ok := settlementOf(m, words); ok {
		return name, true
	}
	return "", false
}

// postalCodeRE is a Serbian or Bosnian postal code: five digits.
var postalCodeRE = regexp.MustCompile(`(?:^|\D)\d{5}(?:$|\D)`)

// mentionsAddress reports whether the message speaks of an address
// ("na adresu", "adresa").
func mentionsAddress(words []word) bool {
	for _, w := range words {
		if strings.HasPrefix(w.fold, "adres") || strings.HasPrefix(w.fold, "posalj") || strings.HasPrefix(w.fold, "dostav") {
			return true
		}
	}
	return false
}

// politeWords open or close a message without saying anything about the
// problem (folded).
var politeWords = map[string]bool{
	"dobar": true, "dan": true, "dobro": true, "jutro": true, "vece": true, "zdravo": true, "pozdrav": true,
	"postovani": true, "postovana": true, "postovanje": true, "cao": true, "hej": true, "halo": true,
	"molim": true, "vas": true, "te": true, "hvala": true, "unapred": true, "unaprijed": true,
	"pozdravom": true, "srdacan": true, "srdacno": true, "lepo": true, "lijepo": true, "veliko": true,
	"puno": true, "mia": true, "pomoc": true, "pomozbog": true, "bog": true,
}

// description returns the problem statement of a message: the text
// without the greeting or politeness it opens or closes with, when at
// least three words remain.
func description(text string, words []word) string {
	i, j := 0, len(words)
	for i < j && politeWords[words[i].fold] {
		i++
	}
	for j > i && politeWords[words[j-1].fold] {
		j--
	}
	if j-i < 3 {
		return ""
	}
	d := text[words[i].start:words[j-1].end]
	// Keep a closing punctuation mark that ends the statement.
	if rest := text[words[j-1].end:]; strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "!") {
		d += rest[:1]
	}
	return strings.TrimSpace(d)
}
