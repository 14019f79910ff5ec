package rag

import (
	"math"
	"strings"
	"testing"
)

// set is normalised passage text of the words.
func set(words ...string) string { return strings.Join(words, " ") }

// have marks which of terms the passage text holds.
func have(terms []term, text string) termSet {
	h := []Hit{{norm: text}}
	newTermMarker(terms).mark(h)
	return h[0].have
}

func TestCoverageWeighsRareTerms(t *testing.T) {
	terms := []term{
		{token: "porez", forms: []string{"porez"}, idf: 1},
		{token: "imovin", forms: []string{"imovin"}, idf: 3},
		{token: "dodatk", forms: []string{"dodat", "dodatk"}, idf: 4}, // a corrected typo: either form counts
	}
	tests := []struct {
		have string
		want float64
	}{
		{set("porez", "imovin", "dodat"), 1},
		{set("porez"), 1.0 / 8},
		{set("imovin", "dodatk"), 7.0 / 8},
		{set("dodatk", "dodat", "dodatk"), 4.0 / 8}, // a term counts once
		{set("nista"), 0},
		{"", 0},
	}
	for _, tt := range tests {
		if got := coverage(terms, have(terms, tt.have), false); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("coverage(%q) = %v, want %v", tt.have, got, tt.want)
		}
	}
	if got := coverage(nil, have(nil, set("a")), false); got != 0 {
		t.Errorf("coverage of no terms = %v", got)
	}
	// A hint ranks (hints=true) but is not part of the question.
	withHint := append(terms[:2:2], term{token: "rok", forms: []string{"rok"}, idf: 4, hint: true})
	h := have(withHint, set("porez", "rok"))
	if got := coverage(withHint, h, false); math.Abs(got-1.0/4) > 1e-9 {
		t.Errorf("coverage without hints = %v", got)
	}
	if got := coverage(withHint, h, true); math.Abs(got-5.0/8) > 1e-9 {
		t.Errorf("coverage with hints = %v", got)
	}
}

// TestTermMarkerBeyond64Terms: a long message has more terms than one word
// of bits.
func TestTermMarkerBeyond64Terms(t *testing.T) {
	var terms []term
	var words []string
	for i := range 130 {
		w := "w" + strings.Repeat("x", i)
		terms = append(terms, term{token: w, forms: []string{w}, idf: 1})
		if i%2 == 1 {
			words = append(words, w)
		}
	}
	h := have(terms, set(words...))
	for i := range terms {
		if h.has(i) != (i%2 == 1) {
			t.Fatalf("term %d: has %v", i, h.has(i))
		}
	}
	if got := coverage(terms, h, false); math.Abs(got-65.0/130) > 1e-9 {
		t.Errorf("coverage %v", got)
	}
}

func TestFuseReciprocalRank(t *testing.T) {
	vec := []Hit{{ChunkID: 1, VectorSim: .9}, {ChunkID: 2, VectorSim: .8}, {ChunkID: 3, VectorSim: .7}}
	text := []Hit{{ChunkID: 3, TextRank: 5}, {ChunkID: 4, TextRank: 4}}
	got := fuse(vec, text)
	// 3 is in both lists: 1/63 + 1/61 beats 1's 1/61 alone.
	order := []int64{3, 1, 2, 4}
	for i, id := range order {
		if got[i].ChunkID != id {
			t.Fatalf("fused order %v, want %v", ids(got), order)
		}
	}
	if h := got[0]; h.VectorPos != 3 || h.TextPos != 1 || h.TextRank != 5 || math.Abs(h.Score-(1.0/63+1.0/61)) > 1e-12 {
		t.Errorf("fused hit %+v", h)
	}
	if got[3].VectorPos != 0 || got[3].TextPos != 2 {
		t.Errorf("text-only hit %+v", got[3])
	}
}

func ids(hs []Hit) []int64 {
	var out []int64
	for _, h := range hs {
		out = append(out, h.ChunkID)
	}
	return out
}

func TestDiversifyCapsDocumentsAndDuplicates(t *testing.T) {
	hits := []Hit{
		{ChunkID: 1, DocumentID: 10, norm: set("a", "b", "c", "d", "e")},
		{ChunkID: 2, DocumentID: 20, norm: set("a", "b", "c", "d", "e")}, // same text in another document: a duplicate
		{ChunkID: 3, DocumentID: 10, norm: set("f", "g")},
		{ChunkID: 4, DocumentID: 10, norm: set("h", "i")}, // third of document 10
		{ChunkID: 5, DocumentID: 30, norm: set("j")},
	}
	got := ids(diversify(hits, 5, 2))
	want := []int64{1, 3, 5}
	if len(got) != len(want) {
		t.Fatalf("diversify = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("diversify = %v, want %v", got, want)
		}
	}
	if got := diversify(hits, 1, 2); len(got) != 1 {
		t.Errorf("k=1 gave %d hits", len(got))
	}
}

func TestTsQueries(t *testing.T) {
	common := idf(100, 60) // appears in most chunks
	rare := idf(100, 2)
	terms := []term{
		{token: "sombor", forms: []string{"sombor"}, idf: common, matches: 60},
		{token: "dodatk", forms: []string{"dodat", "dodatk"}, idf: rare, matches: 20},
		{token: "dec", forms: []string{"dec"}, idf: rare, matches: 10},
		{token: "rok", forms: []string{"rok"}, idf: rare, hint: true, matches: 50},
		{token: "xyz", idf: rare}, // unknown: no form to search
	}
	p := textQueries(terms, 100)
	if p.all != "(dodat | dodatk) & (dec)" {
		t.Errorf("all = %q: common terms and hints must not be required", p.all)
	}
	if p.any != "dodat | dodatk | dec | rok" {
		t.Errorf("any = %q", p.any)
	}
	// All terms: at most the rarest group's chunks. Any term: 1 - 0.8 ·
	// 0.9 · 0.5 of the chunks, as if the terms were independent.
	if p.allMatches != 10 || p.anyMatches != 64 {
		t.Errorf("matches all %d, any %d; want 10, 64", p.allMatches, p.anyMatches)
	}
	// Only common terms: they are used rather than nothing.
	if p := textQueries(terms[:1], 100); p.all != "(sombor)" || p.allMatches != 60 {
		t.Errorf("all of common terms = %q, %d matches", p.all, p.allMatches)
	}
}

// TestSparseMatches: the full-text index is read for every match while
// that costs less than walking chunks in id order to RankCap matches.
func TestSparseMatches(t *testing.T) {
	tests := []struct {
		matches, n int
		want       bool
	}{
		{140, 1_000, true},     // a small town's any-term query
		{880, 1_000, true},     // still fewer rows than walking most of it
		{1_000, 1_000, false},  // everything matches: the first 400 by id are the first 400 rows
		{1_800, 10_000, true},  // measured: 2.4 ms through the index, 5.7 ms walking 2,400 rows
		{3_500, 10_000, false}, // the walk meets 400 matches in about 1,150 rows
		{8_000, 100_000, true},
		{20_000, 100_000, false},
	}
	for _, tt := range tests {
		if got := sparseMatches(tt.matches, tt.n, 400); got != tt.want {
			t.Errorf("sparseMatches(%d, %d) = %v, want %v", tt.matches, tt.n, got, tt.want)
		}
	}
}

func TestConfidenceNeedsCoverageAndSimilarity(t *testing.T) {
	terms := []term{{token: "a", forms: []string{"a"}, idf: 1}, {token: "b", forms: []string{"b"}, idf: 1}}
	full := []Hit{{Coverage: 1, VectorSim: .6, norm: set("a", "b")}}
	markAll(terms, full)
	if c := confidence(full, terms); c < ConfidenceThreshold {
		t.Errorf("a passage with every term: confidence %v", c)
	}
	// Two passages that together answer: the union counts for a quarter.
	split := []Hit{{Coverage: .5, VectorSim: .4, norm: set("a")}, {Coverage: .5, VectorSim: .3, norm: set("b")}}
	markAll(terms, split)
	if c, want := confidence(split, terms), 0.5*.5+.25*1+.25*.4; math.Abs(c-want) > 1e-9 {
		t.Errorf("split confidence %v, want %v", c, want)
	}
	none := []Hit{{Coverage: 0, VectorSim: .2, norm: set("z")}}
	markAll(terms, none)
	if c := confidence(none, terms); c >= ConfidenceThreshold {
		t.Errorf("unrelated passage: confidence %v", c)
	}
}

func markAll(terms []term, hits []Hit) { newTermMarker(terms).mark(hits) }

func TestHitHas(t *testing.T) {
	h := Hit{norm: "porez na imovin"}
	if !h.Has("imovin") || !h.Has("porez") || h.Has("imov") || h.Has("") || (Hit{}).Has("porez") {
		t.Error("Has")
	}
}
