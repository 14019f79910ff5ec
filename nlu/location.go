package nlu

import (
	"regexp"
	"strings"

	"github.com/miasrbija/mia/municipality"
)

// houseNumberRE is a house number as one word: 12, 12a, 5b, or "bb"
// (bez broja, no number).
var houseNumberRE = regexp.MustCompile(`^(?:[1-9]\d{0,3}[a-zA-Zа-шА-Ш]?|bb|бб)$`)

// Folded words that name a street, square or settlement part.
var streetWords = map[string]bool{
	"ulica": true, "ulici": true, "ulicu": true, "ulice": true, "ul": true, "bulevar": true, "bulevaru": true,
	"trg": true, "trgu": true, "naselje": true, "naselju": true, "sokak": true, "sokaku": true, "put": true,
	"putu": true, "venac": true, "vencu": true, "prolaz": true, "prolazu": true, "sorinka": true,
}

// unitWords follow a number that is not a house number ("12 dana").
var unitWords = map[string]bool{
	"dana": true, "dan": true, "sati": true, "sata": true, "h": true, "godina": true, "godine": true,
	"meseci": true, "mesec": true, "meseca": true, "nedelja": true, "nedelje": true, "minuta": true,
	"puta": true, "put": true, "dinara": true, "din": true, "km": true, "m": true, "metara": true,
	"cm": true, "kg": true, "posto": true, "ljudi": true, "kuca": true, "komada": true,
}

// findAddress returns a street address with a house number: the run of
// capitalised words and street words before a house number, with "kod
// broja"/"broj" between them ("Ulici Venac Petra Bojovića kod broja 12",
// "Trg cara Uroša 1"), extended by a following postal code and place
// (", 25000 Sombor").
func findAddress(s string, words []word, skip []span) (span, bool) {
	for i, w := range words {
		if !houseNumberRE.MatchString(w.orig) || i == 0 || overlaps(w.start, w.end, skip) {
			continue
		}
		if i+1 < len(words) && unitWords[words[i+1].fold] {
			continue
		}
		j := i - 1
		// "kod broja 12", "br. 12", "broj 12"
		for j >= 0 && (words[j].fold == "broj" || words[j].fold == "broja" || words[j].fold == "br" || words[j].fold == "kbr") {
			j--
			if j >= 0 && words[j].fold == "kod" {
				j--
			}
		}
		first := streetRunStart(words, j)
		if first < 0 {
			first = lowerStreetStart(words, j)
		}
		if first < 0 {
			continue
		}
		end := w.end
		// ", 25000 Sombor"
		if i+2 < len(words) && len(words[i+1].orig) == 5 && words[i+1].digits && words[i+2].upper {
			end = words[i+2].end
		}
		return span{words[first].start, end, strings.TrimSpace(s[words[first].start:end])}, true
	}
	return span{}, false
}

// streetRunStart walks back from words[j] over a street name: capitalised
// words, street words, and single lower-case words inside the name
// ("Trg cara Uroša"). It returns the first word's index, or -1 when
// words[j] starts no street name.
func streetRunStart(words []word, j int) int {
	first := -1
	for k := j; k >= 0; k-- {
		w := words[k]
		switch {
		case w.digits && k < j && words[k+1].upper:
			// "Ulica 1. maja", "Trg 27. marta": a number inside the name
			first = k
		case w.upper || streetWords[w.fold]:
			first = k
		case first >= 0 && k > 0 && (words[k-1].upper || streetWords[words[k-1].fold]) && !stopWord(w.fold) && len(w.fold) > 2:
			first = k
		default:
			return trimLower(words, first)
		}
	}
	return trimLower(words, first)
}

// lowerStreetStart reads a street typed in lower case ("u kralja petra
// 30"): one to three words of letters before the number, right after
// "u", "na" or a street word. It returns the first word's index, or -1.
func lowerStreetStart(words []word, j int) int {
	k := j
	for k >= 0 && j-k < 3 && !words[k].digits && len(words[k].fold) >= 3 && isLetters(words[k].orig) &&
		!stopWord(words[k].fold) && !streetWords[words[k].fold] {
		k--
	}
	if k == j || k < 0 {
		return -1
	}
	switch f := words[k].fold; {
	case f == "u" || f == "na":
		return k + 1
	case streetWords[f]:
		return k
	}
	return -1
}

// trimLower drops lower-case words at the start of a street run (they
// belong to the sentence, not the name).
func trimLower(words []word, first int) int {
	for first >= 0 && first < len(words) && !words[first].upper && !streetWords[words[first].fold] && !words[first].digits {
		first++
		if first < len(words) && houseNumberRE.MatchString(words[first].orig) {
			return -1
		}
	}
	return first
}

// landmarkPreps introduce a place described by what is near it.
var landmarkPreps = [][]string{
	{"preko", "puta"}, {"u", "blizini"}, {"na", "uglu"}, {"na", "cosku"}, {"na", "raskrsnici"}, {"na", "kraju"},
	{"na", "pocetku"}, {"na", "putu"}, {"na", "sredini"}, {"izmedju"},
	{"pored"}, {"kod"}, {"ispred"}, {"iza"}, {"blizu"}, {"kraj"}, {"iznad"}, {"ispod"}, {"duz"}, {"pokraj"},
	// A corner is a place in the nominative too, as people write an
	// address ("ugao Vojvođanske i Staparskog puta").
	{"ugao"},
}

// singlePrep reports whether f is a one-word landmark preposition.
func singlePrep(f string) bool {
	for _, p := range landmarkPreps {
		if len(p) == 1 && p[0] == f {
			return true
		}
	}
	return false
}

// routeWords name a place on the way somewhere; routeLink the preposition
// that says where.
var (
	routeWords = map[string]bool{"putu": true}
	routeLink  = map[string]bool{"ka": true, "prema": true, "za": true, "do": true, "od": true}
)

// notPlaces follow "kod" without naming a place ("kod nas", "kod mene").
var notPlaces = map[string]bool{
	"nas": true, "mene": true, "vas": true, "njih": true, "sebe": true, "tebe": true, "njega": true, "nje": true,
	"broja": true, "broj": true, "br": true, "koga": true, "cega": true, "toga": true,
}

// findLandmark returns a place named by what is near it: a preposition,
// its noun (an adjective or possessive before it), a following proper
// name, and "u/na" with a settlement or street ("pored kanala u
// Bezdanu", "kod škole Avram Mrazović", "na uglu Njegoševe i Zmaj
// Jovine").
func findLandmark(s string, words []word) (span, bool) {
	for i := range words {
		for _, p := range landmarkPreps {
			if i+len(p) > len(words) || !wordsAre(words[i:i+len(p)], p) {
				continue
			}
			j := i + len(p)
			// "na putu ka Bezdanu": the place follows a second
			// preposition; without one ("na putu kod škole") a later
			// preposition names it.
			if routeWords[words[j-1].fold] {
				if j+1 >= len(words) || !routeLink[words[j].fold] || words[j+1].digits || words[j+1].punct {
					continue
				}
				j++
			}
			if j >= len(words) || words[j].digits || notPlaces[words[j].fold] || notNoun(words[j].fold) || words[j].punct {
				// "na uglu" names a place of its own; "kod" alone none.
				if len(p) > 1 && selfPlaces[p[1]] {
					last := words[j-1]
					return span{words[i].start, last.end, s[words[i].start:last.end]}, true
				}
				continue
			}
			// "na ćošku kod pekare": a second preposition names what
			// the first one is next to.
			if len(p) > 1 && j+1 < len(words) && singlePrep(words[j].fold) && !words[j+1].digits && !notPlaces[words[j+1].fold] {
				j++
			}
			end := landmarkEnd(s, words, j)
			return span{words[i].start, words[end].end, s[words[i].start:words[end].end]}, true
		}
	}
	return span{}, false
}

// landmarkEnd returns the index of the last word of a landmark whose noun
// phrase starts at words[j].
func landmarkEnd(s string, words []word, j int) int {
	next := func(k int) bool {
		// the next word follows without punctuation between
		return k+1 < len(words) && strings.TrimSpace(s[words[k].end:words[k+1].start]) == ""
	}
	end := j
	if (adjectiveLike(words[j].fold) || words[j].upper) && next(end) && !words[end+1].digits && !notNoun(words[end+1].fold) {
		end++ // "starog groblja", "moje kuće", "Doma zdravlja"
	}
	// "doma zdravlja", "centra za socijalni rad": an institution's name
	// goes on in the genitive.
	if institutionHeads[words[end].fold] && next(end) && !words[end+1].digits && !notNoun(words[end+1].fold) && len(words[end+1].fold) >= 4 {
		end++
	} else if institutionHeads[words[end].fold] && next(end) && stopWord(words[end+1].fold) && next(end+1) && next(end+2) &&
		!notNoun(words[end+2].fold) && !notNoun(words[end+3].fold) {
		end += 3
	}
	for next(end) && words[end+1].upper {
		end++ // "škole Avram Mrazović"
	}
	// "i Zmaj Jovine" after "na uglu X"
	if next(end) && words[end+1].fold == "i" && next(end+1) && words[end+2].upper {
		end += 2
		for next(end) && words[end+1].upper {
			end++
		}
	}
	// "Staparskog puta", "Njegoševe ulice": a street noun after the
	// proper name is the name's own ("puta" only there: elsewhere it
	// counts times).
	if words[end].upper && next(end) && (streetWords[words[end+1].fold] || words[end+1].fold == "puta") {
		end++
	}
	// "sa zadnje strane", "s druge strane": which side of the landmark
	if next(end) && (words[end+1].fold == "sa" || words[end+1].fold == "s") && next(end+1) && next(end+2) &&
		strings.HasPrefix(words[end+3].fold, "stran") {
		end += 3
	}
	// "u Bezdanu", "na Bulevaru", and where a road leads: "za Bački
	// Monoštor", "prema Staparu", "ka Bezdanu", "do Kljajićeva"
	if next(end) && placeLink[words[end+1].fold] && next(end+1) && words[end+2].upper {
		end += 2
		for next(end) && words[end+1].upper {
			end++
		}
	}
	return end
}

// selfPlaces are the nouns of two-word landmark prepositions that name
// a place without an object ("na uglu", "na raskrsnici").
var selfPlaces = map[string]bool{"uglu": true, "cosku": true, "raskrsnici": true}

// institutionHeads are the nouns an institution's name starts with, the
// rest following in the genitive ("Dom zdravlja", "Centar za socijalni
// rad"), folded in their usual cases.
var institutionHeads = map[string]bool{
	"dom": true, "doma": true, "domu": true, "domom": true, "centar": true, "centra": true, "centru": true,
	"zavod": true, "zavoda": true, "zavodu": true,
}

// notNoun reports whether a folded word is a function word, a common
// verb or an adverb, which cannot be the noun of a place ("na raskrsnici
// ne radi", "kod škole nema svetla").
func notNoun(f string) bool {
	if stopWord(f) {
		return true
	}
	switch f {
	case "ne", "je", "se", "su", "a", "da", "li", "ima", "nema", "nije", "nisu", "vec", "jos", "opet", "stalno",
		"sve", "to", "ovo", "ono", "bi", "ce", "cu", "sam", "smo", "ste", "bas", "tu", "tamo", "sada", "sad",
		"danas", "juce", "niko", "nista", "stoji", "radi", "gori", "curi", "lezi", "visi", "pada":
		return true
	}
	return false
}

// placeLink are the prepositions after which a proper name still belongs
// to the landmark.
var placeLink = map[string]bool{"u": true, "na": true, "za": true, "prema": true, "ka": true, "do": true, "od": true}

// adjectiveLike reports whether a folded word looks like an adjective or
// possessive in the genitive/nominative, so the noun after it belongs to
// the landmark.
func adjectiveLike(f string) bool {
	switch f {
	case "moje", "nase", "vase", "njihove", "njene", "njegove", "ove", "one", "te", "moja", "nasa", "nas", "nasi":
		return true
	}
	for _, suf := range []string{"og", "eg", "skog", "ske", "ih", "oj", "ne", "ke"} {
		if strings.HasSuffix(f, suf) && len(f) > len(suf)+2 {
			return true
		}
	}
	return false
}

// findStreet returns a street named without a house number, marked by a
// street word ("u Njegoševoj ulici", "u Ulici kralja Petra").
func findStreet(s string, words []word) (span, bool) {
	for i, w := range words {
		if !streetWords[w.fold] || w.fold == "put" || w.fold == "putu" {
			continue
		}
		start, end := i, i
		for start > 0 && words[start-1].upper {
			start--
		}
		for end+1 < len(words) && words[end+1].upper {
			end++
		}
		if start == i && end == i {
			continue
		}
		return span{words[start].start, words[end].end, s[words[start].start:words[end].end]}, true
	}
	return span{}, false
}

// settlementOf finds a settlement of m named in words: capitalised, or
// after "u", "iz", "selo", "mz" (people type place names in lower case).
// A settlement negated ("nije u Bezdanu") does not count; after a
// contrast ("…nego u Kolutu") the last one named wins, otherwise the
// first. It returns the settlement's configured name and its words.
func settlementOf(m *municipality.Municipality, words []word) (string, span, bool) {
	if m == nil {
		return "", span{}, false
	}
	type found struct {
		name string
		at   span
		i    int
	}
	var all []found
	for _, name := range m.Settlements {
		sw := splitText(name)
		for i := 0; i+len(sw) <= len(words); i++ {
			if !words[i].upper && (i == 0 || !placeCue(words[i-1].fold)) {
				continue
			}
			ok := true
			for k := range sw {
				if !placeWordMatches(words[i+k], sw[k]) {
					ok = false
					break
				}
			}
			if ok && !placeNegated(words, i) {
				last := words[i+len(sw)-1]
				all = append(all, found{name, span{words[i].start, last.end, ""}, i})
			}
		}
	}
	if len(all) == 0 {
		return "", span{}, false
	}
	pick := all[0]
	for _, f := range all[1:] {
		if hasContrast(words) == (f.i > pick.i) {
			pick = f
		}
	}
	return pick.name, pick.at, true
}

// placeNegated reports whether the place named at words[i] is negated:
// "nije Bezdan", "nije u Bezdanu", "ne u Bezdanu".
func placeNegated(words []word, i int) bool {
	if i > 0 && (words[i-1].fold == "u" || words[i-1].fold == "iz") {
		i--
	}
	return negated(words, i)
}

func placeCue(f string) bool {
	switch f {
	case "u", "iz", "selo", "selu", "sela", "mz", "naselje", "naselju", "zajednici", "zajednica":
		return true
	}
	return false
}

// placeWordMatches compares a message word with a word of a place name,
// declined ("Bezdanu", "Staparu", "Riđici") or not.
func placeWordMatches(w, place word) bool {
	if w.ekav == place.ekav {
		return true
	}
	if placeAdjective(w.ekav, place.ekav) {
		return false // "Staparski put", "Gakovačka": a street named after the place
	}
	if w.stem == place.stem {
		return true
	}
	// Declension changes at most the last two letters of the name and
	// adds up to three.
	p := place.ekav
	if len(p) < 4 {
		return false
	}
	stemLen := len(p) - 1
	if len(p) >= 6 {
		stemLen = len(p) - 2
	}
	return strings.HasPrefix(w.ekav, p[:stemLen]) && len(w.ekav) <= len(p)+3
}

// placeAdjective reports whether a folded word is an adjective made from
// a place name ("staparski", "bezdanskog", "gakovacka", "aleksandrovackoj"
// of Stapar, Bezdan, Gakovo, Aleksandrovac): where it leaves the name, it
// carries the suffix -sk- or -čk- (folded "ck"), which no case ending of
// a noun has. Roads and
// streets are named so ("Staparski put" is a street of Sombor, not the
// village).
func placeAdjective(w, place string) bool {
	i := 0
	for i < len(w) && i < len(place) && w[i] == place[i] {
		i++
	}
	if i < 3 {
		return false // not the place's word
	}
	// The suffix may begin with the name's last letter ("Aleksandrovac" →
	// "aleksandrovacka"); a name that is itself such an adjective ("Bački
	// Breg") keeps it in its own ending.
	has := func(s string) bool { return strings.Contains(s, "sk") || strings.Contains(s, "ck") }
	return has(w[i-1:]) && !has(place[i-1:])
}

// seatOf returns the seat's name of m ("Sombor" of "Grad Sombor").
func seatOf(m *municipality.Municipality) string {
	if m == nil {
		return ""
	}
	name := m.Name
	for _, p := range []string{"Grad ", "Opština ", "Општина ", "Град "} {
		name = strings.TrimPrefix(name, p)
	}
	return name
}

// seatSpan finds the seat of m named as a place: capitalised, or after
// a place cue ("u Laktašima", "u somboru").
func seatSpan(m *municipality.Municipality, words []word) (span, bool) {
	seat := seatOf(m)
	if seat == "" {
		return span{}, false
	}
	sw := splitText(seat)
	if len(sw) != 1 {
		return span{}, false
	}
	for i, w := range words {
		if (w.upper || i > 0 && placeCue(words[i-1].fold)) && placeWordMatches(w, sw[0]) && !placeNegated(words, i) {
			return span{w.start, w.end, ""}, true
		}
	}
	return span{}, false
}

// villageOf reads whether the message places the problem in a village:
// "yes" when it names a settlement of m or says "u selu"; "no" when it
// names the seat or says "u gradu"/"u centru"; "" otherwise. A place
// negated ("nije u selu") does not count. After a contrast ("ipak nije u
// selu, nego u gradu") the last place named wins; otherwise a settlement
// wins over the words, and the words over the seat.
func villageOf(m *municipality.Municipality, words []word) string {
	type cue struct {
		v    string
		i    int
		rank int // settlement 0, words 1, seat 2
	}
	var cues []cue
	if _, at, ok := settlementOf(m, words); ok {
		cues = append(cues, cue{"yes", wordAt(words, at.start), 0})
	}
	for i := 1; i < len(words); i++ {
		if words[i-1].fold != "u" && words[i-1].fold != "na" || words[i].punct || negated(words, i-1) {
			continue
		}
		switch words[i].fold {
		case "selu", "selo":
			cues = append(cues, cue{"yes", i, 1})
		case "gradu", "centru", "grad":
			cues = append(cues, cue{"no", i, 1})
		}
	}
	if seat := seatOf(m); seat != "" {
		sw := splitText(seat)
		for i, w := range words {
			if len(sw) == 1 && w.upper && placeWordMatches(w, sw[0]) && !placeNegated(words, i) {
				cues = append(cues, cue{"no", i, 2})
			}
		}
	}
	if len(cues) == 0 {
		return ""
	}
	pick := cues[0]
	for _, c := range cues[1:] {
		if hasContrast(words) && c.i > pick.i || !hasContrast(words) && c.rank < pick.rank {
			pick = c
		}
	}
	return pick.v
}
