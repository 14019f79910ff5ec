package rag

import "slices"

// rerankText orders the full-text hits by idf-weighted coverage of the
// query, PostgreSQL's rank breaking ties: ts_rank_cd counts matches but
// knows nothing of how rare a term is.
func rerankText(hits []Hit, terms []term) {
	for i := range hits {
		hits[i].Coverage = coverage(terms, hits[i].terms)
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

// fuse merges the two ranked lists by reciprocal rank fusion.
func fuse(vec, text []Hit) []Hit {
	byID := map[int64]*Hit{}
	var order []int64
	add := func(list []Hit, isVec bool) {
		for i, h := range list {
			cur, ok := byID[h.ChunkID]
			if !ok {
				hc := h
				cur = &hc
				byID[h.ChunkID] = cur
				order = append(order, h.ChunkID)
			}
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
	out := make([]Hit, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	slices.SortStableFunc(out, func(a, b Hit) int { return cmpDesc(a.Score, b.Score) })
	return out
}

// coverage is the idf-weighted share of the query's terms that a passage
// (its title, headings and text) contains.
func coverage(terms []term, have map[string]bool) float64 {
	var got, all float64
	for _, t := range terms {
		all += t.idf
		for _, f := range t.forms {
			if have[f] {
				got += t.idf
				break
			}
		}
	}
	if all == 0 {
		return 0
	}
	return got / all
}

// diversify takes the best hits in order, skipping near-duplicates of a
// hit already taken and hits beyond perDoc from one document.
func diversify(hits []Hit, k, perDoc int) []Hit {
	var out []Hit
	perDocument := map[int64]int{}
	for _, h := range hits {
		if len(out) == k {
			break
		}
		if perDoc > 0 && perDocument[h.DocumentID] >= perDoc {
			continue
		}
		if slices.ContainsFunc(out, func(o Hit) bool { return jaccard(o.terms, h.terms) >= 0.8 }) {
			continue
		}
		perDocument[h.DocumentID]++
		out = append(out, h)
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// confidence combines how much of the question the best passage covers,
// how much the top passages cover together (a question may need two), and
// the best vector similarity: the passages must contain what was asked,
// and the embedding must agree they are about the same thing.
func confidence(hits []Hit, terms []term) float64 {
	var cov, sim float64
	union := map[string]bool{}
	for i, h := range hits {
		if i == 3 {
			break
		}
		cov = max(cov, h.Coverage)
		sim = max(sim, h.VectorSim)
		for t := range h.terms {
			union[t] = true
		}
	}
	return 0.5*cov + 0.25*coverage(terms, union) + 0.25*sim
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
func (h Hit) Has(form string) bool { return h.terms[form] }
