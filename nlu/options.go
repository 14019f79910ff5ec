package nlu

import (
	"slices"
	"strings"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/serbian"
)

// phrase is one way of naming an option: its words' stems (and ekavised
// folded forms, for typos), in order.
type phrase struct {
	value string
	stems []string
	ekavs []string
	// catchAll: the name of a catch-all option ("Ostalo", "nešto
	// drugo"), which names it only as a typed button, not inside a
	// sentence ("posle vašara ostalo je smeće").
	catchAll bool
	// action: the phrase names the work of a service, a verb
	// ("počistiti", "isprazniti kontejner", "ne odnose"): done or not,
	// it is that service's problem, so a negation ("niko nije
	// počistio") does not deny it.
	action bool
}

// catchAllValue is the value of a choice field's catch-all option.
const catchAllValue = "other"

// fieldPhrase is a phrase with the field whose option it names.
type fieldPhrase struct {
	field string
	phrase
}

// lexIndex finds option values named in a message.
type lexIndex struct {
	// fields: form → field → phrases of its options.
	fields map[string]map[string][]phrase
	// ordered: form → its phrases of every field, longest first.
	ordered map[string][]fieldPhrase
	// known are the stems of every word of the training examples: a known
	// word is spelt right, so it is never read as a typo of another
	// ("stakla" is glass, not a misspelt "stabla").
	known map[string]bool
	// labels: form → the options' labels as typed from a button, folded
	// word by word.
	labels map[string]map[string]bool
}

// isLabel reports whether the whole message is the label of one of the
// form's options ("Čistoća ulica", typed from its button): it names the
// option, not a place called so.
func (ix *lexIndex) isLabel(form string, words []word) bool {
	return ix.labels[form][foldedWords(words)]
}

func foldedWords(words []word) string {
	f := make([]string, len(words))
	for i, w := range words {
		f[i] = w.fold
	}
	return strings.Join(f, " ")
}

// newLexIndex builds the index from the lexicon and the forms' option
// labels (each label is a phrase of its own).
func newLexIndex(lex Lexicon, examples []Example) (*lexIndex, error) {
	ix := &lexIndex{fields: map[string]map[string][]phrase{}, known: map[string]bool{}, labels: map[string]map[string]bool{}}
	for _, ex := range examples {
		for _, w := range splitText(ex.Text) {
			ix.known[w.stem] = true
		}
	}
	add := func(form, field, value, text string) {
		p := phrase{value: value}
		ws := splitText(text)
		p.catchAll = value == catchAllValue && len(ws) > 0 && len(ws) <= 2 &&
			(ws[0].fold == "ostalo" || ws[0].fold == "nesto" || ws[0].fold == "drugo")
		p.action = len(ws) > 0 && isVerbPhrase(ws)
		for _, w := range ws {
			if w.digits || stopWord(w.fold) {
				continue
			}
			p.stems = append(p.stems, w.stem)
			p.ekavs = append(p.ekavs, w.ekav)
		}
		if len(p.stems) == 0 {
			return
		}
		if ix.fields[form] == nil {
			ix.fields[form] = map[string][]phrase{}
		}
		ix.fields[form][field] = append(ix.fields[form][field], p)
	}
	for _, form := range []string{forms.FormCommunalReport, forms.FormRegistryExtract} {
		def, ok := forms.Lookup(form)
		if !ok {
			return nil, errorf("form %s is not defined", form)
		}
		for _, f := range def.Fields {
			if f.Type != forms.TypeChoice {
				continue
			}
			for _, o := range f.Options {
				add(form, f.Name, o.Value, o.Label)
				if ix.labels[form] == nil {
					ix.labels[form] = map[string]bool{}
				}
				ix.labels[form][foldedWords(splitText(o.Label))] = true
			}
		}
	}
	for form, fields := range lex {
		def, ok := forms.Lookup(form)
		if !ok {
			return nil, errorf("lexicon: unknown form %q", form)
		}
		for field, values := range fields {
			f, ok := def.Field(field)
			if !ok || f.Type != forms.TypeChoice {
				return nil, errorf("lexicon: %s has no choice field %q", form, field)
			}
			for value, texts := range values {
				if _, ok := f.Option(value); !ok {
					return nil, errorf("lexicon: %s.%s has no option %q", form, field, value)
				}
				for _, t := range texts {
					add(form, field, value, t)
				}
			}
		}
	}
	// Longer phrases first, so "izvod iz knjige rođenih" is tried before
	// a single word; map order must not decide.
	ix.ordered = map[string][]fieldPhrase{}
	for form, fields := range ix.fields {
		var all []fieldPhrase
		for field, ps := range fields {
			for _, p := range ps {
				all = append(all, fieldPhrase{field, p})
			}
		}
		slices.SortFunc(all, func(a, b fieldPhrase) int {
			if c := len(b.stems) - len(a.stems); c != 0 {
				return c
			}
			return strings.Compare(a.field+"\x00"+a.value+"\x00"+strings.Join(a.stems, " "),
				b.field+"\x00"+b.value+"\x00"+strings.Join(b.stems, " "))
		})
		ix.ordered[form] = all
	}
	return ix, nil
}

// isVerbPhrase reports whether a lexicon phrase names an action: it opens
// with a negation ("ne odnose", "nije počišćeno"), an infinitive
// ("počistiti", "odneti smeće") or an imperative ("očistite").
func isVerbPhrase(ws []word) bool {
	first := strings.ToLower(ws[0].orig)
	switch ws[0].fold {
	case "ne", "nije", "nisu", "niko":
		return len(ws) > 1
	}
	return strings.HasSuffix(first, "ti") || strings.HasSuffix(first, "ći") || strings.HasSuffix(first, "ite")
}

// optionMatch is one option named at words[at:at+n].
type optionMatch struct {
	value   string
	at, n   int
	negated bool
	// declined: in the scope of a refusal ("ne mogu da dođem", "nemam
	// mejl", "zaboravite šalter", "lično ne mogu"); see declined.
	declined bool
	action   bool
}

// match returns the option of each of form's choice fields that words
// name, and every option each field's words name (not refused), in
// order. A name refused ("nije rasveta", "nemam mejl") does not count;
// after a contrast ("…nego kontejner", "zapravo") the last option named
// wins, otherwise the one named most often (the first on a tie).
func (ix *lexIndex) match(words []word, form string) (map[string]string, map[string][]string) {
	out := map[string]string{}
	named := map[string][]string{}
	for field, ms := range ix.matches(words, form) {
		var live []optionMatch
		for _, m := range ms {
			if !m.negated && !m.declined {
				live = append(live, m)
				if !slices.Contains(named[field], m.value) {
					named[field] = append(named[field], m.value)
				}
			}
		}
		if len(live) == 0 {
			continue
		}
		if hasContrast(words) {
			out[field] = live[len(live)-1].value
			continue
		}
		count := map[string]int{}
		for _, m := range live {
			count[m.value]++
		}
		best := live[0].value
		for _, m := range live {
			if count[m.value] > count[best] {
				best = m.value
			}
		}
		out[field] = best
	}
	return out, named
}

// matches lists, by field, every option phrase of form found in words,
// left to right. Phrases of all fields are tried longest first and each
// word serves one phrase at most, so "lične karte" (a purpose) keeps
// "lične" from also reading as "lično" (a way of delivery).
func (ix *lexIndex) matches(words []word, form string) map[string][]optionMatch {
	used := make([]bool, len(words))
	out := map[string][]optionMatch{}
	for _, fp := range ix.ordered[form] {
		p := fp.phrase
		if p.catchAll && len(words) > 3 {
			continue
		}
		for i := 0; i+len(p.stems) <= len(words); i++ {
			end := ix.phraseAt(words, used, p, i)
			if end < 0 {
				continue
			}
			for k := i; k < end; k++ {
				used[k] = true
			}
			out[fp.field] = append(out[fp.field], optionMatch{value: p.value, at: i, n: end - i, negated: negated(words, i),
				declined: declined(words, i, end), action: p.action})
		}
	}
	for _, ms := range out {
		slices.SortFunc(ms, func(a, b optionMatch) int { return a.at - b.at })
	}
	return out
}

// phraseAt matches p at words[i:] and returns the end (exclusive) of
// the words it covers, or -1. One preposition or conjunction may stand
// between the phrase's words ("kanta za smeće", "svetlo na semaforu"), as
// phrases are kept without them; a phrase does not reach across
// punctuation or a word another phrase took.
func (ix *lexIndex) phraseAt(words []word, used []bool, p phrase, i int) int {
	j := i
	for k := range p.stems {
		if k > 0 && j+1 < len(words) && stopWord(words[j].fold) && !words[j].punct && !used[j] &&
			!ix.wordMatches(words[j], p.stems[k], p.ekavs[k]) {
			j++ // the preposition between two words of the phrase
		}
		if j >= len(words) || used[j] || k > 0 && words[j].punct || !ix.wordMatches(words[j], p.stems[k], p.ekavs[k]) {
			return -1
		}
		j++
	}
	return j
}

// wordMatches compares a message word with a phrase word: the same stem,
// or, for a longer word unknown to the training data, the same spelling
// up to a typo.
func (ix *lexIndex) wordMatches(w word, stem, ekav string) bool {
	if w.digits {
		return false
	}
	if w.stem == stem {
		return true
	}
	if len(stem) < 6 || len(w.ekav) < 6 || ix.known[w.stem] {
		return false
	}
	limit := 1
	if len(stem) >= 9 {
		limit = 2
	}
	// A typo in an inflected word: compare the stem with the word's
	// start of the same length and the stems themselves.
	if d := editDistance(w.stem, stem, limit); d <= limit {
		return true
	}
	if len(w.ekav) >= len(ekav) {
		return editDistance(w.ekav[:len(ekav)], ekav, limit) <= limit
	}
	return false
}

// negated reports whether the option named at i is negated or declined:
// right after "ne", "nije", "neću", "umesto" ("nije rasveta"), with a
// preposition or pronoun between ("ne za školu", "ne treba mi lično"),
// after a negated wish ("ne želim lično"), or after "nego" in a
// preference ("radije poštom nego lično"). A negation further back
// negates a verb ("nije počistio lišće"), not the option.
func negated(words []word, i int) bool {
	if i == 0 || words[i].punct {
		return false
	}
	// Over a preposition: "ne za školu", "nije u Bezdanu".
	if i > 1 && stopWord(words[i-1].fold) && !words[i-1].punct {
		i--
	}
	// Over a pronoun: "ne treba mi lično".
	if i > 1 && clitics[words[i-1].fold] && !words[i-1].punct {
		i--
	}
	switch words[i-1].fold {
	case "ne", "nije", "nisu", "nece", "ni", "necu", "necemo", "umesto", "umjesto":
		return true
	case "nego":
		// "radije poštom nego lično": the option after "nego" is the
		// one declined.
		for _, w := range words[:i-1] {
			if preferWords[w.fold] {
				return true
			}
		}
	}
	// "ne mogu da dođem", "neću da čekam na šalteru": a verb after a
	// negated modal and "da" is negated with it.
	if i > 2 && words[i-1].fold == "da" && !words[i-2].punct {
		switch {
		case words[i-2].fold == "necu" || words[i-2].fold == "necemo" || words[i-2].fold == "nece":
			return true
		case words[i-3].fold == "ne" && wishVerbs[words[i-2].fold]:
			return true
		}
	}
	// "ne želim lično", "ne treba poštom": a wish negated.
	return i > 1 && words[i-2].fold == "ne" && wishVerbs[words[i-1].fold]
}

var (
	clitics     = map[string]bool{"mi": true, "nam": true, "vam": true, "mu": true, "joj": true, "im": true, "ga": true}
	wishVerbs   = map[string]bool{"zelim": true, "zelimo": true, "zeli": true, "treba": true, "trebam": true, "trebaju": true, "mogu": true, "moze": true, "bih": true, "volim": true, "trazim": true}
	preferWords = map[string]bool{"radije": true, "rade": true, "radje": true, "bolje": true}
)

// hasContrast reports whether the message corrects itself or an earlier
// answer ("…nego…", "ipak", "zapravo", "ustvari", "u stvari").
func hasContrast(words []word) bool { return contrastAt(words) >= 0 }

// contrastAt returns the index of the first word that marks a correction,
// or -1.
func contrastAt(words []word) int {
	for i, w := range words {
		switch w.fold {
		case "nego", "zapravo", "ustvari", "ipak", "pogresno", "pogresio", "pogresila":
			return i
		case "stvari":
			if i > 0 && words[i-1].fold == "u" {
				return i
			}
		}
	}
	return -1
}

// correctionCues say that an earlier answer changes without contrasting
// two values in the message ("radije poštom", "predomislila sam se").
var correctionCues = map[string]bool{
	"radije": true, "rade": true, "radje": true, "umesto": true, "umjesto": true, "predomislio": true,
	"predomislila": true, "predomislili": true, "promenite": true, "promeni": true, "promijenite": true,
	"promijeni": true, "izmenite": true, "izmeni": true, "izmijenite": true, "izmijeni": true,
}

// Corrects reports whether a message corrects an earlier answer: it
// says so ("ipak", "nego", "zapravo", "pogrešio sam", "radije",
// "predomislio sam se") or opens with a no ("ne, lično ću preuzeti"). A
// value it names then replaces the one given before.
func Corrects(text string) bool {
	words := splitText(text)
	if hasContrast(words) {
		return true
	}
	for _, w := range words {
		if correctionCues[w.fold] {
			return true
		}
	}
	return len(words) > 1 && (words[0].fold == "ne" || words[0].fold == "nije") && words[1].punct
}

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions, adjacent swaps), or limit+1 as
// soon as it must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// stopWord reports whether a folded word carries no meaning of its own
// for matching option labels (prepositions, conjunctions).
func stopWord(f string) bool {
	switch f {
	case "i", "u", "na", "za", "iz", "sa", "s", "o", "od", "do", "ili", "po", "mk":
		return true
	}
	return false
}

// fold is serbian.Fold, named here for brevity.
func fold(s string) string { return serbian.Fold(s) }

// Words that refuse what follows: a negation refuses its clause
// ("nemam mejl", "ne mogu da dođem lično", "nisam u mogućnosti da
// dođem"), a preposition or an imperative only its object ("umesto
// šaltera", "bez mejla", "zaboravite šalter"). A clause ends at
// punctuation, a contrast ("…, nego poštom", "ali može poštom") or a new
// request ("ne mogu doći pošaljite poštom", "neka stigne…"). After an
// option, "ne" with a first-person modal or the clause's end refuses it
// after the fact ("lično ne mogu", "poštom ne, lično da").
var (
	refusalWords = map[string]bool{
		"ne": true, "nije": true, "nisu": true, "nisam": true, "nismo": true, "necu": true, "necemo": true, "nece": true,
		"nemam": true, "nemamo": true, "nema": true, "nemoj": true, "nemojte": true, "nikako": true,
	}
	refusalPreps = map[string]bool{"umesto": true, "umjesto": true, "bez": true, "zaboravi": true, "zaboravite": true}
	scopeEnds    = map[string]bool{"nego": true, "vec": true, "ali": true, "a": true, "ipak": true, "pa": true, "ili": true, "neka": true}
	refusedAfter = map[string]bool{
		"mogu": true, "mozemo": true, "zelim": true, "zelimo": true, "stignem": true, "stizem": true, "bih": true,
		"treba": true, "trebam": true, "odgovara": true, "ide": true,
	}
	notARefusalOf = []string{"problem"} // "nije problem da dođem lično"
	determiners   = map[string]bool{
		"taj": true, "tog": true, "toga": true, "to": true, "ovaj": true, "ovog": true, "onaj": true, "onog": true,
		"moj": true, "mog": true, "svog": true, "vas": true, "vaseg": true, "nekog": true,
	}
)

// declined reports whether the option named at words[i:end] is refused:
// negated (see negated), in the scope of a refusal (see refusalWords), or
// refused after the fact. It is for fields whose options the citizen
// chooses; a category names a problem ("nema vode" names it, see
// categoryOf).
func declined(words []word, i, end int) bool {
	if negated(words, i) {
		return true
	}
	for k := i; k > 0 && i-k < 4; k-- {
		if words[k].punct {
			break
		}
		f := words[k-1].fold
		if refusalPreps[f] {
			// Its object only: "umesto šaltera", "bez tog mejla".
			return k == i || k == i-1 && determiners[words[k].fold]
		}
		if refusalWords[f] {
			for _, p := range notARefusalOf {
				if strings.HasPrefix(words[k].fold, p) {
					return false
				}
			}
			return true
		}
		if scopeEnds[f] || imperative(f) {
			break
		}
	}
	if end < len(words) && !words[end].punct && (words[end].fold == "ne" || words[end].fold == "nikako") {
		return end+1 == len(words) || words[end+1].punct || refusedAfter[words[end+1].fold]
	}
	return false
}

// imperative reports whether a folded word reads as a plural imperative
// ("pošaljite", "dajte", "šaljite"): a new request, a new clause.
func imperative(f string) bool {
	return len(f) > 5 && (strings.HasSuffix(f, "ite") || strings.HasSuffix(f, "jte"))
}
