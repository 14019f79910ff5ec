package forms

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// Validation by meaning: a free-text field must not keep a question, a
// problem's description must describe something, and a typed location must
// look like a place. The rules are general features of Serbian text
// (closed word classes: question words, spatial prepositions, street-type
// nouns, courtesy formulas; Snowball stems for everything else), not lists
// of sentences seen.

// Meanings a text field can require (Field.Meaning).
const (
	MeaningProblem = "problem" // a description of a problem
	MeaningAddress = "address" // a postal address: a street or place and a number
	// MeaningMessage is a message for staff (the inquiry form): a question
	// about services is exactly what it may hold.
	MeaningMessage = "message"
)

var (
	errQuestion = errors.New("ovo izgleda kao pitanje, a ne kao odgovor. Na pitanja odgovaram kada završite ili otkažete obrazac; ovde napišite traženi podatak")
	errGreeting = errors.New("to je pozdrav, a ne opis problema. Napišite šta je problem (šta ne valja i od kada)")
	errVague    = errors.New("napišite malo određenije šta je problem (šta ne valja i od kada)")
	// errNotPlace is the kind of notPlace's errors, for errors.Is.
	errNotPlace = errors.New("not a place")
	errLocQ     = errors.New("ovo izgleda kao pitanje, a ne kao mesto. Upišite gde je problem (ulica i broj, naselje ili orijentir) ili podelite lokaciju")
	errNoNumber = errors.New("upišite adresu sa brojem (ulica i broj, poštanski broj i mesto)")
)

// wordSet builds a set of folded words.
func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var (
	// Question words (folded). "sto" is left out: "Što niko ne odnosi
	// smeće" is a complaint as often as a question.
	interrogatives = wordSet(`kako gde kuda odakle dokle kada kad koliko kolika koliki koji koja koje kojeg kojem kome koga
		cemu cime sta zasto ciji cija cije kakav kakva kakvo kakve kakvi`)
	// Stems (folded prefixes) of what questions about services ask:
	// permission and need (mogu, treba, moram), fees, opening hours,
	// documents and procedure. A question carrying one asks for
	// information; one without (Zašto niko ne odnosi smeće?) may be a
	// complaint and is kept.
	procedureStems = []string{
		"mog", "moz", "mor", "treb", "potreb", "smem", "sme ",
		"kost", "cen", "plac", "plat", "taks", "naknad", "iznos", "porez", "besplat",
		"radn", "sat",
		"salter", "zahtev", "obraz", "dokument", "potvrd", "uveren", "izvod", "postup", "predmet", "rok",
		"prijav", "podnos", "podnet", "preda", "zakaz", "termin",
	}
	// Greetings and thanks (folded words), and the courtesy fillers that
	// go with them: a message made only of these and function words
	// greets or thanks; fillers are no content of a description either.
	greetings = wordSet(`zdravo cao pozdrav pozdravi pozdravljam hvala zahvaljujem zahvaljujemo dobar dobro dobra dobri
		jutro vece postovanje postovani postovana`)
	courtesy = wordSet(`zdravo cao pozdrav pozdravi pozdravljam hvala zahvaljujem zahvaljujemo dobar dobro dobra dobri
		jutro dan vece postovanje postovani postovana molim izvinite izvini vam vi ti tebi puno mnogo unapred lepo
		srdacno ok okej super gospodo`)
	// Spatial prepositions and phrases: followed by a noun they name a
	// place ("kod škole", "pored kanala", "ugao X i Y").
	spatial = wordSet(`kod pored ispred iza izmedu blizu naspram nasuprot preko kraj uz duz iznad ispod prema
		ugao uglu ugla raskrsnica raskrsnici raskrsnice okretnica okretnici`)
	// Street-type nouns (folded stems as prefixes).
	streetStems = []string{"ulic", "ul.", "trg", "bulevar", "sokak", "sor", "naselj", "setalist", "kej", "venac", "sokac", "prolaz", "put"}
)

// words returns the folded words of s (letters and digits).
func words(s string) []string {
	return strings.FieldsFunc(serbian.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// isQuestion reports whether text is put as a question: it ends in "?",
// starts with a question word, or asks "da li" / "ima li" / "je li".
func isQuestion(text string) bool {
	if strings.HasSuffix(strings.TrimRight(text, " .!\"'”»)"), "?") {
		return true
	}
	ws := words(text)
	if len(ws) == 0 {
		return false
	}
	return interrogatives[ws[0]] || len(ws) > 1 && ws[1] == "li"
}

// asksProcedure reports whether text mentions what questions about
// services ask: permission or need, fees, hours, documents, procedure.
func asksProcedure(text string) bool {
	for _, w := range words(text) {
		for _, st := range procedureStems {
			if strings.HasPrefix(w+" ", st) {
				return true
			}
		}
	}
	return false
}

// isServiceQuestion is a question a free-text field must not keep.
func isServiceQuestion(text string) bool {
	if !isQuestion(text) {
		return false
	}
	ws := words(text)
	// "Kako da…", "Gde da…": the citizen asks what to do.
	if len(ws) > 1 && interrogatives[ws[0]] && ws[1] == "da" {
		return true
	}
	return asksProcedure(text)
}

// metaWords speak about the message, not the problem: wanting, needing,
// reporting, asking ("Hoću nešto da prijavim" describes nothing).
var (
	metaWords = wordSet(`hocu hoce hocemo hteo htela htio zelim zelimo zeleo zelela treba trebam trebalo nesto neki neka neko
		nekog nekom imam ima imamo mogu moze mozete molim evo`)
	metaStems = []string{"prijav", "problem", "pitanj", "javi", "javlj", "obavest", "zamol"}
)

func metaWord(w string) bool {
	if metaWords[w] {
		return true
	}
	for _, p := range metaStems {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// contentWords are the distinct stems of text's content words: function words,
// courtesy formulas and numbers left out.
func contentWords(text string) []string {
	var out []string
	for _, w := range words(text) {
		if courtesy[w] || metaWord(w) || len(w) < 3 || strings.ContainsFunc(w, unicode.IsDigit) || isStopWord(w) {
			continue
		}
		if t := serbian.Tokens(w); len(t) == 1 && !slices.Contains(out, t[0]) {
			out = append(out, t[0])
		}
	}
	return out
}

// isStopWord reports whether a folded word is one of the function words
// search drops (Tokens keeps a lone stop word rather than return nothing).
func isStopWord(w string) bool {
	t := serbian.Tokens(w + " kuca")
	return len(t) == 1 // only the filler survived
}

// checkText validates a text field's value: not a question about
// services, not a greeting where a problem is described (both said
// before any length rule: "Hvala, pozdrav" is not merely short), its
// length, then what its meaning requires.
func checkText(f *Field, text string) error {
	if f.Meaning != MeaningMessage && isServiceQuestion(text) {
		return errQuestion
	}
	if f.Meaning == MeaningProblem && isGreeting(text) {
		return errGreeting
	}
	n := utf8.RuneCountInString(text)
	if f.MinLen > 0 && n < f.MinLen {
		return fmt.Errorf("napišite malo više (najmanje %d znakova)", f.MinLen)
	}
	if f.MaxLen > 0 && n > f.MaxLen {
		return fmt.Errorf("tekst je predugačak (najviše %d znakova)", f.MaxLen)
	}
	switch f.Meaning {
	case MeaningProblem:
		if len(contentWords(text)) < 2 {
			return errVague
		}
	case MeaningAddress:
		if !strings.ContainsFunc(text, unicode.IsDigit) && !hasWord(words(text), "bb") {
			return errNoNumber
		}
	}
	return nil
}

// isGreeting reports whether text greets or thanks and says nothing
// else: a greeting or thanks word, and otherwise only courtesy fillers
// and function words.
func isGreeting(text string) bool {
	core := false
	for _, w := range words(text) {
		switch {
		case greetings[w]:
			core = true
		case courtesy[w] || isStopWord(w):
		default:
			return false
		}
	}
	return core
}

func hasWord(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// streetNumberRE is a street name followed by a house number ("Apatinski
// put 12", "Zmaj Jovina 3a", "kod broja 12", "Karađorđeva bb"), on folded
// text. A ruler's regnal number may stand between ("Kralja Petra I 12",
// "Kralja Aleksandra II 3").
var streetNumberRE = regexp.MustCompile(`\p{L}{3,}\.?,?\s+(?:(?:i{1,3}|iv|vi{0,3}|ix|x)\.?\s+)?(?:br\.?\s*|broj[a-z]*\s+)?(?:\d{1,4}(?:\s?[a-z]\b|/\d+)?|bb)\b`)

// checkPlace reports why a typed location does not look like a place, or
// nil: a street and number, a settlement of the municipality, a landmark
// phrase, a street-type noun with a name. Points are read before this.
func checkPlace(m *municipality.Municipality, text string) error {
	if isQuestion(text) {
		return errLocQ
	}
	folded := serbian.Fold(text)
	if m := streetNumberRE.FindStringSubmatch(folded); m != nil && !isStopWord(strings.Fields(m[0])[0]) {
		return nil
	}
	if _, _, ok := settlementIn(m, text); ok {
		return nil
	}
	ws := words(text)
	for i, w := range ws {
		if spatial[w] && i+1 < len(ws) && !isStopWord(ws[i+1]) {
			return nil
		}
		for _, st := range streetStems {
			if strings.HasPrefix(w, st) && (len(w) <= len(st)+3) && len(ws) > 1 {
				return nil
			}
		}
	}
	return notPlace(m)
}

// placeError explains a location that does not look like a place.
type placeError string

func (e placeError) Error() string        { return string(e) }
func (e placeError) Is(target error) bool { return target == errNotPlace }

// notPlace says what a place looks like with examples of the citizen's
// own municipality: the street of its seat's address, a village of it.
func notPlace(m *municipality.Municipality) error {
	var ex []string
	if m == nil {
		return placeError("ne prepoznajem mesto. Upišite ulicu i broj, naselje ili orijentir ili podelite lokaciju")
	}
	if street, _, _ := strings.Cut(m.Address, ","); strings.ContainsAny(street, "0123456789") || strings.HasSuffix(street, " bb") {
		ex = append(ex, "„"+strings.TrimSpace(street)+"”")
	}
	village := ""
	for _, s := range m.Settlements {
		if village == "" || utf8.RuneCountInString(s) < utf8.RuneCountInString(village) {
			village = s // the shortest is most often one plain word
		}
	}
	if village != "" {
		ex = append(ex, "„kod škole, "+village+"”")
	}
	eg := ""
	if len(ex) > 0 {
		eg = " (npr. " + strings.Join(ex, ", ") + ")"
	}
	return placeError("ne prepoznajem mesto. Upišite ulicu i broj, naselje ili orijentir" + eg + " ili podelite lokaciju")
}

// place is one settlement (or the seat) as stems, for matching.
type place struct {
	name  string
	stems []string
	seat  bool
}

var placeCache sync.Map // *municipality.Municipality → []place

// places returns the municipality's settlements and its seat (the place
// of its postal address) as stems.
func places(m *municipality.Municipality) []place {
	if v, ok := placeCache.Load(m); ok {
		return v.([]place)
	}
	var ps []place
	for _, s := range m.Settlements {
		ps = append(ps, place{name: s, stems: stemsOf(s)})
	}
	if seat := seatOf(m); seat != "" {
		ps = append(ps, place{name: seat, stems: stemsOf(seat), seat: true})
	}
	placeCache.Store(m, ps)
	return ps
}

func stemsOf(s string) []string {
	var out []string
	for _, t := range placeTokens(s) {
		out = append(out, t.stem)
	}
	return out
}

// seatRE is the place after the postal code of an address ("…, 25000 Sombor").
var seatRE = regexp.MustCompile(`\b\d{5}\s+([^,\d]+)$`)

// seatOf is the municipality's seat: the place of its own postal address.
func seatOf(m *municipality.Municipality) string {
	if p := seatRE.FindStringSubmatch(strings.TrimSpace(m.Address)); p != nil {
		return strings.TrimSpace(p[1])
	}
	return ""
}

// placeToken is one word of a text read for places: its folded form, its
// stem, and whether a comma or the like precedes it.
type placeToken struct {
	word, stem string
	afterPunct bool
}

// placeTokens splits text into folded, stemmed words, keeping function
// words (a place is recognised by the preposition before it).
func placeTokens(text string) []placeToken {
	var out []placeToken
	punct := true // the start counts as a boundary
	var w strings.Builder
	flush := func() {
		if w.Len() == 0 {
			return
		}
		word := w.String()
		w.Reset()
		stem := word
		if !isStopWord(word) && !strings.ContainsFunc(word, unicode.IsDigit) {
			if t := serbian.Tokens(word); len(t) == 1 {
				stem = t[0]
			}
		}
		out = append(out, placeToken{word: word, stem: stem, afterPunct: punct})
		punct = false
	}
	for _, r := range serbian.Fold(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteRune(r)
		case unicode.IsSpace(r):
			flush()
		default:
			flush()
			punct = true
		}
	}
	flush()
	return out
}

// placeWords introduce a place: prepositions of place and the nouns that
// name an administrative place ("u Bezdanu", "selo Kolut", "opština
// Sombor", "centar Laktaša").
var placeWords = wordSet(`u iz kod za do od pored blizu kraj prema ka kroz oko iza ispred na
	selo sela selu mesto mesta mestu naselje naselja naselju mz zajednica zajednice zajednici
	opstina opstine opstini grad grada gradu centar centra centru`)

// stemMatch reports whether two stems are the same word: equal, or one
// letter longer when the shorter has four letters or more (the stemmer
// cuts "Bezdan" and "Bezdanu" differently); "Kljajić" is not "Kljajićevo".
func stemMatch(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == b || len(a) >= 4 && len(b) == len(a)+1 && strings.HasPrefix(b, a)
}

// settlementIn finds a settlement (or the seat) named in text as a place:
// at the start, after a comma, or after a word that introduces a place
// ("u Bezdanu", "selo Kolut"), and not followed by a house number. So a
// street named after a person whose name a village shares (Ulica Filipa
// Kljajića 30, Svetozara Miletića 5) is not that village.
func settlementIn(m *municipality.Municipality, text string) (name string, seat, ok bool) {
	toks := placeTokens(text)
	var found *place
	for _, p := range places(m) {
		n := len(p.stems)
		if n == 0 {
			continue
		}
	scan:
		for i := 0; i+n <= len(toks); i++ {
			for j, st := range p.stems {
				if !stemMatch(toks[i+j].stem, st) {
					continue scan
				}
			}
			if i+n < len(toks) && isNumberToken(toks[i+n].word) {
				continue // a street: "Alekse Šantića 12"
			}
			if !toks[i].afterPunct && !placeWords[toks[i-1].word] {
				continue
			}
			// A settlement wins over the seat ("Bezdan, opština Sombor").
			if found == nil || found.seat && !p.seat {
				pp := p
				found = &pp
			}
			break
		}
	}
	if found == nil {
		return "", false, false
	}
	return found.name, found.seat, true
}

func isNumberToken(t string) bool {
	return t != "" && unicode.IsDigit(rune(t[0])) || t == "bb"
}
