package assistant

import (
	"regexp"
	"strings"

	"github.com/miasrbija/mia/serbian"
)

// factKind is the kind of fact a question asks for: the extractive answer
// prefers the sentences that hold it, and answerability checks that the
// chosen sentences hold one at all.
type factKind int

const (
	anyFact       factKind = iota
	whenFact               // a date, a deadline or a duration
	howMuchFact            // an amount of money, a fee, or that it is free
	quantityFact           // a count or a measure ("u koliko rata", "koliko zemlje")
	whereFact              // a place: a counter, an office, an address
	contactFact            // a phone number, an e-mail, a web address
	hoursFact              // opening hours
	whoFact                // a person or an office responsible
	documentsFact          // a list of documents or conditions
	yesNoFact              // "da li": any sentence may answer
)

// The patterns run over serbian.Fold text (Latin, lower case, no
// diacritics). Question patterns are ordered from the most specific kind
// to the least: "broj telefona šaltera" asks for a contact, not a place.
var questionKinds = []struct {
	kind factKind
	re   *regexp.Regexp
}{
	{contactFact, regexp.MustCompile(`\b(telefon\w*|broj telefona|kontakt\w*|e-?mail\w*|mejl\w*|imejl\w*|pozovem|pozvati|sajt\w*)\b`)},
	{hoursFact, regexp.MustCompile(`\b(radno vr(ij)?eme|radnog vr(ij)?emena|kada? radi|do koliko sati|od koliko sati|u koliko sati|koliko radi|koli?ko sati)\b`)},
	{whenFact, regexp.MustCompile(`\b(do kada|od kada|kada|kad|rok|rokovi|roku|datum\w*|dokle|koliko traje|koli?ko se ceka|koliko dugo|za koliko dana|kojim danima|kojim danom|kojeg dana|kog dana|koji dan)\b`)},
	{howMuchFact, regexp.MustCompile(`\b(kosta|kostaju|c(ij)?en[aeu]|taksa|takse|taksu|iznos\w*|naknad\w*|koli?ko (se |cu |ce )?plac\w*|koli?ko cu platiti|besplat\w*|kazna|kazne|kolik[aiu])\b`)},
	{whereFact, regexp.MustCompile(`\b(gde|di|de|adres\w*|salter\w*|kancelarij\w*|na kom|u kojoj|kuda)\b`)},
	{whoFact, regexp.MustCompile(`\b(ko|kome|koga|nadlez\w*)\b`)},
	{documentsFact, regexp.MustCompile(`\b(dokument\w*|papir\w*|potrebn\w*|uslov\w*|prilaz\w*|prilozi\w*|ponesem|sta treba)\b`)},
	{quantityFact, regexp.MustCompile(`\b(koliko|kolko|kolik[aeiu])\b`)},
	{yesNoFact, regexp.MustCompile(`\b(da li|je li|jel|ima li|moze li|mora li)\b|\w li\b`)},
}

// Calendar words, folded, both ekavian and ijekavian: a month or a weekday
// named is a date ("u aprilu", "utorkom").
const (
	monthRE   = `(januar|februar|mart|april|maj|jun|jul|avgust|septembar|septembr|oktobar|oktobr|novembar|novembr|decembar|decembr)\w*`
	weekdayRE = `(ponedeljak|ponedeljk\w*|ponedjeljak|ponedjeljk\w*|utorak|utork\w*|sreda|sred[eiou]m?|srijed\w*|cetvrtak|cetvrtk\w*|petak|petk\w*|subot\w*|nedelj[aeiou]m|nedjelj[aeiou]m|radnim danima|radnog dana|svakog dana)`
)

// calendarRE matches a point in time: a date, a month or a weekday.
var calendarRE = regexp.MustCompile(`\b\d{1,2}\.\s*` + monthRE + `|\b\d{1,2}\.\s*\d{1,2}\.|\b(u|od|do|tokom|krajem|pocetkom|svakog|svake|sredinom)\s+` + monthRE + `|\b` + weekdayRE + `\b`)

// spanQuestionRE matches a when-question about a span ("koliko traje", "u
// kom roku") rather than a point in time ("do kada", "kada je").
var spanQuestionRE = regexp.MustCompile(`\b(koliko traje|koliko dugo|koli?ko se ceka|za koliko dana|u kom roku|u kojem roku|koliko unapred|koliko unaprijed|koliko ranije)\b`)

// factKinds holds, for each kind, the pattern of a sentence that states it.
var factKinds = map[factKind]*regexp.Regexp{
	whenFact: regexp.MustCompile(calendarRE.String() + `|` +
		`\b\d+\s*(dana|dan|meseci|meseca|mesec|mjeseci|mjeseca|mjesec|godina|godine|sati|sata|casova|minuta|nedelja|nedelje|nedjelja|nedjelje|sedmica|sedmice)\b|` +
		`\b(jedan|dva|tri|cetiri|pet|sest|sedam|osam|devet|deset|petnaest|trideset)\s+(radna |radnih )?(dana|meseci|meseca|mjeseci|mjeseca|godina|godine|nedelja|nedelje|sedmica|sedmice)\b|` +
		`\b(godinu|mesec|mjesec|nedelju|nedjelju|sedmicu)\s+dana\b|\b(danom|dana od|u roku|najkasnije|najranije|do kraja|pocetkom|krajem)\b`),
	howMuchFact:  regexp.MustCompile(`\d[\d.,]*\s*(dinara|din|rsd|evra|eur|km)\b|\d+\s*%|\b(besplat\w*|bez naknade|bez takse|ne placa\w*|oslobod\w*)\b`),
	quantityFact: regexp.MustCompile(`\d|\b(jedan|jedna|dva|dve|dvije|tri|cetiri|pet|sest|sedam|osam|devet|deset|jedanaest|dvanaest|trinaest|polovin\w*|cetvrtin\w*)\b`),
	whereFact:    regexp.MustCompile(`\bsalter\w*\s*\d|\b(trg|ulic\w*|ul\.|adres\w*|kancelarij\w*|sala|sali|zgrad\w*|sprat\w*|prizemlj\w*)\b|\b\d{5}\b`),
	contactFact: regexp.MustCompile(`\b0\d{1,3}\s*/\s*\d{2,4}[-\s]?\d{2,4}\b|\b0800\b|\b\d{3}[-\s]\d{3}[-\s]?\d{3,4}\b|` +
		`\+\d{3}[\s-]?\d{2}[\s-]?\d{3}[\s-]?\d{3,4}\b|@|www\.|https?://`),
	hoursFact: regexp.MustCompile(`\bod\s+\d{1,2}([.:]\d{2})?\s*(h|casova|sati)?\s*do\s+\d{1,2}|\b\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}|` +
		`\bdo\s+\d{1,2}([.:]\d{2})?\s*(h|casova|sati)\b|\b\d{1,2}:\d{2}\b|\bradnim danima\b|\bradno vr(ij)?eme\b`),
	whoFact: regexp.MustCompile(`\b(sekretarijat\w*|sekretar\w*|odeljenj\w*|odjeljenj\w*|sluzb\w*|uprav\w*|inspekcij\w*|inspektor\w*|policij\w*|jkp|jp|ju|preduzec\w*|centar\w*|agencij\w*|maticar\w*|organ\w*|upravnik\w*|gradonacelnik\w*|nacelnik\w*|zavod\w*|fond\w*|ministarstv\w*|` +
		// People by their role: "popravlja vlasnik", "traže članovi porodice".
		`lice|lica|vlasni\w*|korisni(k\w*|c\w*)|stanar\w*|roditelj\w*|staratelj\w*|supruz\w*|clan(a|u|om|ovi\w*)?|podnosila\w*|gradan\w*|poslodav\w*|preduzetni\w*|naslednik\w*)\b`),
	documentsFact: regexp.MustCompile(`\b(potrebn\w*|prilaz\w*|dokaz\w*|dokument\w*|izvod\w*|uverenj\w*|uvjerenj\w*|licn\w* kart\w*|zahtev\w*|zahtjev\w*|uslov\w*|obrazac|obrasc\w*)\b`),
}

// factWords holds, for the kinds whose patterns are mostly about
// figures, the part of the pattern that needs no digit.
var factWords = map[factKind]*regexp.Regexp{
	whenFact: regexp.MustCompile(`\b(u|od|do|tokom|krajem|pocetkom|svakog|svake|sredinom)\s+` + monthRE + `|\b` + weekdayRE + `\b|` +
		`\b(jedan|dva|tri|cetiri|pet|sest|sedam|osam|devet|deset|petnaest|trideset)\s+(radna |radnih )?(dana|meseci|meseca|mjeseci|mjeseca|godina|godine|nedelja|nedelje|sedmica|sedmice)\b|` +
		`\b(godinu|mesec|mjesec|nedelju|nedjelju|sedmicu)\s+dana\b|\b(danom|dana od|u roku|najkasnije|najranije|do kraja|pocetkom|krajem)\b`),
	howMuchFact: regexp.MustCompile(`\b(besplat\w*|bez naknade|bez takse|ne placa\w*|oslobod\w*)\b`),
	hoursFact:   regexp.MustCompile(`\bradnim danima\b|\bradno vr(ij)?eme\b`),
	contactFact: regexp.MustCompile(`@|www\.|https?://`),
}

// answerType returns the kind of fact the question asks for.
func answerType(question string) factKind {
	f := serbian.Fold(question)
	for i, qk := range questionKinds {
		loc := qk.re.FindStringIndex(f)
		if loc == nil {
			continue
		}
		// "Ko je nadležan kad komšija…": a bare "kad" after another
		// question word opens a clause; it does not ask when.
		if qk.kind == whenFact && bareWhenRE.MatchString(f[loc[0]:loc[1]]) {
			first, at := anyFact, loc[0]
			for _, o := range questionKinds[i+1:] {
				if o.kind == yesNoFact {
					continue
				}
				if l := o.re.FindStringIndex(f); l != nil && l[0] < at {
					first, at = o.kind, l[0]
				}
			}
			if first != anyFact {
				return first
			}
		}
		return qk.kind
	}
	return anyFact
}

var bareWhenRE = regexp.MustCompile(`^kada?$`)

// cueTokens are the tokens of the words by which the question asks for a
// kind of fact ("koliko košta", "broj telefona", "u kom roku"): the fact
// itself answers them, so a passage need not repeat them ("taksa iznosi
// 870 dinara" answers "koliko košta izvod"). Whether a quote holds the
// kind is the type features' business.
func cueTokens(question string) map[string]bool {
	f := serbian.Fold(question)
	cues := map[string]bool{}
	for _, qk := range questionKinds {
		if qk.kind == yesNoFact {
			continue
		}
		for _, m := range qk.re.FindAllString(f, -1) {
			for _, t := range serbian.Tokens(m) {
				cues[t] = true
			}
		}
	}
	return cues
}

// asksPoint reports whether a when-question asks for a point in time (a
// date, a weekday: "do kada", "kad odvoze") rather than a span.
func asksPoint(question string) bool {
	return !spanQuestionRE.MatchString(serbian.Fold(question))
}

// holds reports whether a sentence states a fact of the kind; anyFact and
// yesNoFact hold in no sentence in particular.
func holds(unit string, want factKind) bool {
	_, ok := factKinds[want]
	return ok && holdsFolded(serbian.Fold(unit), want)
}

// holdsFolded is holds on serbian.Fold text. A date, an amount, an hour
// or a phone number has a digit; without one only the patterns' words can
// match, and the digit-only patterns are not run.
func holdsFolded(f string, want factKind) bool {
	if words, ok := factWords[want]; ok && !strings.ContainsAny(f, "0123456789") {
		return words.MatchString(f)
	}
	re, ok := factKinds[want]
	return ok && re.MatchString(f)
}

// holdsPoint reports whether a unit names a point in time: a date, a
// month or a weekday, not only a span ("u roku od 15 dana").
func holdsPoint(unit string) bool { return calendarRE.MatchString(serbian.Fold(unit)) }

// factHint adds to the search the words official texts use for the kind
// of fact asked: "do kada" questions are answered by "rok" sections, and
// "kada" itself is a stop word. (Adding "rokovi" and "datum" measured
// worse on the evaluation dataset.) A contact was a place before the kinds
// were split and keeps its hint, so retrieval does not change.
var factHint = map[factKind]string{
	whenFact:    "rok",
	howMuchFact: "taksa iznos",
	whereFact:   "šalter adresa",
	contactFact: "šalter adresa",
	// "Koji papiri trebaju…": official texts list what "se prilaže" under
	// "potrebna dokumentacija" (not for "uslovi": see hintFor).
	documentsFact: "potrebno prilaže dokumentacija",
}

// conditionsRE: a question about the conditions of a right ("uslovi za
// dečiji dodatak") asks who qualifies, not what to bring.
var conditionsRE = regexp.MustCompile(`\buslov\w*`)

// hintFor returns the search hint for a question asking for want.
func hintFor(question string, want factKind) string {
	if want == documentsFact && conditionsRE.MatchString(serbian.Fold(question)) {
		return ""
	}
	return factHint[want]
}
