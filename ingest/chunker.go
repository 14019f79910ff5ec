package ingest

import (
	"strings"

	"github.com/miasrbija/mia/tokens"
)

// Default chunk sizes, in cl100k_base tokens: within the 400–600 range
// that suits embedding models, with ~12% overlap.
const (
	DefaultMaxTokens     = 400
	DefaultOverlapTokens = 50
	minMaxTokens         = 16 // below this, sentences cannot fit at all
)

// Chunker splits Documents into Chunks. The zero value uses the defaults.
type Chunker struct {
	// MaxTokens caps Chunk.Tokens (0: DefaultMaxTokens). A single word
	// longer than this is cut, which only happens with garbage input.
	MaxTokens int
	// OverlapTokens is how much text, in whole sentences, a chunk repeats
	// from the previous chunk of the same section (0: DefaultOverlapTokens,
	// negative: none). It is capped at half of MaxTokens.
	OverlapTokens int
}

// NewChunker returns a Chunker; zero arguments take the defaults.
func NewChunker(maxTokens, overlapTokens int) *Chunker {
	c := &Chunker{MaxTokens: maxTokens, OverlapTokens: overlapTokens}
	c.MaxTokens, c.OverlapTokens = c.limits()
	if c.OverlapTokens == 0 {
		c.OverlapTokens = -1 // keep "none" explicit so limits() does not restore the default
	}
	return c
}

func (c *Chunker) limits() (maxTokens, overlap int) {
	maxTokens, overlap = c.MaxTokens, c.OverlapTokens
	if maxTokens <= 0 {
		maxTokens = DefaultMaxTokens
	}
	maxTokens = max(maxTokens, minMaxTokens)
	switch {
	case overlap == 0:
		overlap = DefaultOverlapTokens
	case overlap < 0:
		overlap = 0
	}
	return maxTokens, min(overlap, maxTokens/2)
}

// Split cuts doc into chunks that follow its structure. A heading starts a
// new section and becomes part of HeadingPath for the chunks under it;
// blocks of one section are packed together up to MaxTokens; a paragraph
// too long for one chunk is cut at sentence boundaries (then words); a
// table too long for one chunk is cut between rows, each piece repeating
// the header row. A heading with no body of its own is carried into the
// next chunk's text, except at the end of a document that has other
// chunks. Split never returns empty chunks; Ord counts from 0.
func (c *Chunker) Split(doc *Document) []Chunk {
	if doc == nil {
		return nil
	}
	maxTokens, overlap := c.limits()
	s := &splitter{max: maxTokens, overlap: overlap, title: strings.TrimSpace(doc.Title)}
	for _, b := range doc.Blocks {
		if b.Kind == Heading {
			s.heading(b)
			continue
		}
		s.body(blockUnits(b, maxTokens, overlap))
	}
	s.emit()
	if len(s.chunks) == 0 {
		// A document of headings only still deserves to be found.
		s.body(s.takeOrphans(true))
		s.emit()
	}
	return s.chunks
}

type headingEntry struct {
	level   int
	text    string
	hasBody bool
}

// splitter is the state of one Split call.
type splitter struct {
	max, overlap int
	title        string // an empty heading equal to it is not carried on
	chunks       []Chunk

	path    []headingEntry
	orphans []string // headings that closed without any body below them

	cur       []unit // the chunk being packed
	curTokens int    // estimate: sum of unit tokens plus one per separator
	last      []unit // units of the previous chunk in this section, for overlap
}

func (s *splitter) heading(b Block) {
	s.emit()
	s.last = nil
	level := min(max(b.Level, 1), 6)
	i := len(s.path)
	for i > 0 && s.path[i-1].level >= level {
		i--
	}
	for _, h := range s.path[i:] {
		// The caller prefixes the title to every chunk already.
		if !h.hasBody && !strings.EqualFold(h.text, s.title) {
			s.orphans = append(s.orphans, h.text)
		}
	}
	s.path = append(s.path[:i], headingEntry{level: level, text: b.Text})
}

// takeOrphans turns headings that had no body into a unit; with all set,
// the headings still open count too.
func (s *splitter) takeOrphans(all bool) []unit {
	texts := s.orphans
	if all {
		for _, h := range s.path {
			if !h.hasBody {
				texts = append(texts, h.text)
			}
		}
	}
	s.orphans = nil
	if len(texts) == 0 {
		return nil
	}
	return textUnits(strings.Join(texts, "\n"), "\n\n", s.max)
}

func (s *splitter) body(units []unit) {
	if len(units) == 0 {
		return
	}
	for i := range s.path {
		s.path[i].hasBody = true
	}
	for _, u := range append(s.takeOrphans(false), units...) {
		s.add(u)
	}
}

// add packs u into the current chunk, or emits the chunk and starts the
// next one with overlap from it.
func (s *splitter) add(u unit) {
	if len(s.cur) > 0 && s.curTokens+1+u.tokens > s.max {
		s.emit()
	}
	if len(s.cur) == 0 {
		if !u.noOverlap {
			if ov, ok := s.overlapUnit(s.max - u.tokens - 1); ok {
				s.cur, s.curTokens = []unit{ov}, ov.tokens
			}
		}
		s.cur = append(s.cur, u)
		s.curTokens += u.tokens
		if len(s.cur) > 1 {
			s.curTokens++
		}
		return
	}
	s.cur = append(s.cur, u)
	s.curTokens += 1 + u.tokens
}

// emit closes the current chunk. Packing used estimates, so the exact
// count is taken here; if the tokenizer disagrees across unit boundaries,
// trailing units move on to the next chunk.
func (s *splitter) emit() {
	var carry []unit
	for len(s.cur) > 0 {
		text := joinUnits(s.cur)
		n := tokens.Count(text)
		if n <= s.max || len(s.cur) == 1 {
			s.chunks = append(s.chunks, Chunk{
				Ord:         len(s.chunks),
				HeadingPath: s.headingPath(),
				Text:        text,
				Tokens:      n,
			})
			s.last = s.cur
			break
		}
		u := s.cur[len(s.cur)-1]
		s.cur = s.cur[:len(s.cur)-1]
		if len(s.cur) == 1 && s.cur[0].overlap {
			// The overlap itself pushed u over: send u on without it.
			s.cur = nil
			u.noOverlap = true
		}
		carry = append([]unit{u}, carry...)
	}
	s.cur, s.curTokens = nil, 0
	for _, u := range carry {
		s.add(u)
	}
}

// overlapUnit repeats the last whole sentences of the previous chunk in
// this section, up to OverlapTokens (a single sentence may take half as
// much again, since Serbian sentences are long in tokens) and never more
// than room. Tables and earlier overlap are never repeated.
func (s *splitter) overlapUnit(room int) (unit, bool) {
	budget := min(s.overlap, room)
	single := min(s.overlap*3/2, room)
	if budget <= 0 || len(s.last) == 0 {
		return unit{}, false
	}
	src := s.last[len(s.last)-1]
	if src.table || src.overlap {
		return unit{}, false
	}
	sentences := splitSentences(src.text)
	text := ""
	for i := len(sentences) - 1; i >= 0; i-- {
		cand := sentences[i]
		if text != "" {
			cand += " " + text
		}
		limit := budget
		if text == "" {
			limit = single
		}
		if tokens.Count(cand) > limit {
			break
		}
		text = cand
	}
	if text == "" {
		return unit{}, false
	}
	return unit{text: text, tokens: tokens.Count(text), sep: "\n\n", overlap: true}, true
}

func (s *splitter) headingPath() []string {
	if len(s.path) == 0 {
		return nil
	}
	out := make([]string, len(s.path))
	for i, h := range s.path {
		out[i] = h.text
	}
	return out
}
