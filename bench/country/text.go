package country

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// topic is one demo document: its title and its sections' sentences.
type topic struct {
	title    string
	sections []section
}

type section struct {
	heading   string
	sentences []string
}

// readTopics reads the Markdown documents under dirs (the demo corpora)
// as topics. Only Markdown is read: it is most of the corpora and needs
// no loader, and the generator must not depend on OCR or PDF tools.
func readTopics(dirs []string) ([]topic, error) {
	var out []topic
	for _, dir := range dirs {
		paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
		if err != nil {
			return nil, err
		}
		slices.Sort(paths)
		for _, p := range paths {
			t, err := readTopic(p)
			if err != nil {
				return nil, err
			}
			if len(t.sections) > 0 {
				out = append(out, t)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no Markdown documents in %s", strings.Join(dirs, ", "))
	}
	return out, nil
}

func readTopic(path string) (topic, error) {
	f, err := os.Open(path)
	if err != nil {
		return topic{}, err
	}
	defer f.Close()
	t := topic{title: strings.TrimSuffix(filepath.Base(path), ".md")}
	cur := section{}
	flush := func() {
		if len(cur.sentences) > 0 {
			t.sections = append(t.sections, cur)
		}
		cur = section{heading: cur.heading}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	inFront := false
	for n := 0; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case n == 0 && line == "---":
			inFront = true
		case inFront && line == "---":
			inFront = false
		case inFront:
			if v, ok := strings.CutPrefix(line, "title:"); ok {
				t.title = strings.Trim(strings.TrimSpace(v), `"'`)
			}
		case strings.HasPrefix(line, "#"):
			flush()
			cur.heading = strings.TrimSpace(strings.TrimLeft(line, "#"))
		case line == "" || strings.HasPrefix(line, "|") || strings.HasPrefix(line, ">"):
		default:
			line = strings.TrimLeft(line, "-*0123456789. ")
			cur.sentences = append(cur.sentences, sentences(strings.ReplaceAll(line, "**", ""))...)
		}
	}
	flush()
	return t, sc.Err()
}

// sentences cuts a paragraph after each ". ".
func sentences(s string) []string {
	var out []string
	for s != "" {
		i := strings.Index(s, ". ")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+2:]
	}
	return out
}

// writer composes chunks the way a city's documents read: a passage
// keeps to one topic's section, with a sentence from elsewhere now and
// then, numbers and dates changed and an occasional word replaced, so
// passages repeat phrasing as real ones do without being copies.
type writer struct {
	topics []topic
	vocab  []string
}

func newWriter(topics []topic) *writer {
	w := &writer{topics: topics}
	for _, t := range topics {
		for _, s := range t.sections {
			for _, x := range s.sentences {
				w.vocab = append(w.vocab, strings.Fields(x)...)
			}
		}
	}
	return w
}

// document returns a title and n passages, each with its heading path.
func (w *writer) document(rng *rand.Rand, townName string, n int) (string, [][]string, []string) {
	t := w.topics[rng.IntN(len(w.topics))]
	kinds := []string{"izmena", "dopuna", "obaveštenje", "odluka", "uputstvo", "vodič"}
	title := fmt.Sprintf("%s — %s (%s %d)", t.title, townName, kinds[rng.IntN(len(kinds))], 2008+rng.IntN(18))
	paths := make([][]string, n)
	texts := make([]string, n)
	for i := range n {
		sec := t.sections[rng.IntN(len(t.sections))]
		var parts []string
		for range 3 + rng.IntN(5) {
			from := sec
			if rng.IntN(10) < 3 {
				o := w.topics[rng.IntN(len(w.topics))]
				from = o.sections[rng.IntN(len(o.sections))]
			}
			parts = append(parts, w.vary(rng, from.sentences[rng.IntN(len(from.sentences))]))
		}
		paths[i] = []string{sec.heading}
		texts[i] = strings.Join(parts, " ")
	}
	return title, paths, texts
}

// vary changes a sentence's digits and, one word in twelve, a word.
func (w *writer) vary(rng *rand.Rand, s string) string {
	words := strings.Fields(s)
	for i, x := range words {
		switch {
		case strings.IndexFunc(x, unicode.IsDigit) >= 0:
			words[i] = strings.Map(func(r rune) rune {
				if unicode.IsDigit(r) {
					return '0' + rune(rng.IntN(10))
				}
				return r
			}, x)
		case rng.IntN(12) == 0:
			words[i] = w.vocab[rng.IntN(len(w.vocab))]
		}
	}
	return strings.Join(words, " ")
}
