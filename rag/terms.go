package rag

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// term is one query token with the corpus forms it matches and its weight.
type term struct {
	token string
	forms []string // the token itself when known, else its closest corpus forms
	idf   float64
	hint  bool // from Query.Hint: ranks, but is not part of the question
	ndoc  int  // chunks holding the token itself; 0 when the corpus never uses it
	// matches bounds the chunks holding any of forms (the sum of their
	// counts), for choosing how the full-text branch reads its matches.
	matches int
}

// expandTerms looks every query token up in the municipality's vocabulary:
// known tokens keep their form, unknown ones are replaced by the closest
// corpus forms by trigram similarity (a typo or two), and each gets an
// inverse document frequency for weighting coverage. Look-ups are cached
// per municipality until its vocabulary changes (st.Generation).
func (s *Searcher) expandTerms(ctx context.Context, municipality string, st LexiconState, tokens []string) ([]term, error) {
	n := st.Chunks
	lx := s.lexicon(municipality, st.Generation)
	byToken := map[string]*term{}
	for _, t := range tokens {
		byToken[t] = &term{token: t}
	}
	// Exact forms come from the primary key; only tokens the corpus does
	// not know go through the slower trigram search for near forms.
	var ask []string
	for _, t := range tokens {
		if ndoc, ok := lx.exactForm(t); !ok {
			ask = append(ask, t)
		} else if ndoc > 0 {
			byToken[t].forms, byToken[t].idf, byToken[t].ndoc, byToken[t].matches = []string{t}, idf(n, ndoc), ndoc, ndoc
		}
	}
	if len(ask) > 0 {
		exact, err := s.index.Lexemes(ctx, municipality, ask)
		if err != nil {
			return nil, fmt.Errorf("look up query terms: %w", err)
		}
		found := map[string]int{}
		for _, l := range exact {
			found[l.Token] = l.NDoc
			byToken[l.Token].forms, byToken[l.Token].idf = []string{l.Form}, idf(n, l.NDoc)
			byToken[l.Token].ndoc, byToken[l.Token].matches = l.NDoc, l.NDoc
		}
		lx.putExact(ask, found)
	}
	var unknown, correct []string
	for _, t := range tokens {
		if len(byToken[t].forms) == 0 && len(t) >= 4 {
			unknown = append(unknown, t)
			if _, ok := lx.nearForms(t); !ok {
				correct = append(correct, t)
			}
		}
	}
	if len(correct) > 0 {
		near, err := s.index.SimilarLexemes(ctx, municipality, correct)
		if err != nil {
			return nil, fmt.Errorf("correct query terms: %w", err)
		}
		lx.putNear(correct, near)
	}
	for _, t := range unknown {
		near, _ := lx.nearForms(t)
		tm := byToken[t]
		for _, l := range near {
			tm.forms = append(tm.forms, l.Form)
			tm.idf = max(tm.idf, idf(n, l.NDoc))
			tm.matches += l.NDoc
		}
	}
	order := tokens
	terms := make([]term, 0, len(order))
	var known []float64
	for _, t := range order {
		if tm := byToken[t]; len(tm.forms) > 0 {
			known = append(known, tm.idf)
		}
	}
	for _, t := range order {
		tm := byToken[t]
		if len(tm.forms) == 0 {
			// Unknown to the corpus: it still weighs in coverage (the
			// question may be about something the documents never
			// mention), but no more than an average word of the question:
			// colloquial verbs ("vadi") are unknown too.
			// The floor, the weight of a word in one chunk of twenty,
			// keeps an unknown word from vanishing beside common ones
			// ("gradonačelnik Sombora").
			// A long unknown stem ("avionsk") is a content word the
			// documents lack and weighs like the rarest known word; a short
			// one is as likely a colloquial verb or a clipped form.
			tm.idf = idf(n, 0)
			if len(known) > 0 {
				var sum, top float64
				for _, k := range known {
					sum += k
					top = max(top, k)
				}
				tm.idf = max(sum/float64(len(known)), idf(n, n/20))
				if len(t) >= 5 {
					tm.idf = max(tm.idf, top)
				}
			}
		}
		terms = append(terms, *tm)
	}
	return terms, nil
}

// idf is a smoothed inverse document frequency over chunks.
func idf(n, ndoc int) float64 {
	return math.Log(1 + (float64(n)+1)/(float64(ndoc)+0.5))
}

// commonIDF is the weight below which a term is too common to select
// passages by (it appears in about a third of the chunks or more, like the
// city's name): it still counts in coverage, but matching it alone would
// flood the full-text branch.
var commonIDF = idf(100, 33)

// textQueryPlan is the full-text branch's two queries and estimates of
// how many chunks each matches, from the vocabulary's counts.
type textQueryPlan struct {
	all, any               string
	allMatches, anyMatches int
}

// textQueries builds two full-text queries from the informative terms:
// all of them (each term's forms ORed), and any of them, so that passages
// with every term are found even when a common term matches thousands.
// Forms are [a-z0-9] only, so the strings are safe tsqueries. It also
// estimates how many of the municipality's n chunks each matches: a
// passage holding every group holds the rarest one, so the all-terms
// query matches at most as many as that group; the any-term query's
// matches are estimated as if the terms occurred independently (a share
// 1 - Π(1 - dᵢ) of the chunks), which words of one question, that tend to
// occur together, rarely exceed.
func textQueries(terms []term, n int) textQueryPlan {
	var groups, common, hints []term
	for _, t := range terms {
		if len(t.forms) == 0 {
			continue
		}
		if t.hint {
			hints = append(hints, t)
			continue
		}
		if t.idf < commonIDF {
			common = append(common, t)
			continue
		}
		groups = append(groups, t)
	}
	if len(groups) == 0 {
		groups = common
	}
	share := func(t term) float64 {
		if n <= 0 {
			return 1
		}
		return min(1, float64(t.matches)/float64(n))
	}
	var p textQueryPlan
	var ands, ors []string
	none := 1.0 // share of chunks matching no term of the any-term query
	for i, g := range groups {
		ands = append(ands, "("+strings.Join(g.forms, " | ")+")")
		ors = append(ors, g.forms...)
		if i == 0 || g.matches < p.allMatches {
			p.allMatches = min(g.matches, max(n, 0))
		}
		none *= 1 - share(g)
	}
	for _, g := range hints {
		ors = append(ors, g.forms...)
		none *= 1 - share(g)
	}
	p.anyMatches = int(math.Ceil((1 - none) * float64(max(n, 0))))
	p.all, p.any = strings.Join(ands, " & "), strings.Join(uniq(ors), " | ")
	return p
}

// sparseMatches reports whether a full-text query matching about
// matches of n chunks costs less read through its index, every match
// fetched and the first rankCap by id kept, than by walking the chunks in
// id order until rankCap of them match. The first reads about matches
// rows, the second about rankCap·n/matches rows (all n when fewer than
// rankCap match), each fetched through the primary key and tested, which
// measured about twice as costly as fetching a match (10,000 chunks):
// the index wins while matches² < 2·rankCap·n. PostgreSQL's planner
// misjudges this, pricing the test (@@) like comparing two numbers: it
// walked 2,400 rows in id order for 400 of 1,800 matches the index held,
// and read every chunk of a small town for 140.
func sparseMatches(matches, n, rankCap int) bool {
	return float64(matches)*float64(matches) < 2*float64(rankCap)*float64(n)
}
