package rag

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/miasrbija/mia/serbian"
)

// Query is one search.
type Query struct {
	Municipality string
	Text         string
	K            int // results wanted; default 5
	// Mode restricts the search to one branch, for measuring; the zero
	// value is the hybrid search the assistant uses.
	Mode Mode
	// Exact scans every vector instead of walking the HNSW graph: slow, the
	// reference for measuring the index's recall.
	Exact bool
	// Hint holds words that help find the answer but that the citizen did
	// not ask (e.g. "rok" for a "do kada" question): they rank passages
	// but do not count toward the question's coverage or the confidence.
	Hint string
	// PerDocument overrides the searcher's cap on hits from one document
	// (0 keeps it): an answer looking for one fact reads deeper into the
	// documents that matter.
	PerDocument int

	ef int // the HNSW candidate list for this municipality's size (Search sets it)
	// candidates are the rows re-ranked for this municipality's size
	// (Search sets it).
	candidates int
}

// Mode selects the retrieval branches.
type Mode string

// Modes.
const (
	Hybrid     Mode = ""
	VectorOnly Mode = "vector"
	TextOnly   Mode = "text"
)

// Hit is one retrieved passage.
type Hit struct {
	ChunkID     int64    `json:"chunk_id"`
	DocumentID  int64    `json:"document_id"`
	Source      string   `json:"source"`
	Title       string   `json:"title"`
	URL         string   `json:"url,omitempty"`
	HeadingPath []string `json:"heading_path"`
	Content     string   `json:"content"`
	Score       float64  `json:"score"`       // fused rank score (reciprocal rank fusion)
	VectorSim   float64  `json:"vector_sim"`  // cosine similarity to the query, 0 when not in the vector branch
	TextRank    float64  `json:"text_rank"`   // full-text rank, 0 when not in the full-text branch
	Coverage    float64  `json:"coverage"`    // share of the query's weight this passage contains, 0..1
	VectorPos   int      `json:"vector_rank"` // 1-based rank in the vector branch, 0 when absent
	TextPos     int      `json:"text_rank_pos"`
	// UpdatedAt is when the document last changed: the site's
	// Last-Modified for a crawled page, else when its content was last
	// ingested. Citations show it so a citizen can judge its freshness.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// norm is the passage's normalised head and body (Candidate.Normalized);
	// have marks the query terms among its words.
	norm string
	have termSet
}

// Results is the outcome of a search.
type Results struct {
	Query string `json:"query"`
	// Terms are the normalised query terms, typo corrections included
	// ("dodatk~dodat").
	Terms []string `json:"terms"`
	Hits  []Hit    `json:"hits"`
	// Confidence (0..1) says how well the best passages cover the question;
	// Confident is Confidence at or above ConfidenceThreshold. Below it the
	// answer layer should say the documents do not cover the question.
	Confidence float64 `json:"confidence"`
	Confident  bool    `json:"confident"`
	// Weights maps each corpus form the query matched to its weight (idf),
	// for picking the sentences of a passage that answer the question.
	Weights map[string]float64 `json:"-"`
	// QueryTerms are the question's tokens (then the hint's) as the corpus
	// knows them, for judging whether an answer covers the question.
	QueryTerms []QueryTerm `json:"-"`
}

// QueryTerm is one token of a query as the corpus knows it.
type QueryTerm struct {
	Token string // as serbian.Tokens gives it
	// Forms are the corpus forms it matches: the token itself when the
	// corpus uses it, else up to two near forms (a typo); none when the
	// corpus has nothing like it.
	Forms []string
	IDF   float64
	// DocFreq is the number of chunks holding the token itself: 0 means
	// the corpus never uses the word (its Forms, if any, are guesses).
	DocFreq int
	// Hint is set for the words of Query.Hint, which the citizen did not
	// ask.
	Hint bool
}

// ConfidenceThreshold separates questions the corpus answers from those it
// does not. It was set on the demo evaluation dataset
// (eval/datasets/sombor/dev.yaml, offline embedder): out-of-scope questions
// there score 0.04–0.55, answerable ones 0.30–0.9, and 0.36 makes the
// fewest mistakes of either kind. Recalibrate it with `mia eval` when the
// embedder or the scoring changes.
const ConfidenceThreshold = 0.36

// Searcher runs hybrid searches: nearest vectors (pgvector HNSW, or an
// exact scan for a small municipality) and full text over
// Serbian-normalised text, fused by reciprocal rank.
type Searcher struct {
	index Index
	emb   Embedder
	// EfSearch is HNSW's candidate list size; it bounds the vector branch's
	// depth and trades latency for recall (see BenchmarkSearch).
	EfSearch int
	// EfSearchLarge replaces EfSearch for a municipality of LargeAbove
	// chunks or more, whose graph a list of EfSearch walks with less
	// recall. Such a municipality's own index is the dense one
	// (docstore.DefaultDenseAbove): the largest generated town (268,350
	// chunks, beside 140 others) gave recall@10 by id 0.908 / 0.943 /
	// 0.960 / 0.975 from it at ef_search 400 / 600 / 800 / 1,000 on 250 dev
	// questions (0.844 / 0.900 / 0.935 / 0.944 from a standard graph of
	// the same rows); at 53,733 chunks 400 gave 0.96 from a standard one,
	// at 10,000 0.994 (bench/country, README "Country scale").
	EfSearchLarge int
	LargeAbove    int
	// Candidates is VectorQuery.Candidates below LargeAbove chunks (0: twice
	// the rows asked for), CandidatesLarge from there. ef_search cannot
	// pass 1,000, so a larger town's walk goes on past the first list: at
	// 300,000 chunks of the benchmark's municipality (250 dev questions,
	// recall@10 by id, ef_search 1,000, dense index m 32) 0.953 from the
	// first list's 20 nearest, 0.971 from 1,500 candidates, at 2.8 times
	// the vector branch's p50 (31 -> 89 ms, p95 63 -> 151 ms on 2 busy
	// vCPUs; hybrid / vector p50 1.25 -> 1.36; BenchmarkSearch).
	Candidates      int
	CandidatesLarge int
	// ExactBelow is the chunk count under which a municipality's vectors
	// are scanned exactly instead of walking the HNSW graph. Measured with
	// the graph walk forced at every size (BenchmarkSearch, dev split), the
	// walk at ef_search 400 beat an exact scan already at 1,000 chunks
	// (p50 1.2 ms against 12 ms, recall@10 1.000 by id), so only a
	// municipality of a few hundred chunks, which one candidate list
	// covers anyway, is scanned.
	ExactBelow int
	// Depth is how many candidates each branch contributes to fusion.
	Depth int
	// PerDocument caps the hits from one document, so none floods the top.
	PerDocument int
	// RankCap bounds the rows each full-text query ranks.
	RankCap int
	// ShortList is how many of those rows ts_rank keeps for ts_rank_cd,
	// which costs seven times as much: three times Depth changed the top 5
	// of 1–4% of the benchmark's questions at 1,000–10,000 chunks (and
	// none of the evaluation's answers), one times Depth a third.
	ShortList int

	mu       sync.Mutex
	lexicons map[string]*lexiconCache
}

// NewSearcher returns a searcher over index using emb for query vectors;
// emb must be the embedder the corpus was ingested with.
func NewSearcher(index Index, emb Embedder) *Searcher {
	return &Searcher{index: index, emb: emb, EfSearch: 400, EfSearchLarge: 1000, LargeAbove: 100_000, CandidatesLarge: 1500, ExactBelow: 256, Depth: 40, PerDocument: 3, RankCap: 400, ShortList: 120,
		lexicons: map[string]*lexiconCache{}}
}

// EfFor returns the HNSW candidate list for a municipality of chunks.
func (s *Searcher) EfFor(chunks int) int {
	if s.LargeAbove > 0 && chunks >= s.LargeAbove && s.EfSearchLarge > 0 {
		return s.EfSearchLarge
	}
	return s.EfSearch
}

// CandidatesFor returns VectorQuery.Candidates for a municipality of
// chunks.
func (s *Searcher) CandidatesFor(chunks int) int {
	if s.LargeAbove > 0 && chunks >= s.LargeAbove && s.CandidatesLarge > 0 {
		return s.CandidatesLarge
	}
	return s.Candidates
}

// rrfK is the reciprocal rank fusion constant from the original paper.
const rrfK = 60

// Search returns the best passages for q.
func (s *Searcher) Search(ctx context.Context, q Query) (*Results, error) {
	if q.K <= 0 {
		q.K = 5
	}
	res := &Results{Query: q.Text}
	tokens := uniq(serbian.Tokens(q.Text))
	if len(tokens) == 0 {
		return res, nil
	}
	var hints []string
	for _, h := range serbian.Tokens(q.Hint) {
		if !slices.Contains(tokens, h) && !slices.Contains(hints, h) {
			hints = append(hints, h)
		}
	}
	st, err := s.index.Lexicon(ctx, q.Municipality)
	if err != nil {
		return nil, err
	}
	terms, err := s.expandTerms(ctx, q.Municipality, st, append(tokens, hints...))
	if err != nil {
		return nil, err
	}
	q.Exact = q.Exact || st.Chunks < s.ExactBelow
	q.ef = s.EfFor(st.Chunks)
	q.candidates = s.CandidatesFor(st.Chunks)
	for i := range terms {
		terms[i].hint = slices.Contains(hints, terms[i].token)
	}
	res.Weights = map[string]float64{}
	for _, t := range terms {
		res.Terms = append(res.Terms, strings.Join(t.forms, "~"))
		res.QueryTerms = append(res.QueryTerms, QueryTerm{Token: t.token, Forms: t.forms, IDF: t.idf, DocFreq: t.ndoc, Hint: t.hint})
		for _, f := range t.forms {
			res.Weights[f] = t.idf
		}
	}
	vecs, err := s.emb.Embed(ctx, []string{q.Text})
	if err != nil {
		return nil, fmt.Errorf("embed query: %w", err)
	}
	var tq *TextQuery
	if q.Mode != VectorOnly {
		if p := textQueries(terms, st.Chunks); p.all != "" {
			tq = &TextQuery{Municipality: q.Municipality, TSQuery: p.all, Limit: s.Depth, RankCap: s.RankCap,
				ShortList: s.ShortList, Sparse: sparseMatches(p.allMatches, st.Chunks, s.RankCap), Small: st.Chunks < s.ExactBelow}
			if p.any != p.all {
				tq.Fallback, tq.FallbackBelow = p.any, s.Depth/2
				tq.FallbackSparse = sparseMatches(p.anyMatches, st.Chunks, s.RankCap)
			}
		}
	}
	vec, text, err := s.branches(ctx, q, vecs[0], tq)
	if err != nil {
		return nil, err
	}
	marker := newTermMarker(terms)
	marker.mark(vec)
	marker.mark(text)
	rerankText(text, terms)
	fused := fuse(vec, text)
	for i := range fused {
		fused[i].Coverage = coverage(terms, fused[i].have, false)
	}
	res.Hits = diversify(fused, q.K, cmp.Or(q.PerDocument, s.PerDocument))
	res.Confidence = confidence(res.Hits, terms)
	res.Confident = res.Confidence >= ConfidenceThreshold
	return res, nil
}

// branches runs the vector and the full-text query at once (each on its
// own connection, in PostgreSQL): the turn waits for the slower of the
// two, not their sum.
func (s *Searcher) branches(ctx context.Context, q Query, qvec []float32, tq *TextQuery) (vec, text []Hit, err error) {
	g, ctx := errgroup.WithContext(ctx)
	if q.Mode != TextOnly {
		g.Go(func() (err error) {
			vec, err = s.vectorBranch(ctx, q, qvec)
			return err
		})
	}
	if tq != nil {
		g.Go(func() (err error) {
			text, err = s.textBranch(ctx, *tq)
			return err
		})
	}
	err = g.Wait()
	return vec, text, err
}

// vectorBranch returns the passages nearest to the query vector, nearest
// first.
func (s *Searcher) vectorBranch(ctx context.Context, q Query, qvec []float32) ([]Hit, error) {
	found, err := s.index.VectorSearch(ctx, VectorQuery{Municipality: q.Municipality, Model: s.emb.Model(), Dim: s.emb.Dim(),
		Vector: qvec, Limit: s.Depth, EfSearch: cmp.Or(q.ef, s.EfSearch), Candidates: q.candidates, Exact: q.Exact})
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	return candidateHits(found, func(h *Hit, v float64) { h.VectorSim = v }), nil
}

// textBranch runs the all-terms query and, only when it finds too few
// passages, the any-term query (the expensive one): one statement, one
// round trip.
func (s *Searcher) textBranch(ctx context.Context, tq TextQuery) ([]Hit, error) {
	found, err := s.index.TextSearch(ctx, tq)
	if err != nil {
		return nil, fmt.Errorf("full-text search: %w", err)
	}
	return candidateHits(found, func(h *Hit, v float64) { h.TextRank = v }), nil
}

// candidateHits turns a branch's candidates into hits, the score set by
// set; the terms are marked later (termMarker), once per search.
func candidateHits(found []Candidate, set func(*Hit, float64)) []Hit {
	hits := make([]Hit, 0, len(found))
	for _, c := range found {
		h := c.Hit
		set(&h, c.Score)
		h.norm = c.Normalized
		hits = append(hits, h)
	}
	return hits
}
