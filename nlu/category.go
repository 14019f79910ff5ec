package nlu

import (
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
		if m.negated || overlaps(words[m.at].start, words[m.at+m.n-1].end, place) {
			continue
		}
		// A phrase of several words says more than one word does ("ne
		// mete" over "smeće", "svetlo na semaforu" over "svetlo").
		w := weightNamed * (1 + 0.5*float64(m.n-1))
		if namedAsPlace(words, m.at) {
			w = weightWhere
		}
		live = append(live, catCand{m.value, w, m.at})
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
	if (best == "waste" || best == "roads") && litterOnSurface(words, live, best) {
		return "street_cleaning"
	}
	return best
}

// Litter on a street is the street cleaners' work, not a bin's: rubbish
// ("smeće", "papiri", "kese") a message puts on a public surface ("po
// ulici", "trotoar je pun…") makes a street-cleaning report, unless the
// waste or road words also name what else is wrong (a bin, its emptying,
// a hole).
var (
	litterStems  = stemSet("smeće smeća đubre đubreta otpad otpada kesa kese kesama papir papiri papira flaša flaše flaša ambalaža opušci limenke")
	surfaceStems = stemSet("ulica ulice ulici ulicama trotoar trotoaru trotoari trg trgu kolovoz kolovozu pločnik pločniku šetalište šetalištu")
)

// catCand is a category option named in a message: its weight and where.
type catCand struct {
	value string
	w     float64
	at    int
}

func litterOnSurface(words []word, live []catCand, best string) bool {
	litter, surface := false, false
	for i, w := range words {
		switch {
		case litterStems[w.stem]:
			litter = true
		case surfaceStems[w.stem]:
			// "u Ulici Kralja Petra" is an address, not the surface.
			if !(i+1 < len(words) && words[i+1].upper && !words[i+1].punct) {
				surface = true
			}
		}
	}
	if !litter || !surface {
		return false
	}
	for _, c := range live {
		if c.value == best && !litterStems[words[c.at].stem] && !surfaceStems[words[c.at].stem] {
			return false
		}
	}
	return true
}

// stemSet returns the stems of the words of s.
func stemSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range splitText(s) {
		m[w.stem] = true
	}
	return m
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
