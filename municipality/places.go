package municipality

import (
	_ "embed"
	"slices"
	"strings"
	"unicode"

	"github.com/miasrbija/mia/serbian"
)

//go:embed places.txt
var placesFile string

// place is a local self-government's name as the stem sequences its
// forms give.
type place struct {
	name  string
	forms [][]string
	// proper: the name is also a common word and counts only capitalised.
	proper bool
}

var places = parsePlaces(placesFile)

func parsePlaces(src string) []place {
	var out []place
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := place{}
		if rest, ok := strings.CutPrefix(line, "~"); ok {
			line, p.proper = rest, true
		}
		names := strings.Split(line, "/")
		p.name = names[0]
		for _, n := range append(names, derivedForms(names[0])...) {
			if f := placeStems(n); len(f) > 0 && !slices.ContainsFunc(p.forms, func(g []string) bool { return slices.Equal(f, g) }) {
				p.forms = append(p.forms, f)
			}
		}
		out = append(out, p)
	}
	return out
}

// derivedForms are the oblique forms whose stems the nominative's do not
// give: the locative of a word in -ka, -ga, -ha (Luka → Luci) and the
// genitive of one with a mobile a (Kragujevac → Kragujevca, Čačak → Čačka).
func derivedForms(name string) []string {
	words := strings.Fields(name)
	var out []string
	for i, w := range words {
		alt := ""
		switch {
		case strings.HasSuffix(w, "ka"):
			alt = strings.TrimSuffix(w, "ka") + "ci"
		case strings.HasSuffix(w, "ga"):
			alt = strings.TrimSuffix(w, "ga") + "zi"
		case strings.HasSuffix(w, "ac"):
			alt = strings.TrimSuffix(w, "ac") + "ca"
		case strings.HasSuffix(w, "ak"):
			alt = strings.TrimSuffix(w, "ak") + "ka"
		}
		if alt != "" {
			ws := slices.Clone(words)
			ws[i] = alt
			out = append(out, strings.Join(ws, " "))
		}
	}
	return out
}

// placeStems returns the search stems of a name's words.
func placeStems(name string) []string {
	var out []string
	for _, w := range strings.Fields(name) {
		out = append(out, serbian.Tokens(w)...)
	}
	return out
}

// textWord is one word of a message: its stem (empty for a stop word),
// whether it was written capitalised, and the folded word itself.
type textWord struct {
	stem, folded string
	capital      bool
}

func textWords(text string) []textWord {
	var out []textWord
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		tw := textWord{folded: serbian.Fold(w)}
		if r := []rune(w); len(r) > 0 {
			tw.capital = unicode.IsUpper(r[0])
		}
		if toks := serbian.Tokens(w); len(toks) == 1 {
			tw.stem = toks[0]
		}
		out = append(out, tw)
	}
	return out
}

// originWords introduce where someone comes from ("preselio sam se iz
// Novog Sada"): the place named is not what the question is about.
var originWords = map[string]bool{"iz": true, "od": true}

// ForeignPlace returns the name of another local self-government the text
// asks about, or "" when it names none or also names this municipality.
// Places of this municipality (its seat and settlements) are never
// foreign, whatever list they are also on (Aleksandrovac is a Laktaši
// village and a municipality in Serbia).
func (m *Municipality) ForeignPlace(text string) string {
	ws := textWords(text)
	own := m.ownPlaces()
	for _, f := range own {
		if findForm(ws, f, false) >= 0 {
			return ""
		}
	}
	for _, p := range places {
		for _, f := range p.forms {
			i := findForm(ws, f, p.proper)
			if i < 0 || i > 0 && originWords[ws[i-1].folded] {
				continue
			}
			if slices.ContainsFunc(own, func(g []string) bool { return slices.Equal(f, g) }) {
				continue
			}
			return p.name
		}
	}
	return ""
}

// ownPlaces are the stem sequences of the municipality's own names.
func (m *Municipality) ownPlaces() [][]string {
	var out [][]string
	names := append([]string{m.Name, m.seat()}, m.Settlements...)
	for _, n := range names {
		for _, v := range append([]string{n}, derivedForms(n)...) {
			if f := placeStems(v); len(f) > 0 {
				out = append(out, f)
			}
		}
	}
	return out
}

// seat is the municipality's name without "Grad" or "Opština".
func (m *Municipality) seat() string {
	ws := strings.Fields(m.Name)
	if len(ws) > 1 {
		return strings.Join(ws[1:], " ")
	}
	return m.Name
}

// findForm returns the index of the first word where the stems of form
// start, or -1. A proper-only name must be capitalised and not open the
// sentence.
func findForm(ws []textWord, form []string, proper bool) int {
	for i := 0; i+len(form) <= len(ws); i++ {
		ok := true
		for j, s := range form {
			if ws[i+j].stem != s {
				ok = false
				break
			}
		}
		if ok && (!proper || i > 0 && ws[i].capital) {
			return i
		}
	}
	return -1
}
