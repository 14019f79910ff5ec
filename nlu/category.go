package nlu

import (
	"strings"

	"github.com/miasrbija/mia/forms"
)

// Weights of a category named in a message. The problem itself ("rupa",
// "lišće", "nisu odneli") names the category; a thing named as where the
// problem is ("na trotoaru", "iz kontejnera") only hints at it, and a
// word of the place the message gives ("kod groblja", "pored pijace")
// not at all.
const (
	weightNamed = 1.0
	weightWhere = 0.3
)

// categoryOf reads the communal-report category: from the option names
// and synonyms the message uses outside the place it gives (place: the
// spans of the location read), weighted by whether they name the problem
// or where it is, the first named winning a tie (the subject comes
// first); when none, from the category model (when useModel and it is
// sure enough). After a contrast ("nije svetlo nego kontejner") the last
// option named wins.
func (u *Understander) categoryOf(text string, words []word, place []span, useModel bool) string {
	var live []catCand
	for _, m := range u.lex.matches(words, forms.FormCommunalReport)["category"] {
		// A negated name denies the category ("nije rasveta"); a negated
		// verb of a service's work ("niko nije počistio") is the problem.
		if m.negated && !m.action || overlaps(words[m.at].start, words[m.at+m.n-1].end, place) ||
			m.n == 1 && timesCounted(words, m.at) {
			continue
		}
		// A phrase of several words says more than one word does ("ne
		// mete" over "smeće", "svetlo na semaforu" over "svetlo").
		w := weightNamed * (1 + 0.5*float64(m.n-1))
		if namedAsPlace(words, m.at) || m.n == 1 && m.value != streetCleaning && rubbishRoots.has(words[m.at]) {
			// Where it is, or only what lies there: rubbish ("smeće",
			// "kese") is the matter of bins, streets and dumps alike; what
			// is wrong with it decides.
			w = weightWhere
		}
		live = append(live, catCand{m.value, w, m.at, m.n})
	}
	if winterOnRoadway(words, live) {
		return roads
	}
	if litterOnSurface(words, live) {
		return streetCleaning
	}
	named := false // an option named as the problem, not only as where
	for _, c := range live {
		named = named || c.w >= weightNamed
	}
	if !named && useModel {
		// Only where it is ("blato na kolovozu"): the model reads what
		// the rest of the message says; the place is the last resort.
		if probs := u.categoryProbs(text, wordsOutside(words, place)); probs != nil {
			if best := argmax(probs); probs[best] >= u.cal.CategoryMin {
				return u.catValues[best]
			}
		}
	}
	if len(live) == 0 {
		return ""
	}
	if at := contrastAt(words); at >= 0 {
		// The last one named; a place named last ("…nego stub leži na
		// trotoaru") does not outrank the problem named after the
		// contrast.
		pick := live[len(live)-1]
		for _, c := range live {
			if c.at > at && c.w >= weightNamed {
				pick = c
			}
		}
		return pick.value
	}
	score := map[string]float64{}
	for _, c := range live {
		score[c.value] += c.w
	}
	best := live[0].value
	for _, c := range live {
		if score[c.value] > score[best] {
			best = c.value
		}
	}
	return best
}

// catCand is a category option named in a message: its weight and where
// (n words from at).
type catCand struct {
	value string
	w     float64
	at, n int
}

// A public surface left dirty is the street cleaners' work, whatever
// lies on it: rubbish, mud, leaves or glass ("po ulici", "trotoar je pun
// …"), or the surface said to be dirty ("pločnik je sav lepljiv"). It is
// not when the message also names another problem: a bin or its emptying
// (waste), a dumping (illegal dumping), a hole (roads), a drain, a tree.
// Words are compared by root and a short ending, so every case form (and
// either script, ekavian or ijekavian) is read alike.
const streetCleaning = "street_cleaning"

var (
	// rubbishRoots: what is thrown away, in a bin, on a street or on a
	// dump alike.
	rubbishRoots = roots("smec dubre otpad otpac kes papir flas opus opusak karton limenk ambalaz")
	// litterRoots: what lies on a surface: rubbish, and what covers a
	// street (mud, sand, leaves, glass, snow).
	litterRoots = roots("blat zemlj pesk pesak sljunk sljunak prasin stakl krhotin lisc nanos sneg").union(rubbishRoots)
	// dirtyRoots: a surface said to be dirty or not cleaned.
	dirtyRoots = roots("prljav prljavstin lepljiv ulepljen zaprljan zatrpan posut prekriven neociscen nepometen " +
		"opra pranj zagaden")
	// surfaceRoots: public surfaces kept clean by the street cleaners.
	surfaceRoots = roots("ulic trotoar plocnik kolovoz trg parking staz setalist asfalt kaldrm stajalist put " +
		"cesta cesti cestu ceste cestom")
)

// rootSet maps a folded, ekavised root to true.
type rootSet map[string]bool

func roots(s string) rootSet {
	m := rootSet{}
	for _, r := range strings.Fields(s) {
		m[r] = true
	}
	return m
}

func (rs rootSet) union(o rootSet) rootSet {
	m := rootSet{}
	for r := range rs {
		m[r] = true
	}
	for r := range o {
		m[r] = true
	}
	return m
}

// has reports whether w is a form of one of the roots: the root and an
// ending of at most three letters ("smeće", "smećem", "đubreta"; not
// "đubretarac", the one who takes it away).
func (rs rootSet) has(w word) bool {
	for n := len(w.ekav); n >= 3 && n >= len(w.ekav)-3; n-- {
		if rs[w.ekav[:n]] {
			return true
		}
	}
	return false
}

// addressOnly reports whether the named street or square at words[i]
// only says where something is: after "u" ("kese ispred kuće u Ulici
// Zmaj Jovinoj") or with a house number ("Kralja Petra 7"). Named
// otherwise, it is the surface itself ("Ulica Njegoševa je puna smeća",
// "po Trgu Slobode").
func addressOnly(words []word, i int) bool {
	if i+1 >= len(words) || !words[i+1].upper || words[i+1].punct {
		return false // a common noun: "po ulici", "trotoar je pun…"
	}
	if i > 0 && words[i-1].fold == "u" && !words[i].punct {
		return true
	}
	for k := i + 1; k < len(words) && k <= i+4 && !words[k].punct; k++ {
		if words[k].digits {
			return true
		}
	}
	return false
}

// timesCounted reports whether "put" at words[i] counts times ("treći
// put zovem", "više puta"), not a road.
func timesCounted(words []word, i int) bool {
	if !strings.HasPrefix(words[i].ekav, "put") || i == 0 || words[i].punct {
		return false
	}
	p := words[i-1]
	return p.digits || counters[p.fold] || ordinalLike(p.fold)
}

// counters count times before "put"/"puta" (folded).
var counters = map[string]bool{
	"jedan": true, "dva": true, "tri": true, "cetiri": true, "pet": true, "sest": true, "deset": true,
	"vise": true, "mnogo": true, "nekoliko": true, "ovaj": true, "taj": true, "svaki": true, "koji": true,
	"poslednji": true, "posljednji": true, "zadnji": true, "sledeci": true, "iduci": true, "sto": true,
}

// ordinalLike reports whether a folded word is an ordinal number
// ("prvi", "drugi", "treći", "peti"…).
func ordinalLike(f string) bool {
	switch f {
	case "prvi", "drugi", "treci", "cetvrti", "peti", "sesti", "sedmi", "osmi", "deveti", "deseti":
		return true
	}
	return false
}

// litterOnSurface reports whether the message puts litter on a public
// surface, or calls one dirty, and names no other problem: every option
// named (live) is street cleaning or a word of the litter or the surface
// itself ("smeće" for waste, "trotoar" for roads).
func litterOnSurface(words []word, live []catCand) bool {
	litter, dirty, surface := false, false, false
	for i, w := range words {
		switch {
		case litterRoots.has(w):
			litter = true
		case dirtyRoots.has(w):
			dirty = true
		case surfaceRoots.has(w) && !timesCounted(words, i):
			surface = surface || !addressOnly(words, i)
		}
	}
	if !surface || !litter && !dirty {
		return false
	}
	return onlySurfaceNamed(words, live)
}

// onlySurfaceNamed reports whether every option named (live) is street
// cleaning, or is named only by words of litter, dirt, winter or the
// surface itself ("smeće" for waste, "trotoar" or "put" for roads): the
// message names no other problem (a bin, a dumping, a hole, a tree).
func onlySurfaceNamed(words []word, live []catCand) bool {
	for _, c := range live {
		if c.value == streetCleaning {
			continue
		}
		for k := c.at; k < c.at+c.n; k++ {
			if w := words[k]; !stopWord(w.fold) && !litterRoots.has(w) && !surfaceRoots.has(w) &&
				!dirtyRoots.has(w) && !isWinter(w) {
				return false
			}
		}
	}
	return true
}

// Snow and ice on a roadway (a road, a street, a bridge) are the winter
// service's: ploughing and gritting are the upkeep of the road, done by
// whoever keeps the roads. On a pavement alone they are the owners' and
// the cleaners' (street cleaning), as the training data has them.
const roads = "roads"

var (
	// winterRoots: snow and ice, and a surface frozen over. "led" is
	// matched as a whole word (iceWords): its root would take "ledina".
	winterRoots = roots("sneg snez poledic zaleden zaledi")
	iceWords    = map[string]bool{"led": true, "leda": true, "ledu": true, "ledom": true}
	// roadwayRoots: where vehicles drive.
	roadwayRoots = roots("put cest kolovoz ulic most raskrsnic")
	// pavementRoots: where people walk.
	pavementRoots = roots("trotoar plocnik staz setalist")
)

func isWinter(w word) bool { return iceWords[w.ekav] || winterRoots.has(w) }

// winterOnRoadway reports whether the message puts snow or ice on a
// roadway and names no other problem. A street named only as an address
// ("u Ulici Cara Lazara") is where the snow is unless a pavement is
// named: then the pavement is ("led na trotoaru u Ulici Zmaj Jovinoj").
func winterOnRoadway(words []word, live []catCand) bool {
	winter, road, roadAddress, pavement := false, false, false, false
	for i, w := range words {
		switch {
		case isWinter(w):
			winter = true
		case pavementRoots.has(w):
			pavement = true
		case roadwayRoots.has(w) && !timesCounted(words, i):
			if addressOnly(words, i) {
				roadAddress = true
			} else {
				road = true
			}
		}
	}
	if !winter || !road && (!roadAddress || pavement) {
		return false
	}
	return onlySurfaceNamed(words, live)
}

// categoryProbs returns the category model's probabilities for the
// message read from words, or nil without a model.
func (u *Understander) categoryProbs(text string, words []word) []float64 {
	if u.categories == nil || len(words) == 0 {
		return nil
	}
	p := u.categories.scores(featuresOf(text, words))
	softmax(p, 1)
	return p
}

func argmax(p []float64) int {
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	return best
}

// wordsOutside returns the words outside spans (all of them when every
// word is inside: the place is then all the message says).
func wordsOutside(words []word, spans []span) []word {
	if len(spans) == 0 {
		return words
	}
	var out []word
	for _, w := range words {
		if !overlaps(w.start, w.end, spans) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return words
	}
	return out
}

// wherePreps are the prepositions that make the noun after them a place
// ("na trotoaru", "po ulici", "iz kontejnera", "kod škole").
var wherePreps = map[string]bool{
	"na": true, "u": true, "po": true, "kroz": true, "preko": true, "niz": true, "uz": true, "iz": true,
	"oko": true, "ka": true, "prema": true, "do": true, "sa": true, "s": true, "ispod": true, "iznad": true,
}

// namedAsPlace reports whether the option named at words[i] is named as
// where something is: after a preposition of place, possibly with an
// adjective between ("na glavnom putu").
func namedAsPlace(words []word, i int) bool {
	k := i - 1
	if k >= 0 && !words[i].punct && adjectiveLike(words[k].fold) {
		i, k = k, k-1
	}
	if k < 0 || words[i].punct {
		return false
	}
	f := words[k].fold
	return wherePreps[f] || singlePrep(f)
}
