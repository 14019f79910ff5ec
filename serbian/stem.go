package serbian

import (
	"strings"
	"unicode/utf8"
)

// Stem returns the stem of one Serbian word following the structure of the
// Snowball Serbian stemmer (Petković & Ivanović, after Ljubešić & Pandžić's
// Croatian stemmer): Cyrillic to Latin, the prelude (Ijekavian to Ekavian,
// dj→đ), region marking with syllabic r, Step 1 (morphological rewrites),
// then Step 2 (suffix families) or, if Step 2 does not fire, Step 3
// (plain inflectional endings).
//
// The rule tables are written from memory of the published algorithm and
// tuned to this project's vocabulary, so stems can differ from the official
// Snowball output for some words. The input should be a single lower-case
// word; the stem keeps diacritics (folding is a separate step, see Tokens).
func Stem(word string) string {
	w := strings.ToLower(ToLatin(word))
	if w == "" {
		return w
	}
	w = prelude(w)
	p1 := markRegion(w)
	noDiacritics := !hasDiacritic(w)
	w = step1(w, noDiacritics)
	if out, ok := applySuffix(w, p1, noDiacritics, step2Rules); ok {
		return out
	}
	if out, ok := applySuffix(w, p1, noDiacritics, step3Rules); ok {
		return out
	}
	return w
}

// prelude turns Ijekavian spellings into Ekavian ones (consonant + ije +
// consonant → e, then consonant + je + consonant → e) and then dj→đ, so
// that "dječji", "uvjerenje" and "rodjenih" meet "dečji", "uverenje" and
// "rođenih". The je rule runs before dj→đ on purpose, which is why
// "rodjenih" loses its j (rodenih) rather than becoming "rođenih".
//
// Deviation from Snowball: a "je" that opens a soft-declension ending
// (-jem, -jeg, -jega, -jemu at the end of the word) is kept, so that
// "uverenjem" and "srednjeg" keep their j and meet "uverenje"/"srednji".
func prelude(w string) string {
	if strings.Contains(w, "je") {
		rs := []rune(w)
		rs = ekavize(rs, []rune("ije"))
		rs = ekavize(rs, []rune("je"))
		w = string(rs)
	}
	if strings.Contains(w, "dj") {
		w = strings.ReplaceAll(w, "dj", "đ")
	}
	return w
}

// ekavize replaces every consonant+pat+consonant occurrence's pat with "e",
// scanning on from the replacement so chained matches are caught.
func ekavize(rs, pat []rune) []rune {
	for i := 0; i+len(pat)+1 < len(rs); i++ {
		if !isConsonant(rs[i]) || !isConsonant(rs[i+len(pat)+1]) {
			continue
		}
		if !runesEqual(rs[i+1:i+1+len(pat)], pat) {
			continue
		}
		if len(pat) == 2 && softEnding[string(rs[i+1:])] {
			continue
		}
		out := make([]rune, 0, len(rs)-len(pat)+1)
		out = append(out, rs[:i+1]...)
		out = append(out, 'e')
		rs = append(out, rs[i+1+len(pat):]...)
	}
	return rs
}

// softEnding lists word tails (starting at the j) that are inflectional
// endings of soft stems rather than Ijekavian je.
var softEnding = map[string]bool{"jem": true, "jeg": true, "jega": true, "jemu": true}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

func isConsonant(r rune) bool {
	switch r {
	case 'b', 'v', 'g', 'd', 'z', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's',
		't', 'f', 'h', 'c', 'č', 'ć', 'ž', 'š', 'đ':
		return true
	}
	return false
}

// markRegion returns p1, the byte offset where R1 starts: after the first
// vowel, or after the first consonant that follows it when the word starts
// with a vowel. Syllabic r counts as a vowel when it comes clearly before
// the first vowel (trgovački, grmlje, Srbija), so such words are not left
// with an overly long protected prefix.
func markRegion(w string) int {
	p1 := len(w)
	for i, r := range w {
		if isVowel(r) {
			p1 = i + 1
			break
		}
	}
	if p1 < 2 {
		p1 = len(w)
		for i, r := range w[1:] {
			if !isVowel(r) {
				p1 = 1 + i + utf8.RuneLen(r)
				break
			}
		}
	}
	if r := strings.IndexByte(w, 'r'); r >= 0 && p1-(r+1) > 1 {
		p1 = r + 1
	}
	return p1
}

// step1 applies the morphological rewrites (fleeting a, -an→-ni adjective
// forms, foreign -ar/-at/-am nouns, sibilarised plurals). It has no region
// check: the rewrite only prepares the word for the endings steps.
func step1(w string, noDiacritics bool) string {
	for k := min(step1Rules.maxLen, len(w)); k > 0; k-- {
		r, ok := step1Rules.bySuffix[w[len(w)-k:]]
		if !ok || (r.bald && !noDiacritics) {
			continue
		}
		return w[:len(w)-k] + r.repl
	}
	return w
}

// applySuffix removes the longest matching suffix whose own condition holds
// and replaces it with the rule's kept part. As in Snowball, if that longest
// suffix does not start inside R1 the whole step fails rather than trying a
// shorter suffix, which keeps short words intact.
func applySuffix(w string, p1 int, noDiacritics bool, rules ruleSet) (string, bool) {
	for k := min(rules.maxLen, len(w)); k > 0; k-- {
		r, ok := rules.bySuffix[w[len(w)-k:]]
		if !ok || (r.bald && !noDiacritics) || !r.cond(w[:len(w)-k]) {
			continue
		}
		if len(w)-k < p1 {
			return w, false
		}
		return w[:len(w)-k] + r.repl, true
	}
	return w, false
}
