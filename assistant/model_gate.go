package assistant

import (
	"strings"
	"unicode"
)

// citeGate passes on a model's answer only where its citations have been
// checked, so no uncited text ever reaches the citizen, not even for a
// moment before a replacement.
//
// The answer is cut into units: sentences (ending in . ! ? … before
// whitespace and a word that is not lower-case) and lines. A unit is shown
// once it carries a valid citation; its text after the citation streams on
// as it comes. A unit without one is held: the model cites at the end of a
// statement, so a following cited unit of the same paragraph covers it (a
// lead-in such as "Potrebno je:" before a cited list, a sentence cut at
// "ul." or "15."), and the held units are shown with it. Held units still
// uncited when their paragraph (a blank line) or the answer ends are
// dropped and never shown.
//
// The gate is fed by citeRewriter: text for ordinary text, cite for a
// bracket that held valid passage ids (already rewritten to [n]). A bracket
// that merely looks like a citation is text, so it cites nothing.
type citeGate struct {
	out   func(string) // receives checked text
	cur   strings.Builder
	sent  int  // bytes of cur already passed on
	cited bool // cur carries a valid citation
	held  []string
	// gap is whitespace after a possible end of a unit, not yet known to
	// end it: the next word decides.
	gap   strings.Builder
	state gateState
	// shown is set once any text was passed on; dropped counts the units
	// never shown.
	shown   bool
	dropped int
}

type gateState int

const (
	gateText gateState = iota // inside a unit
	gateEnd                   // after a sentence's final punctuation (or a citation)
	gateGap                   // in whitespace that may end the unit
)

func newCiteGate(out func(string)) *citeGate { return &citeGate{out: out} }

// text takes ordinary text of the answer.
func (g *citeGate) text(s string) {
	for _, r := range s {
		switch g.state {
		case gateEnd:
			switch {
			case isSentenceEnd(r) || strings.ContainsRune(`)"'”»“’`, r):
				g.cur.WriteRune(r)
				continue
			case unicode.IsSpace(r):
				g.gap.WriteRune(r)
				g.state = gateGap
				continue
			}
		case gateGap:
			if unicode.IsSpace(r) {
				g.gap.WriteRune(r)
				continue
			}
			gap := g.gap.String()
			g.gap.Reset()
			if !strings.Contains(gap, "\n") && unicode.IsLower(r) {
				// "npr. kod", "do 15. marta": the sentence goes on.
				g.cur.WriteString(gap)
			} else {
				g.boundary(gap)
			}
		}
		if r == '\n' {
			g.gap.WriteRune(r)
			g.state = gateGap
			continue
		}
		g.cur.WriteRune(r)
		g.state = gateText
		if isSentenceEnd(r) {
			g.state = gateEnd
		}
	}
	g.pass()
}

// cite takes a checked citation, such as "[1]" or "[1][2]": the unit it is
// in (or, after the unit's final punctuation, the unit it follows) is cited.
func (g *citeGate) cite(s string) {
	if g.state == gateGap {
		g.cur.WriteString(g.gap.String())
		g.gap.Reset()
	}
	g.cur.WriteString(s)
	g.cited = true
	g.state = gateEnd
	g.pass()
}

// close ends the answer: trailing whitespace and uncited units are dropped.
func (g *citeGate) close() {
	g.gap.Reset()
	g.boundary("\n\n")
}

// boundary ends the current unit; gap, the whitespace that ended it,
// starts the next one. A blank line ends the paragraph: what it still
// holds uncited is dropped.
func (g *citeGate) boundary(gap string) {
	g.pass() // the rest of a cited unit, such as its final full stop
	if !g.cited && strings.TrimSpace(g.cur.String()) != "" {
		g.held = append(g.held, g.cur.String())
	}
	g.cur.Reset()
	g.sent, g.cited = 0, false
	if strings.Count(gap, "\n") >= 2 {
		g.dropped += len(g.held)
		g.held = nil
	}
	g.cur.WriteString(gap)
}

// pass passes on what is checked and not yet passed on: the held units
// and the current unit, once it is cited.
func (g *citeGate) pass() {
	if !g.cited {
		return
	}
	s := strings.Join(g.held, "") + g.cur.String()[g.sent:]
	g.held = nil
	g.sent = g.cur.Len()
	if !g.shown {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
	}
	if s == "" {
		return
	}
	g.shown = true
	g.out(s)
}

func isSentenceEnd(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' }
