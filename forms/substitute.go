package forms

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/serbian"
)

// A correction of part of an answer: "nije 5 nego 15" at the summary of a
// report filed for "Kralja Petra 5" changes the house number; "nije
// Petrović nego Petković" a name. The words denied are looked up in the
// answers given so far, and where they stand (in one answer only) the
// words put instead replace them. Whole answers named anew are the
// understanding's business (a category, a delivery); this reads the
// free values, which no list of options can name.

// token is one word of a text: its byte span and its folded form.
type token struct {
	start, end int
	fold       string
	// punct: punctuation stands between the previous word and this one.
	punct bool
}

func tokens(s string) []token {
	var out []token
	start, punct := -1, false
	flush := func(end int) {
		if start >= 0 {
			out = append(out, token{start: start, end: end, fold: serbian.Fold(s[start:end]), punct: punct && len(out) > 0})
			start, punct = -1, false
		}
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
		default:
			flush(i)
			if !unicode.IsSpace(r) {
				punct = true
			}
		}
	}
	flush(len(s))
	return out
}

var (
	// deniers open the words taken back ("nije 5", "ne Njegoševa").
	deniers = wordSet("nije ne")
	// insteads open the words put in their place ("nego 15", "već 15").
	insteads = wordSet("nego vec")
	// leadWords before either side say nothing of the value ("nije u
	// Njegoševoj nego u Karađorđevoj", "nije broj 5 nego 15").
	leadWords = wordSet("u na broj broja br je to kod")
)

// maxSwapWords bounds either side of a swap: a longer span is a sentence,
// not a part of an answer.
const maxSwapWords = 4

// swap is a correction read from a message: the folded words taken back
// and the text put instead, as typed.
type swap struct {
	old []string
	new string
}

// readSwap finds "nije X nego Y" (or "ne X, već Y") in text.
func readSwap(text string) (swap, bool) {
	ts := tokens(text)
	for j, t := range ts {
		if !insteads[t.fold] || j == 0 {
			continue
		}
		i := j - 1
		for i >= 0 && j-i <= maxSwapWords+1 && !deniers[ts[i].fold] {
			i--
		}
		if i < 0 || j-i > maxSwapWords+1 || ts[i].fold == "ne" && i+1 < j && ts[i+1].punct {
			continue // no denial close before; "ne, ..." answers a question
		}
		old := trimLead(ts[i+1 : j])
		newTs := trimLead(ts[j+1:])
		n := 0
		for n < len(newTs) && n < maxSwapWords && (n == 0 || !newTs[n].punct) {
			n++
		}
		if len(old) == 0 || n == 0 {
			continue
		}
		sw := swap{new: text[newTs[0].start:newTs[n-1].end]}
		for _, o := range old {
			sw.old = append(sw.old, o.fold)
		}
		return sw, true
	}
	return swap{}, false
}

func trimLead(ts []token) []token {
	for len(ts) > 0 && leadWords[ts[0].fold] {
		ts = ts[1:]
	}
	return ts
}

// swappable are the fields whose answers a swap may change: free values
// as typed. Options, yes/no answers and files are named whole; a phone,
// an e-mail or a JMBG is stored normalised and is given anew.
func swappable(f *Field) bool {
	switch f.Type {
	case TypeText, TypeLocation, TypeName:
		return true
	}
	return false
}

// swapIn returns the field whose answer holds the words a swap takes back
// and that answer with them replaced. A place or a name is preferred to a
// description, which repeats the place as often as not; two answers of
// the same kind holding the words leave it unclear, and nothing changes.
func swapIn(def *Definition, d *Draft, sw swap) (*Field, string, bool) {
	var pick *Field
	var value string
	rank := func(f *Field) int {
		if f.Type == TypeText {
			return 1
		}
		return 2
	}
	tie := false
	for i := range def.Fields {
		f := &def.Fields[i]
		v := d.values[f.Name]
		if !swappable(f) || v == "" || !f.applies(d.values) {
			continue
		}
		nv, ok := replaceWords(v, sw)
		switch {
		case !ok:
		case pick == nil || rank(f) > rank(pick):
			pick, value, tie = f, nv, false
		case rank(f) == rank(pick):
			tie = true
		}
	}
	if pick == nil || tie {
		return nil, "", false
	}
	return pick, value, true
}

// replaceWords replaces the one run of words in v that folds to sw.old
// with sw.new, written in v's script. ok is false when the words are not
// in v, or are there more than once.
func replaceWords(v string, sw swap) (string, bool) {
	ts := tokens(v)
	at := -1
	for i := 0; i+len(sw.old) <= len(ts); i++ {
		match := true
		for k, o := range sw.old {
			if ts[i+k].fold != o {
				match = false
				break
			}
		}
		if match {
			if at >= 0 {
				return "", false
			}
			at = i
		}
	}
	if at < 0 {
		return "", false
	}
	repl := sw.new
	if cyrillic(v) {
		repl = serbian.ToCyrillic(repl)
	} else {
		repl = serbian.ToLatin(repl)
	}
	return v[:ts[at].start] + repl + v[ts[at+len(sw.old)-1].end:], true
}

// cyrillic reports whether the first letter of s is Cyrillic.
func cyrillic(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if unicode.IsLetter(r) {
			return unicode.Is(unicode.Cyrillic, r)
		}
		s = s[n:]
	}
	return false
}

// swapApplies reports whether a message to the draft is read as a swap:
// not while a free answer is asked (the message is that answer), and only
// when the words taken back stand in one answer.
func swapApplies(def *Definition, d *Draft, text string) (*Field, string, bool) {
	if f, ok := def.Field(d.Current); ok && (f.Type == TypeText || f.Type == TypeLocation) {
		return nil, "", false
	}
	sw, ok := readSwap(text)
	if !ok {
		return nil, "", false
	}
	return swapIn(def, d, sw)
}

// Swaps reports whether text corrects part of an answer given before
// ("nije 5 nego 15"): the engine then passes it to the form as an answer,
// whatever else it reads as. Nothing of the answer leaves the package.
func (d *Draft) Swaps(text string) bool {
	def, ok := Lookup(d.Form)
	if !ok {
		return false
	}
	_, _, ok = swapApplies(def, d, strings.TrimSpace(text))
	return ok
}
