package rag

import (
	"slices"
	"strings"
)

// termSet marks query terms by their index in the search's term list.
type termSet []uint64

func (s termSet) has(i int) bool { return i/64 < len(s) && s[i/64]&(1<<(i%64)) != 0 }

// union returns s with the terms of o added (s is not changed).
func (s termSet) union(o termSet) termSet {
	out := make(termSet, max(len(s), len(o)))
	copy(out, s)
	for i, w := range o {
		out[i] |= w
	}
	return out
}

// termMarker finds which query terms each passage holds. It indexes the
// query's forms once per search; a passage is then one pass over its
// words with no allocation beyond its share of one slab of bits.
type termMarker struct {
	forms map[string][]int // corpus form → indexes of the terms it serves
	words int              // uint64 words per termSet
}

func newTermMarker(terms []term) *termMarker {
	m := &termMarker{forms: map[string][]int{}, words: (len(terms) + 63) / 64}
	for i, t := range terms {
		for _, f := range t.forms {
			m.forms[f] = append(m.forms[f], i)
		}
	}
	return m
}

// mark sets each hit's termSet from its normalised text.
func (m *termMarker) mark(hits []Hit) {
	if m.words == 0 {
		return
	}
	slab := make(termSet, len(hits)*m.words)
	for i := range hits {
		set := slab[i*m.words : (i+1)*m.words : (i+1)*m.words]
		eachWord(hits[i].norm, func(w string) {
			for _, t := range m.forms[w] {
				set[t/64] |= 1 << (t % 64)
			}
		})
		hits[i].have = set
	}
}

// eachWord calls fn with every space-separated word of s (normalised text
// is ASCII words and single spaces).
func eachWord(s string, fn func(string)) {
	for s != "" {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			fn(s)
			return
		}
		if i > 0 {
			fn(s[:i])
		}
		s = s[i+1:]
	}
}

// rerankText orders the full-text hits by idf-weighted coverage of the
// query, PostgreSQL's rank breaking ties: ts_rank_cd counts matches but
// knows nothing of how rare a term is.
func rerankText(hits []Hit, terms []term) {
	for i := range hits {
		hits[i].Coverage = coverage(terms, hits[i].have, true)
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		if c := cmpDesc(a.Coverage, b.Coverage); c != 0 {
			return c
		}
		return cmpDesc(a.TextRank, b.TextRank)
	})
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// fuse merges the two ranked lists by reciprocal rank fusion. Equal scores
// keep the vector branch's order, then the text branch's: both branches
// are totally ordered, so the fused order is too.
func fuse(vec, text []Hit) []Hit {
	byID := make(map[int64]int, len(vec)+len(text))
	out := make([]Hit, 0, len(vec)+len(text))
	add := func(list []Hit, isVec bool) {
		for i, h := range list {
			j, ok := byID[h.ChunkID]
			if !ok {
				j = len(out)
				byID[h.ChunkID] = j
				out = append(out, h)
			}
			cur := &out[j]
			if isVec {
				cur.VectorPos, cur.VectorSim = i+1, h.VectorSim
			} else {
				cur.TextPos, cur.TextRank = i+1, h.TextRank
			}
			cur.Score += 1 / float64(rrfK+i+1)
		}
	}
	add(vec, true)
	add(text, false)
	slices.SortStableFunc(out, func(a, b Hit) int { return cmpDesc(a.Score, b.Score) })
	return out
}

// coverage is the idf-weighted share of the query's terms that a passage
// (its title, headings and text) contains; hint terms count only with
// hints set.
func coverage(terms []term, have termSet, hints bool) float64 {
	var got, all float64
	for i, t := range terms {
		if t.hint && !hints {
			continue
		}
		all += t.idf
		if have.has(i) {
			got += t.idf
		}
	}
	if all == 0 {
		return 0
	}
	return got / all
}

// diversify takes the best hits in order, skipping near-duplicates of a
// hit already taken and hits beyond perDoc from one document. Only the
// hits it reaches have their words listed.
func diversify(hits []Hit, k, perDoc int) []Hit {
	var out []Hit
	var words [][]string // words of out[i]
	perDocument := map[int64]int{}
	for _, h := range hits {
		if len(out) == k {
			break
		}
		if perDoc > 0 && perDocument[h.DocumentID] >= perDoc {
			continue
		}
		w := sortedWords(h.norm)
		if slices.ContainsFunc(words, func(o []string) bool { return jaccard(o, w) >= 0.8 }) {
			continue
		}
		perDocument[h.DocumentID]++
		out = append(out, h)
		words = append(words, w)
	}
	return out
}

// sortedWords returns the distinct words of normalised text, sorted.
func sortedWords(s string) []string {
	w := strings.Fields(s)
	slices.Sort(w)
	return slices.Compact(w)
}

// jaccard is the share of words two sorted word lists have in common.
func jaccard(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			inter++
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// confidence combines how much of the question the best passage covers,
// how much the top passages cover together (a question may need two), and
// the best vector similarity: the passages must contain what was asked,
// and the embedding must agree they are about the same thing. Hint terms
// do not count.
func confidence(hits []Hit, terms []term) float64 {
	var cov, sim float64
	var union termSet
	for i, h := range hits {
		if i == 3 {
			break
		}
		cov = max(cov, h.Coverage)
		sim = max(sim, h.VectorSim)
		union = union.union(h.have)
	}
	return 0.5*cov + 0.25*coverage(terms, union, false) + 0.25*sim
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	out := s[:0:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Has reports whether the passage (its title, headings or text) holds the
// normalised form; false for a hit not made by a Searcher.
func (h Hit) Has(form string) bool {
	found := false
	eachWord(h.norm, func(w string) { found = found || w == form })
	return found
}
