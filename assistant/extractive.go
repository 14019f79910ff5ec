package assistant

import (
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
// passages that carry the most of the question's weight, in document
// order, each passage introduced by its document's title and cited.
type extractive struct {
	// maxPassages is how many passages an answer quotes.
	maxPassages int
	// maxUnits is how many sentences or list items one passage contributes.
	maxUnits int
}

// passage is one quoted piece of an extractive answer.
type passage struct {
	hit   rag.Hit
	quote string
	units []string // the quoted sentences, list items and table rows
}

// compose picks the passages and sentences to quote: among the best hits,
// those whose best sentences carry the most of the question's weight. It
// returns nothing when no passage has a sentence that matches.
func (x extractive) compose(res *rag.Results, want factKind) []passage {
	type cand struct {
		passage
		score float64
		rank  int
		typed bool // a quoted sentence states the kind of fact asked for
	}
	var cs []cand
	for i, h := range res.Hits {
		if i == x.maxPassages+1 {
			break
		}
		units, sc := x.quote(h, res.Weights, want)
		if len(units) > 0 {
			// Retrieval's order counts too: a lower-ranked passage wins
			// only with clearly better sentences.
			typed := slices.ContainsFunc(units, func(u string) bool { return holds(u, want) })
			cs = append(cs, cand{passage{hit: h, quote: joinUnits(units), units: units}, sc * (1 - 0.2*float64(i)), i, typed})
		}
	}
	// The passage stating the kind of fact asked for (a date for "do
	// kada") comes first: one that only repeats the question's words does
	// not answer it.
	slices.SortStableFunc(cs, func(a, b cand) int {
		switch {
		case a.typed != b.typed:
			if a.typed {
				return -1
			}
			return 1
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return a.rank - b.rank
	})
	var out []passage
	for _, c := range cs {
		if len(out) == x.maxPassages {
			break
		}
		// A second passage must be nearly as good as the first, or it
		// only adds noise to a short answer.
		if len(out) > 0 && (c.score < 0.8*cs[0].score || c.typed != cs[0].typed) {
			break
		}
		out = append(out, c.passage)
	}
	return out
}

// quote returns the best sentences of the hit, in their original order,
// and the weight they carry.
func (x extractive) quote(h rag.Hit, weights map[string]float64, want factKind) ([]string, float64) {
	units := splitUnits(h.Content)
	if len(units) == 0 {
		return nil, 0
	}
	var maxW float64
	for _, w := range weights {
		maxW = max(maxW, w)
	}
	type scored struct {
		i     int
		score float64
	}
	var ss []scored
	header := ""
	for i, u := range units {
		// A table row is read with its header row: "| I | 14. februar |"
		// answers "do kada se plaća rata" through "| Tromesečje | Rok za
		// plaćanje rate |".
		text := u
		switch {
		case !isTableRow(u):
			header = ""
		case header == "":
			header = u
		default:
			text = header + " " + u
		}
		seen := map[string]bool{}
		var sc float64
		for _, t := range serbian.Tokens(text) {
			if w, ok := weights[t]; ok && !seen[t] {
				seen[t] = true
				sc += w
			}
		}
		// The sentence holding the date, amount or place asked for is
		// the answer even when it repeats fewer of the question's words.
		if sc > 0 && holds(u, want) {
			sc += maxW
		}
		ss = append(ss, scored{i, sc})
	}
	slices.SortStableFunc(ss, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	if ss[0].score == 0 {
		// The passage matched on its title or headings: its opening
		// sentences are the best summary.
		return units[:min(2, len(units))], 0
	}
	keep := map[int]bool{}
	for _, s := range ss[:min(x.maxUnits, len(ss))] {
		if s.score >= ss[0].score/3 {
			keep[s.i] = true
		}
	}
	sentences := len(keep)
	chosen := slices.Sorted(maps.Keys(keep))
	for _, i := range chosen {
		// A sentence that introduces a list ("Potrebno je:") is only
		// useful with the whole list.
		if strings.HasSuffix(units[i], ":") && !isListItem(units[i]) {
			for j := i + 1; j < len(units) && j <= i+maxListItems && isListItem(units[j]); j++ {
				keep[j] = true
			}
		}
		// A caveat that qualifies a chosen sentence stays with it (not a
		// caveat on a caveat), within a sentence of room.
		if j := i + 1; j < len(units) && !keep[j] && sentences <= x.maxUnits && qualifies(units[i], units[j]) {
			keep[j] = true
			sentences++
		}
	}
	// A list item means little without the sentence introducing its list.
	for i := range units {
		if keep[i] && isListItem(units[i]) {
			j := i - 1
			for j >= 0 && isListItem(units[j]) {
				j--
			}
			if j >= 0 && strings.HasSuffix(units[j], ":") {
				keep[j] = true
			}
		}
	}
	// A table row means little without the table's header row.
	if isTableRow(units[0]) {
		for i := range units {
			if keep[i] && isTableRow(units[i]) {
				keep[0] = true
				break
			}
		}
	}
	var picked []string
	for i, u := range units {
		if keep[i] {
			picked = append(picked, u)
		}
	}
	return picked, ss[0].score
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
			if isListItem(u) || isTableRow(u) || isTableRow(units[i-1]) || strings.HasSuffix(units[i-1], ":") {
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
	lines := strings.Split(quote, "\n")
	var out []string
	var header []string
	for _, l := range lines {
		if !isTableRow(l) {
			header = nil
			out = append(out, l)
			continue
		}
		cells := tableCells(l)
		if header == nil {
			header = cells
			continue
		}
		// The first cell names the row; a two-column table is a list of
		// "name: value", a wider one labels each further value by its
		// column.
		var parts []string
		for i, c := range cells[1:] {
			if c == "" {
				continue
			}
			if len(cells) > 2 && i+1 < len(header) && header[i+1] != "" {
				c = header[i+1] + ": " + c
			}
			parts = append(parts, c)
		}
		sep := ": "
		if len(cells) > 2 {
			sep = " — "
		}
		if len(parts) == 0 {
			out = append(out, cells[0]+".")
			continue
		}
		out = append(out, cells[0]+sep+strings.Join(parts, ", ")+".")
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
