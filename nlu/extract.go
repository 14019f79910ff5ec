package nlu

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

// slots reads the values a message carries for form (may be "").
func (u *Understander) slots(text string, words []word, m *municipality.Municipality, form string, intent Intent) (map[string]string, map[string][]string) {
	out := map[string]string{}
	var named map[string][]string
	if ref := FindCaseRef(text); ref != "" {
		out["case_ref"] = ref
	}
	if form == "" {
		return emptyNil(out), nil
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
		loc, place, hasLoc := locationOf(text, words, m, values)
		if u.lex.isLabel(form, words) {
			loc, place, hasLoc = "", nil, false
		}
		if c := u.categoryOf(text, words, place, intent == CommunalReport); c != "" {
			out["category"] = c
		}
		if v := villageOf(m, words); v != "" {
			out["village"] = v
		}
		if hasLoc {
			out["location"] = loc
		}
		if intent == CommunalReport {
			if d := u.statement(text, words, place, out["category"]); d != "" && out["category"] != "" {
				out["description"] = d
			}
		}
	case forms.FormRegistryExtract:
		if hasJMBG {
			out["jmbg"] = jmbg.value
		}
		opts, all := u.lex.match(words, form)
		for f, vs := range all {
			if len(vs) > 1 {
				if named == nil {
					named = map[string][]string{}
				}
				named[f] = vs
			}
		}
		if !hasName && len(opts) == 0 && (intent == Inform || intent == RegistryExtract) {
			name, hasName = bareName(text, words, m)
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
		for f, v := range opts {
			out[f] = v
		}
		// An address is for the post when the message says so or carries
		// a postal code.
		if addr, ok := findAddress(text, words, values); ok && (out["delivery"] == "post" || mentionsAddress(words) || postalCodeRE.MatchString(addr.value)) {
			out["post_address"] = addr.value
		}
	}
	return emptyNil(out), named
}

// bareName reads a message that is only a name ("Sara Ilić"), typed
// before the name is asked: two or three capitalised words, no place of
// the municipality.
func bareName(s string, words []word, m *municipality.Municipality) (span, bool) {
	if len(words) < 2 || len(words) > 3 {
		return span{}, false
	}
	if _, _, ok := settlementOf(m, words); ok {
		return span{}, false
	}
	sp, ok := nameAt(s, words, 0, false)
	if !ok || sp.end != words[len(words)-1].end {
		return span{}, false
	}
	return sp, true
}

// streetBeside finds a street named by its possessive adjective alone
// right beside a settlement ("Stapar, Dožetova", "u Dožetovoj u
// Staparu"): a capitalised word ending as such street names do (-ova,
// -eva, in any case).
func streetBeside(s string, words []word, settlement span) (span, bool) {
	first, last := -1, -1
	for i, w := range words {
		if w.start >= settlement.start && w.end <= settlement.end {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return span{}, false
	}
	cands := []int{first - 1, last + 1}
	if first >= 2 && words[first-1].fold == "u" {
		cands = append(cands, first-2) // "u Dožetovoj u Staparu"
	}
	for _, i := range cands {
		if i < 0 || i >= len(words) || !words[i].upper || !isLetters(words[i].orig) {
			continue
		}
		if possessiveStreetRE.MatchString(words[i].fold) {
			w := words[i]
			return span{w.start, w.end, s[w.start:w.end]}, true
		}
	}
	return span{}, false
}

// possessiveStreetRE matches a possessive adjective as street names use
// it, folded: Dožetova, Njegoševoj, Vukovu.
var possessiveStreetRE = regexp.MustCompile(`^[a-z]{3,}(ov|ev)(a|oj|u|e|om)$`)

func emptyNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// locationOf returns the most precise place the message names: a street
// address with a house number, a landmark, a street, or a settlement. A
// settlement named apart from the address or landmark ("u Gakovu … kod
// crkve") is kept with it: without it the place cannot be found. It
// also returns the spans of the message the place covers.
func locationOf(text string, words []word, m *municipality.Municipality, values []span) (string, []span, bool) {
	var sp span
	found := false
	if a, ok := findAddress(text, words, values); ok {
		sp, found = a, true
	} else if l, ok := findLandmark(text, words); ok {
		sp, found = l, true
	} else if st, ok := findStreet(text, words); ok {
		sp, found = st, true
	}
	name, at, hasSettlement := settlementOf(m, words)
	if hasSettlement && !found {
		sp, found = streetBeside(text, words, at)
	}
	if !hasSettlement {
		// The seat ("u Laktašima kod pijace") places a landmark too; it
		// is never a location of its own.
		at, hasSettlement = seatSpan(m, words)
		if !found || !hasSettlement {
			hasSettlement = false
		}
	}
	switch {
	case !found && !hasSettlement:
		return "", nil, false
	case !found:
		return name, []span{at}, true
	case !hasSettlement || overlaps(at.start, at.end, []span{sp}):
		return sp.value, []span{sp}, true
	}
	// Widen the settlement to its cue ("u Gakovu", "u selu Kolut", "u MZ
	// Stanišić").
	first := wordAt(words, at.start)
	for n := 0; n < 2 && first > 0 && placeCue(words[first-1].fold) && !words[first].punct; n++ {
		first--
		at.start = words[first].start
	}
	// Next to each other, or apart by punctuation only ("kod škole, selo
	// Rastina", "Sombor–Bezdan"): one span of the message in its own
	// order.
	lo, hi := sp, at
	if at.start < sp.start {
		lo, hi = at, sp
	}
	if gap := text[lo.end:hi.start]; !strings.ContainsFunc(gap, isWordRune) {
		v := text[lo.start:hi.end]
		return v, []span{{lo.start, hi.end, v}}, true
	}
	sep := " " // "kod crkve u Gakovu"
	if !placeCue(words[first].fold) {
		sep = ", " // "kod Doma kulture, Stanišić"
	}
	return sp.value + sep + text[at.start:at.end], []span{sp, at}, true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordAt returns the index of the word starting at byte offset off, or -1.
func wordAt(words []word, off int) int {
	for i, w := range words {
		if w.start == off {
			return i
		}
	}
	return -1
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

// intensifiers are polite only before another polite word ("puno
// hvala"); before a noun they describe the problem ("puno smeća").
var intensifiers = map[string]bool{"puno": true, "veliko": true, "lepo": true, "lijepo": true, "dobro": true}

// description returns the problem statement of a message: the text
// without the greeting or politeness it opens or closes with, when at
// least three words remain.
func description(text string, words []word) string {
	i, j := 0, len(words)
	// "Puno smeća" opens a problem; "puno hvala", "dobro jutro" do not.
	for i < j && politeWords[words[i].fold] && (!intensifiers[words[i].fold] || i+1 < j && politeWords[words[i+1].fold]) {
		i++
	}
	for j > i && politeWords[words[j-1].fold] {
		j--
	}
	if j-i < 3 {
		return ""
	}
	end := words[j-1].end
	// A closing bracket or quote belongs to the last word: a mask
	// ("[TELEFON]") or a quoted name must not lose its end.
	for end < len(text) && strings.ContainsRune(closers, rune(text[end])) {
		end++
	}
	d := text[words[i].start:end]
	// Keep a closing punctuation mark that ends the statement.
	if rest := text[end:]; strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "!") {
		d += rest[:1]
	}
	return strings.TrimSpace(d)
}

// closers are the closing marks kept right after a description's last
// word.
const closers = ")]\"'"

// statement returns the description of a report: the problem as stated,
// without the questions the message closes with ("…, deca se igraju
// pored, jel to normalno? Koga da zovem?"). Those are asked of MIA, not
// told to the service. A question clause is left off only while what is
// left still names the same problem (its category), so a question that
// carries the problem ("Da li neko može da pokupi smeće?") stays whole.
func (u *Understander) statement(text string, words []word, place []span, category string) string {
	cut := len(text)
	for category != "" {
		c := questionStart(text[:cut])
		if c <= 0 {
			break
		}
		var rest []word
		for _, w := range words {
			if w.end <= c {
				rest = append(rest, w)
			}
		}
		if len(rest) < 3 || u.categoryOf(text[:c], rest, place, true) != category {
			break
		}
		cut = c
	}
	var kept []word
	for _, w := range words {
		if w.end <= cut {
			kept = append(kept, w)
		}
	}
	return description(strings.TrimRight(text[:cut], " ,;:-"), kept)
}

// questionStart returns where the question clause that ends s begins: the
// byte after the sentence mark or comma before it; -1 when s does not end
// with a question mark, 0 when the question is all of s.
func questionStart(s string) int {
	t := strings.TrimRight(s, " \t\n\"'”»)")
	if !strings.HasSuffix(t, "?") {
		return -1
	}
	t = strings.TrimRight(t, "?! ")
	if i := strings.LastIndexAny(t, ".!?,;"); i >= 0 {
		return i + 1
	}
	return 0
}
