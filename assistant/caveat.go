package assistant

import (
	"regexp"
	"slices"
	"strings"

	"github.com/miasrbija/mia/serbian"
)

// qualifies reports whether next, the sentence right after fact in a
// passage, is a caveat on it ("Ovi iznosi su primer; proverite iznose za
// 2026.", "Ukoliko rešenje kasni, ..."): it refers back to fact, by an
// opening word that points back or makes a condition or an exception, or
// by repeating one of its words at its start, and it states no figure of
// its own that could be taken for the answer. The test is on the
// sentence's structure, so it needs no list of caveat phrases.
func qualifies(fact, next string) bool {
	if isListItem(next) || isTableRow(next) || strings.HasSuffix(next, ":") {
		return false
	}
	f := serbian.Fold(next)
	if ownFactRE.MatchString(f) {
		return false
	}
	words := strings.Fields(strings.Map(func(r rune) rune {
		if isWordRune(r) {
			return r
		}
		return ' '
	}, f))
	if len(words) == 0 {
		return false
	}
	if backRef[words[0]] || len(words) > 1 && backRef[words[0]+" "+words[1]] {
		return true
	}
	// Lexical cohesion: the sentence's subject is a word of the fact
	// ("Taksa iznosi 1.040 dinara. Iznos je demo iznos za 2026.").
	first := serbian.Tokens(words[0])
	if len(first) == 0 || len(first[0]) < 4 || questionWords[first[0]] {
		return false
	}
	return slices.Contains(serbian.Tokens(fact), first[0])
}

// backRef holds the words (folded) that open a sentence leaning on the
// one before: demonstratives and anaphors, conditional, contrastive and
// exceptive conjunctions, and the note marker. A closed grammatical class.
var backRef = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`ovaj ova ovo ovi ove ovih ovim ovoj ovom ovog ovoga
		taj ta to ti te tih tim toj tom tog toga takav takva takvo takvi takve
		navedeni navedena navedeno navedene pomenuti pomenuta pomenuto isti ista isto iste
		ako ukoliko ali medutim osim izuzetno inace napomena pritom tada zato stoga`) {
		m[w] = true
	}
	for _, w := range []string{"pri tome", "u tom", "u tim", "u ovom", "u ovim", "u tabeli", "u tekstu", "za to"} {
		m[w] = true
	}
	return m
}()

// ownFactRE matches a figure a caveat must not carry: an amount, a date
// or a duration, a phone number; a year alone ("za 2026.") or a counter
// ("na šalteru 8") is not one.
var ownFactRE = regexp.MustCompile(`\b\d+\s*(dana|meseci|meseca|mjeseci|mjeseca|godina|sati|casova|minuta|nedelja|nedjelja|sedmica)\b|\d[\d.,]*\s*(dinara|din|rsd|evra|eur|km)\b|\d+\s*%|\b\d{1,2}\.\s*(januar|februar|mart|april|maj|jun|jul|avgust|septembar|oktobar|novembar|decembar)|` +
	factKinds[contactFact].String())
