package assistant

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// Extractive answers without a model: it quotes the sentences of the best
// passages that carry the most of the question's weight and, where the
// question asks for a kind of fact (a date, an amount, a place), the one
// that states it, in document order, each passage introduced by its
// document's title and cited.
type extractive struct {
	// maxPassages is how many passages an answer quotes.
	maxPassages int
	// maxUnits is how many sentences or table rows one passage contributes
	// (a list and a caveat come on top, with the sentence they belong to).
	maxUnits int
}

// passage is one quoted piece of an extractive answer.
type passage struct {
	hit   rag.Hit
	quote string   // the quoted units as in the document: what the citation shows
	units []string // the quoted sentences, list items and table rows
	// text is what the citizen reads: the quote with its table rows read
	// out against their header; "" reads the quote as it is.
	text string
}

// Penalties on retrieval's order: a passage of a lower-ranked document, or
// a lower-ranked passage of the same document, wins only with clearly
// better sentences. Within the top document the penalty is small, so the
// chunk that states the asked fact (the deadline table) is not lost behind
// one that only repeats the question's words.
const (
	docPenalty   = 0.25
	chunkPenalty = 0.05
)

// compose picks the passages and sentences to quote: among the retrieved
// hits, those whose best sentences carry the most of the question's weight
// and state the kind of fact asked. It returns nothing when no passage has
// a sentence that matches.
func (x extractive) compose(res *rag.Results, want factKind) []passage {
	type cand struct {
		passage
		score float64
		rank  int
		typed bool // a quoted sentence states the kind of fact asked for
	}
	tw := newTermWeights(res)
	a := asked{kind: want, point: want == whenFact && asksPoint(res.Query)}
	// "Da li se porez plaća do 15. maja?" checks a date: the passage
	// stating the real one answers it, yes or no.
	if want == yesNoFact {
		switch {
		case holdsPoint(res.Query):
			a = asked{kind: whenFact, point: true}
		case holds(res.Query, howMuchFact):
			a = asked{kind: howMuchFact}
		}
	}
	var cs []cand
	docRank := map[int64]int{}
	inDoc := map[int64]int{}
	for i, h := range res.Hits {
		d, ok := docRank[h.DocumentID]
		if !ok {
			d = len(docRank)
			docRank[h.DocumentID] = d
		}
		j := inDoc[h.DocumentID]
		inDoc[h.DocumentID]++
		q := x.quote(h, tw, a)
		if len(q.units) == 0 {
			continue
		}
		factor := max(0.1, 1-docPenalty*float64(d)-chunkPenalty*float64(j))
		cs = append(cs, cand{passage{hit: h, quote: joinUnits(q.units), units: q.units, text: q.text}, q.score * factor, i, q.typed})
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		case a.typed != b.typed:
			if a.typed {
				return -1
			}
			return 1
		}
		return a.rank - b.rank
	})
	var out []passage
	for _, c := range cs {
		if len(out) == x.maxPassages {
			break
		}
		// A second passage must be nearly as good as the first, and state
		// the asked kind of fact if the first does, or it only adds noise
		// to a short answer.
		if len(out) > 0 && (c.score < 0.8*cs[0].score || c.typed != cs[0].typed) {
			break
		}
		out = append(out, c.passage)
	}
	return out
}

// quoted is what one passage offers an answer.
type quoted struct {
	units []string // in document order
	text  string   // the units as read to the citizen (tables read out)
	score float64  // the question's weight they and the passage's headings carry
	typed bool     // a quoted unit states the kind of fact asked for
}

// asked is what the question asks for.
type asked struct {
	kind factKind
	// point: a when-question asking for a date or a weekday ("do kada"),
	// not a span ("u kom roku").
	point bool
}

// quote returns the best units of the hit, in their original order, with
// what goes with them: the header row of a quoted table row, the whole of
// a list whose introduction is quoted, a caveat right after a quoted
// sentence, the sentence a quoted one points back to.
func (x extractive) quote(h rag.Hit, tw termWeights, a asked) quoted {
	want := a.kind
	units := splitUnits(h.Content)
	if len(units) == 0 {
		return quoted{}
	}
	// The headings say what the whole passage is about: "Пси луталице"
	// over "Ko hvata pse lutalice…, pitajte na info-pultu 025/468-222"
	// makes every sentence of it about the question.
	head := tw.forms(strings.Join(h.HeadingPath, " "), nil)
	// The passage's own section (under the document's title) naming the
	// question's words makes each of its units about the question.
	var section map[string]float64
	if len(h.HeadingPath) > 1 {
		section = tw.forms(h.HeadingPath[len(h.HeadingPath)-1], nil)
	}
	hdr := tableHeaders(units)
	foldedUnits := map[string]string{}
	folded := func(u string) string {
		f, ok := foldedUnits[u]
		if !ok {
			f = serbian.Fold(u)
			foldedUnits[u] = f
		}
		return f
	}
	type scored struct {
		i     int
		own   float64 // the question's weight in the unit (and its table header)
		label float64 // the weight in a table row's own cells, without the header
		all   float64 // with the headings' words
		typed bool    // states the asked kind of fact
	}
	var ss []scored
	headerForms := map[int]map[string]float64{}
	prevOwn, prevAll := 0.0, 0.0
	headW := sum(head)
	for i, u := range units {
		if hdr[i] == i {
			prevOwn = 0
			continue // a header row is quoted with its rows, never alone
		}
		own := tw.forms(u, nil)
		if isTableRow(u) {
			// "| I | 1. januar | 14. februar |" is the first rate's row.
			if o := ordinalOf(tableCells(u)[0]); o != "" {
				if f, w := tw.match(o); f != "" {
					own[f] = w
				}
			}
			// The table's last row is the "poslednja"/"zadnja" one.
			if i+1 == len(units) || hdr[i+1] != hdr[i] {
				for _, l := range lastWords {
					if f, w := tw.match(l); f != "" {
						own[f] = w
					}
				}
			}
		}
		label := sum(own)
		if hdr[i] >= 0 {
			hf, ok := headerForms[hdr[i]]
			if !ok {
				hf = tw.forms(units[hdr[i]], nil)
				headerForms[hdr[i]] = hf
			}
			for f, w := range hf {
				own[f] = max(own[f], w)
			}
		}
		s := scored{i: i, own: sum(own), label: label}
		with := maps.Clone(own)
		for f, w := range head {
			if _, ok := own[f]; !ok {
				with[f] = w
			}
		}
		s.all = sum(with)
		// The unit holding the date, amount or place asked for is the
		// answer even when it repeats fewer of the question's words, as
		// long as it, its section or the sentence it follows in its
		// paragraph ("Kante se prazne po rasporedu. Posude iznesite do
		// 6:00.") is about the question.
		carried := s.own == 0 && len(section) == 0 && i > 0 && prevOwn > 0 && sameBlock(units[i-1], u)
		about := s.own > 0 || len(section) > 0 || carried
		before := prevAll
		prevOwn, prevAll = s.own, s.all
		if about && holdsFolded(folded(u), want) {
			if carried {
				// Read with the sentence it follows, it says what that
				// one says: that sentence's words count for it too.
				s.all += before - headW
			}
			bonus := tw.maxW
			// "do kada" is answered by a date, "u kom roku" by a span:
			// the other is a weaker answer.
			if want == whenFact && a.point != calendarRE.MatchString(folded(u)) {
				bonus /= 2
			}
			s.typed = true
			s.own += bonus
			s.all += bonus
			s.label += bonus
		}
		ss = append(ss, s)
	}
	if len(ss) == 0 {
		return quoted{}
	}
	// Units rank by what they add to the headings (a unit repeating the
	// section's title says no more than the title), then by their own
	// words.
	novel := func(s scored) float64 { return s.all - headW }
	slices.SortStableFunc(ss, func(a, b scored) int {
		switch {
		case novel(a) > novel(b)+1e-9:
			return -1
		case novel(a) < novel(b)-1e-9:
			return 1
		case a.own > b.own:
			return -1
		case a.own < b.own:
			return 1
		}
		return 0
	})
	keep := map[int]bool{}
	best := ss[0]
	// A short section whose own heading names most of what was asked
	// ("Gde se razgovara sa MIA", "Koliko dugo traje pravo") is the
	// answer as a whole: its list or its first sentence is not less of it
	// for repeating no word of the question.
	if tw.asked > 0 && tw.askedWeight(section) >= tw.asked/2 && len(ss) <= x.maxUnits {
		for _, s := range ss {
			keep[s.i] = true
		}
	}
	switch {
	case len(keep) > 0:
	case novel(best) > 1e-9:
		for _, s := range ss[:min(x.maxUnits, len(ss))] {
			if novel(s) >= novel(best)/3 {
				keep[s.i] = true
			}
		}
	case best.own > 0:
		slices.SortStableFunc(ss, func(a, b scored) int { return cmp.Compare(b.own, a.own) })
		best = ss[0]
		for _, s := range ss[:min(x.maxUnits, len(ss))] {
			if s.own >= best.own/3 {
				keep[s.i] = true
			}
		}
	case best.all > 0:
		// The passage matched on its headings only: its opening units are
		// the section's answer.
		slices.SortStableFunc(ss, func(a, b scored) int { return a.i - b.i })
		for _, s := range ss[:min(2, len(ss))] {
			keep[s.i] = true
		}
	default:
		return quoted{}
	}
	typed := false
	for _, s := range ss {
		typed = typed || keep[s.i] && s.typed
	}
	// Of a table's quoted rows, the ones whose own cells match the question
	// ("Jablan i Maglajani" for "u Jablanu", "I" for "prva rata") are the
	// answer; the others came with the header's words.
	bestLabel := map[int]float64{}
	for _, s := range ss {
		if keep[s.i] && hdr[s.i] >= 0 {
			bestLabel[hdr[s.i]] = max(bestLabel[hdr[s.i]], s.label)
		}
	}
	for _, s := range ss {
		if keep[s.i] && hdr[s.i] >= 0 && s.label < bestLabel[hdr[s.i]]-1e-9 && len(keep) > 1 {
			delete(keep, s.i)
		}
	}
	sentences := len(keep)
	for _, i := range slices.Sorted(maps.Keys(keep)) {
		u := units[i]
		// A sentence that introduces a list or a table ("Potrebno je:") is
		// only useful with the whole of it (a table only if none of its
		// rows was chosen on its own).
		if strings.HasSuffix(u, ":") && !isListItem(u) && !isTableRow(u) {
			n := 0
			for j := i + 1; j < len(units) && n < maxListItems; j++ {
				if !isListItem(units[j]) && !isTableRow(units[j]) {
					break
				}
				if isTableRow(units[j]) && rowKept(keep, hdr, hdr[j]) && !keep[j] {
					break
				}
				keep[j] = true
				n++
			}
		}
		// A caveat that qualifies a chosen sentence stays with it (not a
		// caveat on a caveat), and so does a sentence that goes on about
		// it ("Te podatke proverite na 025/415-788."), within a sentence of
		// room.
		if j := i + 1; j < len(units) && !keep[j] && sentences <= x.maxUnits &&
			(qualifies(u, units[j]) || leansBack(units[j]) && sameBlock(u, units[j])) {
			keep[j] = true
			sentences++
		}
		// A sentence that points back ("To važi za…") is no evidence
		// without the one it points to.
		if j := i - 1; j >= 0 && !keep[j] && leansBack(u) && !isListItem(units[j]) && !isTableRow(units[j]) {
			keep[j] = true
		}
	}
	for i := range units {
		if !keep[i] {
			continue
		}
		switch {
		case isListItem(units[i]):
			// A list item means little without the sentence introducing
			// its list.
			j := i - 1
			for j >= 0 && isListItem(units[j]) {
				j--
			}
			if j >= 0 && strings.HasSuffix(units[j], ":") {
				keep[j] = true
			}
			// A list of documents, or one two of whose items were chosen,
			// is quoted whole: "what to bring" is all of it.
			end := i
			for end+1 < len(units) && isListItem(units[end+1]) {
				end++
			}
			n := 0
			for k := j + 1; k <= end; k++ {
				if keep[k] {
					n++
				}
			}
			if (want == documentsFact || n > 1) && end-j <= maxListItems {
				for k := j + 1; k <= end; k++ {
					keep[k] = true
				}
			}
		case hdr[i] >= 0:
			// A table row is read with its header row, and with the
			// sentence introducing the table.
			keep[hdr[i]] = true
			if j := hdr[i] - 1; j >= 0 && strings.HasSuffix(units[j], ":") && !isTableRow(units[j]) && !isListItem(units[j]) {
				keep[j] = true
			}
		}
	}
	var picked []string
	for i, u := range units {
		if keep[i] {
			picked = append(picked, u)
		}
	}
	return quoted{units: picked, text: readUnits(units, keep, hdr, tw, want), score: best.all, typed: typed}
}

// sameBlock reports whether two adjacent units are sentences of one
// paragraph, not items of a list or rows of a table.
func sameBlock(a, b string) bool {
	return !isListItem(a) && !isListItem(b) && !isTableRow(a) && !isTableRow(b) && !strings.HasSuffix(a, ":")
}

// rowKept reports whether a row of the table headed at header is kept.
func rowKept(keep map[int]bool, hdr []int, header int) bool {
	for i, k := range keep {
		if k && i != header && i < len(hdr) && hdr[i] == header {
			return true
		}
	}
	return false
}

// leansBack reports whether a sentence opens by pointing back to the one
// before it (a demonstrative or an anaphor, not a condition).
func leansBack(u string) bool {
	f := strings.Fields(serbian.Fold(u))
	if len(f) == 0 {
		return false
	}
	w := strings.TrimFunc(f[0], func(r rune) bool { return !isWordRune(r) })
	return anaphors[w]
}

// anaphors are the (folded) words that open a sentence about the one
// before it: a closed grammatical class.
var anaphors = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`ovaj ova ovo ovi ove ovih ovim ovoj ovom ovog ovoga
		taj ta to ti te tih tim toj tom tog toga takav takva takvo takvi takve
		navedeni navedena navedeno navedene pomenuti pomenuta pomenuto isti ista isto iste
		tada zato stoga time tako`) {
		m[w] = true
	}
	return m
}()

// sum adds the weights in a fixed order, so equal sets of words score
// exactly equal whatever the map's order.
func sum(m map[string]float64) float64 {
	var s float64
	for _, f := range slices.Sorted(maps.Keys(m)) {
		s += m[f]
	}
	return s
}

// tableHeaders maps each unit to the index of its table's header row (the
// first row of a run of rows), or -1 for a unit outside any table.
func tableHeaders(units []string) []int {
	hdr := make([]int, len(units))
	for i, u := range units {
		switch {
		case !isTableRow(u):
			hdr[i] = -1
		case i > 0 && isTableRow(units[i-1]):
			hdr[i] = hdr[i-1]
		default:
			hdr[i] = i
		}
	}
	return hdr
}

// ordinals name the ordinal a row label stands for, as a question says
// it: "I" or "1." is "prvi/prva", "II" "drugi/druga".
var ordinals = map[string]string{
	"i": "prvi", "ii": "drugi", "iii": "treci", "iv": "cetvrti", "v": "peti", "vi": "sesti",
	"1": "prvi", "2": "drugi", "3": "treci", "4": "cetvrti", "5": "peti", "6": "sesti",
}

// lastWords are the tokens of the words that ask for the last of a
// series ("poslednja rata", "zadnji rok").
var lastWords = func() []string {
	var out []string
	for _, w := range []string{"poslednji", "zadnji"} {
		out = append(out, serbian.Tokens(w)...)
	}
	return out
}()

// ordinalOf returns the ordinal word a row label written as a Roman or
// Arabic numeral ("I", "2.") stands for, or "".
func ordinalOf(label string) string {
	l := strings.TrimRight(strings.ToLower(strings.TrimSpace(label)), ".)")
	o, ok := ordinals[l]
	if !ok {
		return ""
	}
	if t := serbian.Tokens(o); len(t) > 0 {
		return t[0]
	}
	return ""
}

// termWeights is the question's weight by corpus form, for scoring units.
type termWeights struct {
	w    map[string]float64
	maxW float64
	// hint marks the forms of the search hint's words, which the citizen
	// did not ask; asked is the weight of the words they did.
	hint  map[string]bool
	asked float64
	// sorted are the forms in order, so a near form is chosen the same
	// way every time.
	sorted []string
}

func newTermWeights(res *rag.Results) termWeights {
	tw := termWeights{w: map[string]float64{}, hint: map[string]bool{}}
	for f, v := range res.Weights {
		tw.w[f] = v
	}
	for _, t := range res.QueryTerms {
		for _, f := range t.Forms {
			switch {
			case t.Hint:
				tw.hint[f] = true
			case questionWords[t.Token]:
				// "mogu", "treba": a sentence saying "može" is no closer
				// to the answer.
				delete(tw.w, f)
			}
		}
		if !t.Hint && !questionWords[t.Token] && len(t.Forms) > 0 {
			tw.asked += t.IDF
		}
	}
	for _, v := range tw.w {
		tw.maxW = max(tw.maxW, v)
	}
	tw.sorted = slices.Sorted(maps.Keys(tw.w))
	return tw
}

// askedWeight is the weight of the citizen's own words among forms.
func (tw termWeights) askedWeight(forms map[string]float64) float64 {
	var s float64
	for _, f := range slices.Sorted(maps.Keys(forms)) {
		if !tw.hint[f] {
			s += forms[f]
		}
	}
	return s
}

// nearDiscount is what a near form that differs by more than an ending
// ("registruj"/"registrac") counts of an exact one; a form that is the
// other plus a letter or two ("razgovar"/"razgovara", "jabla"/"jablan":
// the stemmer cut an inflection differently) counts fully.
const nearDiscount = 0.8

// match returns the question's form a token stands for and its weight:
// the form itself, or failing that a near form (see nearForm); "" when
// none.
func (tw termWeights) match(tok string) (string, float64) {
	if w, ok := tw.w[tok]; ok {
		return tok, w
	}
	best, bw := "", 0.0
	for _, f := range tw.sorted {
		w := tw.w[f]
		if !nearForm(tok, f) {
			continue
		}
		if !strings.HasPrefix(f, tok) && !strings.HasPrefix(tok, f) || abs(len(f)-len(tok)) > 2 {
			w *= nearDiscount
		}
		if w > bw {
			best, bw = f, w
		}
	}
	return best, bw
}

func abs(n int) int { return max(n, -n) }

// forms adds the question's forms in text to into (a new map when nil),
// each with its weight, and returns it. text is the passages' own (a unit,
// a heading), whose tokens are memoised (corpusTokens).
func (tw termWeights) forms(text string, into map[string]float64) map[string]float64 {
	if into == nil {
		into = map[string]float64{}
	}
	for _, t := range corpusTokens.tokens(text) {
		if f, w := tw.match(t); f != "" {
			into[f] = max(into[f], w)
		}
	}
	return into
}

// nearForm reports whether two stems are forms of one word the stemmer
// left apart: one is the other plus a short ending ("jabla"/"jablan",
// "red"/"redn"), or they share a long beginning and differ only at the end
// ("registruj"/"registrac"). Short stems must match exactly.
func nearForm(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 3 || len(b)-len(a) > 3 {
		return false
	}
	p := 0
	for p < len(a) && a[p] == b[p] {
		p++
	}
	switch {
	case p == len(a):
		return len(a) >= 4 || len(b)-len(a) <= 1
	default:
		return p >= 6 && len(b)-p <= 3
	}
}

// readUnits reads the kept units out as the citizen sees them: sentences
// and list items as written, a table row as "label — Column: value" under
// its header, only the columns the question asks for when it names one.
func readUnits(units []string, keep map[int]bool, hdr []int, tw termWeights, want factKind) string {
	cols := map[int][]bool{} // by header row: the value columns to read
	var b strings.Builder
	prev := -1
	for i, u := range units {
		if !keep[i] || hdr[i] == i {
			continue
		}
		text := u
		if hdr[i] >= 0 {
			c, ok := cols[hdr[i]]
			if !ok {
				c = askedColumns(units, keep, hdr, hdr[i], tw, want)
				cols[hdr[i]] = c
			}
			text = readRow(tableCells(units[hdr[i]]), tableCells(u), c)
		}
		if prev >= 0 {
			// Rows and list items keep their own lines, as joinUnits does.
			if isListItem(u) || isTableRow(u) || isListItem(units[prev]) || isTableRow(units[prev]) || strings.HasSuffix(units[prev], ":") {
				b.WriteString("\n")
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(text)
		prev = i
	}
	return b.String()
}

// askedColumns returns which value columns of the table headed at header
// to read: those whose header cell the question names ("Rok za plaćanje"
// for "do kada… plaća"), with a note column, and the columns stating the
// asked kind of fact if the named ones do not; all when the question names
// none.
func askedColumns(units []string, keep map[int]bool, hdr []int, header int, tw termWeights, want factKind) []bool {
	head := tableCells(units[header])
	asked := make([]bool, len(head))
	facts := make([]bool, len(head))
	named, factInNamed := false, false
	for c := 1; c < len(head); c++ {
		asked[c] = len(tw.forms(head[c], nil)) > 0
		named = named || asked[c]
	}
	for i := range units {
		if !keep[i] || hdr[i] != header || i == header {
			continue
		}
		for c, cell := range tableCells(units[i]) {
			if c > 0 && c < len(head) && holds(cell, want) {
				facts[c] = true
				factInNamed = factInNamed || asked[c]
			}
		}
	}
	for c := 1; c < len(head); c++ {
		switch {
		case !named:
			asked[c] = true
		case backRef[firstWord(head[c])]:
			asked[c] = true // "Napomena": the row's caveat
		case facts[c] && !factInNamed:
			asked[c] = true
		}
	}
	return asked
}

func firstWord(s string) string {
	f := strings.Fields(serbian.Fold(s))
	if len(f) == 0 {
		return ""
	}
	return strings.TrimFunc(f[0], func(r rune) bool { return !isWordRune(r) })
}

// readRow reads one table row against its header: the first cell names
// the row; a two-column table is "name: value", a wider one labels each
// value by its column.
func readRow(header, cells []string, cols []bool) string {
	var parts []string
	for i, c := range cells[1:] {
		col := i + 1
		if c == "" || col < len(cols) && !cols[col] {
			continue
		}
		if len(cells) > 2 && col < len(header) && header[col] != "" {
			c = header[col] + ": " + c
		}
		parts = append(parts, c)
	}
	sep := ": "
	if len(cells) > 2 {
		sep = " — "
	}
	if len(parts) == 0 {
		return cells[0] + "."
	}
	return cells[0] + sep + strings.Join(parts, ", ") + "."
}

// maxListItems bounds a quoted list: past it the answer is no longer short.
const maxListItems = 8

var sentenceEnd = regexp.MustCompile(`([.!?…])\s+`)

// splitUnits cuts a passage into lines (list items, table rows) and
// sentences, leaving abbreviations with digits ("čl. 18", "br. 5") whole.
func splitUnits(text string) []string {
	var units []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		start := 0
		for _, m := range sentenceEnd.FindAllStringSubmatchIndex(line, -1) {
			end := m[3]
			prev := lastWord(line[start:m[2]])
			next, _ := utf8.DecodeRuneInString(line[m[1]:])
			// "čl. 18" or "14. februar": the period belongs to a number or
			// abbreviation when a lowercase letter or digit follows.
			if isDigitStr(prev) || (next >= 'a' && next <= 'z') || (next >= '0' && next <= '9') || (next >= 'а' && next <= 'ш') {
				continue
			}
			units = append(units, strings.TrimSpace(line[start:end]))
			start = m[1]
		}
		if rest := strings.TrimSpace(line[start:]); rest != "" {
			units = append(units, rest)
		}
	}
	// Bullets without text and table rule lines ("|---|") carry nothing.
	return slices.DeleteFunc(units, func(u string) bool { return !strings.ContainsFunc(u, isWordRune) })
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isTableRow(s string) bool { return strings.HasPrefix(s, "|") }

func lastWord(s string) string {
	if i := strings.LastIndexAny(s, " \t"); i >= 0 {
		return s[i+1:]
	}
	return s
}

func isDigitStr(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isListItem(s string) bool {
	return strings.HasPrefix(s, "•") || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "*") ||
		(len(s) > 2 && s[0] >= '0' && s[0] <= '9' && (s[1] == '.' || s[1] == ')'))
}

// joinUnits keeps list items on their own lines and runs sentences together.
func joinUnits(units []string) string {
	var b strings.Builder
	for i, u := range units {
		if i > 0 {
			if isListItem(u) || isTableRow(u) || isListItem(units[i-1]) || isTableRow(units[i-1]) || strings.HasSuffix(units[i-1], ":") {
				b.WriteString("\n")
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(u)
	}
	return b.String()
}

// readableTables rewrites the pipe-table rows of a quote as sentences of
// "header: value" pairs, the way a clerk would read a table out:
// "| Šalter | 6 |" under "| Šta | Podatak |" becomes "Šalter: 6".
func readableTables(quote string) string {
	var out []string
	var header []string
	for _, l := range strings.Split(quote, "\n") {
		switch {
		case !isTableRow(l):
			header = nil
			out = append(out, l)
		case header == nil:
			header = tableCells(l)
		default:
			out = append(out, readRow(header, tableCells(l), nil))
		}
	}
	return strings.Join(out, "\n")
}

func tableCells(row string) []string {
	row = strings.Trim(strings.TrimSpace(row), "|")
	cells := strings.Split(row, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}
