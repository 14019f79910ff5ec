package serbian

// The stemmer in this file and in stemrules*.go implements the Snowball
// Serbian stemming algorithm by Stefan Petković and Dragan Ivanović
// (version 1.0 of 20.04.2019, after Ljubešić and Pandžić's stemmer for
// Croatian) as defined by algorithms/serbian.sbl in
// github.com/snowballstem/snowball at commit
// 6869f95567babf16ade7bdbc96fda47a6212e159, whose mark_regions and
// no_diacritics flag are what PostgreSQL's serbian_stem runs. The Go is our
// own; the suffix tables are the algorithm's data, transcribed from the
// .sbl in its order. Snowball is Copyright (c) 2001 Dr Martin Porter and
// Copyright (c) 2004-2025 Richard Boulton and others, BSD 3-clause licence
// (https://snowballstem.org/license.html).
//
// testdata/snowball-serbian.tsv holds the official stems of about 15,000
// words (PostgreSQL's serbian_stem, which is the Snowball C code) and
// TestStemAgreesWithSnowball checks this implementation against them.

import (
	"strings"
	"unicode/utf8"
)

// NormalizationVersion names the text normalisation (transliteration,
// folding and this stemmer) that search vectors are built with. Ingestion
// hashes it with each document, so changing it re-indexes every document
// on the next ingest instead of leaving vectors built with older stems.
const NormalizationVersion = "snowball-serbian-6869f95"

// Stem returns the Snowball Serbian stem of one word: Cyrillic to Latin,
// the prelude (consonant+ije/je+consonant → e, then dj → đ), the R1
// region, Step 1 (stem-final rewrites anywhere in the word), then Step 2
// (suffix families, inside R1) or, if Step 2 does not apply, Step 3 (plain
// endings, inside R1). The input should be a single lower-case word; the
// stem keeps diacritics (folding is a separate step, see Tokens).
func Stem(word string) string {
	w := strings.ToLower(ToLatin(word))
	if w == "" {
		return w
	}
	w = prelude(w)
	p1 := markR1(w)
	// The .sbl's no_diacritics flag: the word, after the prelude, has no
	// č, ć, ž, š or đ. The suffixes spelled without diacritics (oscu,
	// lucuje...) apply only then.
	noDiacritics := !hasDiacritic(w)
	w, _ = step1.apply(w, 0, noDiacritics)
	if out, ok := step2.apply(w, p1, noDiacritics); ok {
		return out
	}
	out, _ := step3.apply(w, p1, noDiacritics)
	return out
}

// prelude turns Ijekavian spellings into Ekavian ones (consonant + ije +
// consonant → consonant + e + consonant, then the same for je) and then
// dj → đ, in that order, so that "dječji" meets "dečji" and "rodjenih"
// becomes "rodenih" (je fires before dj). Like Snowball it also rewrites a
// je that is an ending (uverenjem → uverenem).
func prelude(w string) string {
	if strings.Contains(w, "je") {
		w = ekavize(w, "ije")
		w = ekavize(w, "je")
	}
	if strings.Contains(w, "dj") {
		w = strings.ReplaceAll(w, "dj", "đ")
	}
	return w
}

// ekavize replaces pat by "e" wherever it stands between two consonants,
// scanning left to right and going on after each replacement from the
// consonant that closed it, as Snowball's `repeat goto` does.
func ekavize(w, pat string) string {
	if !strings.Contains(w, pat) {
		return w
	}
	var out []byte
	last := 0 // w[last:i] is not yet copied to out
	for i := 0; i < len(w); {
		r, n := utf8.DecodeRuneInString(w[i:])
		i += n
		if !isConsonant(r) || !strings.HasPrefix(w[i:], pat) {
			continue
		}
		if next, _ := utf8.DecodeRuneInString(w[i+len(pat):]); !isConsonant(next) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(w))
		}
		out = append(append(out, w[last:i]...), 'e')
		i += len(pat)
		last = i
	}
	if out == nil {
		return w
	}
	return string(append(out, w[last:]...))
}

// isVowel is the .sbl's grouping v: syllabic r is handled in markR1.
func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// isConsonant is the .sbl's grouping ca.
func isConsonant(r rune) bool {
	switch r {
	case 'b', 'v', 'g', 'd', 'z', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's',
		't', 'f', 'h', 'c', 'č', 'ć', 'ž', 'š', 'đ':
		return true
	}
	return false
}

// markR1 returns p1, the byte offset where R1 starts, as the .sbl's
// mark_regions computes it (Snowball's C code counts UTF-8 bytes, and the
// thresholds below are bytes too):
//   - p1 is just after the first vowel, or the end of the word if none;
//     if that vowel opens the word, p1 moves past the next non-vowel;
//   - then, if the word has an r, take the position just after the first
//     one (when that is below 2, i.e. the word opens with r, go on past the
//     next letter that is not r): if p1 lies more than one byte further,
//     the r is syllabic and p1 moves back to it (srbija, trgovački; not
//     grad, rđa).
func markR1(w string) int {
	p1 := len(w)
	if v := strings.IndexAny(w, "aeiou"); v >= 0 {
		p1 = v + 1
		if p1 < 2 {
			p1 = pastFirst(w, p1, func(r rune) bool { return !isVowel(r) }, p1)
		}
	}
	r := strings.IndexByte(w, 'r')
	if r < 0 {
		return p1
	}
	c := r + 1
	if c < 2 {
		c = pastFirst(w, c, func(r rune) bool { return r != 'r' }, -1)
		if c < 0 {
			return p1
		}
	}
	if p1-c > 1 {
		p1 = c
	}
	return p1
}

// pastFirst returns the offset just after the first letter of w at or after
// from that satisfies ok (Snowball's gopast), or none when there is none.
func pastFirst(w string, from int, ok func(rune) bool, none int) int {
	for i, r := range w[from:] {
		if ok(r) {
			return from + i + utf8.RuneLen(r)
		}
	}
	return none
}
