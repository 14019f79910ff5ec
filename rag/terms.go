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
			byToken[t].forms, byToken[t].idf, byToken[t].ndoc = []string{t}, idf(n, ndoc), ndoc
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
			byToken[l.Token].ndoc = l.NDoc
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

// tsQueries builds two full-text queries from the informative terms: all
// of them (each term's forms ORed), and any of them, so that passages with
// every term are found even when a common term matches thousands. Forms
// are [a-z0-9] only, so the strings are safe tsqueries.
func tsQueries(terms []term) (all, any string) {
	var groups, common, hints [][]string
	for _, t := range terms {
		if len(t.forms) == 0 {
			continue
		}
		if t.hint {
			hints = append(hints, t.forms)
			continue
		}
		if t.idf < commonIDF {
			common = append(common, t.forms)
			continue
		}
		groups = append(groups, t.forms)
	}
	if len(groups) == 0 {
		groups = common
	}
	var ands, ors []string
	for _, g := range groups {
		ands = append(ands, "("+strings.Join(g, " | ")+")")
		ors = append(ors, g...)
	}
	for _, g := range hints {
		ors = append(ors, g...)
	}
	return strings.Join(ands, " & "), strings.Join(uniq(ors), " | ")
}
