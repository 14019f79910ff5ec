package assistant

import (
	"regexp"

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
	{hoursFact, regexp.MustCompile(`\b(radno vreme|radnog vremena|kada radi|do koliko sati|od koliko sati|u koliko sati|koliko radi)\b`)},
	{whenFact, regexp.MustCompile(`\b(do kada|od kada|kada|kad|rok|rokovi|roku|datum\w*|dokle|koliko traje|koliko se ceka|koliko dugo|za koliko dana)\b`)},
	{howMuchFact, regexp.MustCompile(`\b(kosta|kostaju|cena|cene|cenu|taksa|takse|taksu|iznos\w*|naknad\w*|koli?ko (se |cu )?plac\w*|koliko cu platiti|besplat\w*|kazna|kazne|kolika)\b`)},
	{whereFact, regexp.MustCompile(`\b(gde|adres\w*|salter\w*|kancelarij\w*|na kom|u kojoj|kuda)\b`)},
	{whoFact, regexp.MustCompile(`\b(ko|kome|koga|nadlez\w*)\b`)},
	{documentsFact, regexp.MustCompile(`\b(dokument\w*|papir\w*|potrebn\w*|uslov\w*|prilaz\w*|ponesem|sta treba)\b`)},
	{quantityFact, regexp.MustCompile(`\b(koliko|kolko|kolika|kolike)\b`)},
	{yesNoFact, regexp.MustCompile(`\b(da li|je li|jel|ima li|moze li|mora li)\b|\w li\b`)},
}

// factKinds holds, for each kind, the pattern of a sentence that states it.
var factKinds = map[factKind]*regexp.Regexp{
	whenFact: regexp.MustCompile(`\b\d{1,2}\.\s*(januar|februar|mart|april|maj|jun|jul|avgust|septembar|oktobar|novembar|decembar)|` +
		`\b\d{1,2}\.\s*\d{1,2}\.|\b\d+\s*(dana|dan|meseci|meseca|mesec|godina|godine|sati|sata|casova|minuta|nedelja|nedelje)\b|` +
		`\b(jedan|dva|tri|cetiri|pet|sest|sedam|osam|devet|deset|petnaest|trideset)\s+(dana|meseci|meseca|godina|godine|nedelja|nedelje)\b|` +
		`\b(danom|dana od|u roku|najkasnije|najranije|do kraja|pocetkom|krajem)\b`),
	howMuchFact:   regexp.MustCompile(`\d[\d.,]*\s*(dinara|din|rsd|evra|eur|km)\b|\d+\s*%|\b(besplat\w*|bez naknade|ne placa|oslobod\w*)\b`),
	quantityFact:  regexp.MustCompile(`\d|\b(jedan|jedna|dva|dve|tri|cetiri|pet|sest|sedam|osam|devet|deset|jedanaest|dvanaest|trinaest|polovin\w*|cetvrtin\w*)\b`),
	whereFact:     regexp.MustCompile(`\bsalter\w*\s*\d|\b(trg|ulic\w*|ul\.|adres\w*|kancelarij\w*|sala|zgrad\w*|sprat\w*|prizemlj\w*)\b|\b\d{5}\b`),
	contactFact:   regexp.MustCompile(`\b0\d{1,3}\s*/\s*\d{2,4}[-\s]?\d{2,4}\b|\b0800\b|\b\d{3}[-\s]\d{3}[-\s]?\d{3,4}\b|@|www\.|https?://`),
	hoursFact:     regexp.MustCompile(`\bod\s+\d{1,2}([.:]\d{2})?\s*(h|casova|sati)?\s*do\s+\d{1,2}|\b\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}|\bradnim danima\b|\bradno vreme\b`),
	whoFact:       regexp.MustCompile(`\b(sekretarijat\w*|sekretar\w*|odeljenj\w*|sluzb\w*|uprav\w*|inspekcij\w*|inspektor\w*|policij\w*|jkp|preduzec\w*|centar\w*|agencij\w*|maticar\w*|organ\w*|upravnik\w*|gradonacelnik\w*|zavod\w*|fond\w*|ministarstv\w*)\b`),
	documentsFact: regexp.MustCompile(`\b(potrebn\w*|prilaz\w*|dokaz\w*|dokument\w*|izvod\w*|uverenj\w*|licn\w* kart\w*|zahtev\w*|uslov\w*|obrazac|obrasc\w*)\b`),
}

// answerType returns the kind of fact the question asks for.
func answerType(question string) factKind {
	f := serbian.Fold(question)
	for _, qk := range questionKinds {
		if qk.re.MatchString(f) {
			return qk.kind
		}
	}
	return anyFact
}

// holds reports whether a sentence states a fact of the kind; anyFact and
// yesNoFact hold in no sentence in particular.
func holds(unit string, want factKind) bool {
	re, ok := factKinds[want]
	return ok && re.MatchString(serbian.Fold(unit))
}

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
}
