package rag

// lexiconCache holds one municipality's query-term look-ups for one
// generation of its vocabulary: most questions reuse the same few hundred
// words, so after the first few searches term expansion costs no query
// beyond reading the generation.
type lexiconCache struct {
	generation int64
	exact      map[string]int      // token → chunks holding it; 0: not in the vocabulary
	near       map[string][]Lexeme // unknown token → its near forms, maybe none
}

// maxCachedTokens bounds one municipality's cache; when it is full the
// cache starts over rather than tracking use (a long tail of one-off typos
// must not grow it without end).
const maxCachedTokens = 50_000

// lexicon returns the municipality's cache for generation, emptied when
// the vocabulary moved on. The Searcher's mutex guards it.
func (s *Searcher) lexicon(municipality string, generation int64) *lockedLexicon {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.lexicons[municipality]
	if !ok || c.generation != generation || len(c.exact)+len(c.near) > maxCachedTokens {
		c = &lexiconCache{generation: generation, exact: map[string]int{}, near: map[string][]Lexeme{}}
		s.lexicons[municipality] = c
	}
	return &lockedLexicon{s: s, c: c}
}

// lockedLexicon reads and writes a cache under the Searcher's mutex.
type lockedLexicon struct {
	s *Searcher
	c *lexiconCache
}

// exactForm returns the number of chunks holding token (0: none); ok is
// false when it was not looked up yet.
func (l *lockedLexicon) exactForm(token string) (ndoc int, ok bool) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	ndoc, ok = l.c.exact[token]
	return ndoc, ok
}

// putExact records the look-up of asked: found holds those the
// vocabulary has.
func (l *lockedLexicon) putExact(asked []string, found map[string]int) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	for _, t := range asked {
		l.c.exact[t] = found[t]
	}
}

// nearForms returns the near forms of an unknown token; ok is false when
// it was not looked up yet.
func (l *lockedLexicon) nearForms(token string) (forms []Lexeme, ok bool) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	forms, ok = l.c.near[token]
	return forms, ok
}

// putNear records the trigram look-up of asked.
func (l *lockedLexicon) putNear(asked []string, found []Lexeme) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	for _, t := range asked {
		l.c.near[t] = []Lexeme{}
	}
	for _, f := range found {
		l.c.near[f.Token] = append(l.c.near[f.Token], f)
	}
}
