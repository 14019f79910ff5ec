package assistant

import (
	"strconv"
	"strings"
)

// wordPat matches one word. Its alternatives are written "a|b|c"; a
// trailing * makes an alternative a prefix (stem) match and a trailing ~
// tolerates one typo (edit or swap) in words of five letters or more.
type wordPat struct {
	alts []wordAlt
	gap  bool // "...": up to maxGap arbitrary words
}

type wordAlt struct {
	text          string
	prefix, fuzzy bool
}

// maxGap is how many words a "..." in a phrase may skip.
const maxGap = 3

func (p wordPat) match(w string) bool {
	for _, a := range p.alts {
		if a.match(w) {
			return true
		}
	}
	return false
}

func (a wordAlt) match(w string) bool {
	switch {
	case a.prefix && strings.HasPrefix(w, a.text), !a.prefix && w == a.text:
		return true
	case !a.fuzzy || len(w) < 4:
		return false
	case !a.prefix:
		return oneEditApart(a.text, w)
	}
	// A fuzzy stem: some prefix of w is one typo away from the stem.
	for n := len(a.text) - 1; n <= len(a.text)+1 && n <= len(w); n++ {
		if oneEditApart(a.text, w[:n]) {
			return true
		}
	}
	return false
}

// oneEditApart reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of neighbouring letters.
func oneEditApart(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return true
	}
	if len(a) == len(b) {
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:]
}

// phrase is a sequence of word patterns matched against consecutive words.
type phrase []wordPat

// phrases is a list of alternatives; any match counts.
type phrases []phrase

// mustPhrases compiles phrases. A phrase is space-separated word patterns,
// e.g. "status* ... prijav*|zahtev*"; commas separate alternative phrases
// within one argument ("dobar dan, dobro jutro"). Patterns go through the
// same folding as messages, so they may be written with diacritics or in
// Cyrillic.
func mustPhrases(src ...string) phrases {
	var ps phrases
	for _, list := range src {
		for _, s := range strings.Split(list, ",") {
			ps = append(ps, mustPhrase(s))
		}
	}
	return ps
}

func mustPhrase(s string) phrase {
	var p phrase
	for _, f := range strings.Fields(s) {
		if f == "..." {
			p = append(p, wordPat{gap: true})
			continue
		}
		var wp wordPat
		for _, alt := range strings.Split(f, "|") {
			var a wordAlt
			for {
				if t, ok := strings.CutSuffix(alt, "*"); ok {
					alt, a.prefix = t, true
				} else if t, ok := strings.CutSuffix(alt, "~"); ok {
					alt, a.fuzzy = t, true
				} else {
					break
				}
			}
			ws := routeWords(alt)
			if len(ws) != 1 {
				panic("assistant: bad word pattern " + strconv.Quote(alt) + " in " + strconv.Quote(s))
			}
			a.text = ws[0]
			a.fuzzy = a.fuzzy && len(a.text) >= 5
			wp.alts = append(wp.alts, a)
		}
		p = append(p, wp)
	}
	if len(p) == 0 || p[0].gap || p[len(p)-1].gap {
		panic("assistant: bad phrase " + strconv.Quote(s))
	}
	return p
}

// matchAt reports whether p matches ws starting at word i, and where the
// match ends.
func (p phrase) matchAt(ws []string, i int) (int, bool) {
	if len(p) == 0 {
		return i, true
	}
	if p[0].gap {
		for k := 0; k <= maxGap && i+k <= len(ws); k++ {
			if end, ok := p[1:].matchAt(ws, i+k); ok {
				return end, true
			}
		}
		return 0, false
	}
	if i < len(ws) && p[0].match(ws[i]) {
		return p[1:].matchAt(ws, i+1)
	}
	return 0, false
}

// starts returns the word indexes where any phrase matches, in order.
func (ps phrases) starts(ws []string) []int {
	var out []int
	for i := range ws {
		for _, p := range ps {
			if _, ok := p.matchAt(ws, i); ok {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

func (ps phrases) any(ws []string) bool {
	for i := range ws {
		for _, p := range ps {
			if _, ok := p.matchAt(ws, i); ok {
				return true
			}
		}
	}
	return false
}
