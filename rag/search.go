package rag

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

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
	terms       map[string]bool
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
}

// ConfidenceThreshold separates questions the corpus answers from those it
// does not. It was set on the evaluation dataset (eval/datasets), where it
// separates the out-of-scope questions from answerable ones.
const ConfidenceThreshold = 0.5

// Searcher runs hybrid searches: pgvector HNSW and PostgreSQL full-text
// over Serbian-normalised text, fused by reciprocal rank.
type Searcher struct {
	store *Store
	emb   Embedder
	// EfSearch is HNSW's candidate list size; it bounds the vector branch's
	// depth and trades latency for recall.
	EfSearch int
	// Depth is how many candidates each branch contributes to fusion.
	Depth int
	// PerDocument caps the hits from one document, so none floods the top.
	PerDocument int
	// RankCap bounds the rows each full-text query ranks.
	RankCap int

	mu     sync.Mutex
	counts map[string]chunkCount
}

type chunkCount struct {
	n  int
	at time.Time
}

// NewSearcher returns a searcher over the store using emb for query vectors;
// emb must be the embedder the corpus was ingested with.
func NewSearcher(store *Store, emb Embedder) *Searcher {
	return &Searcher{store: store, emb: emb, EfSearch: 100, Depth: 40, PerDocument: 2, RankCap: 400, counts: map[string]chunkCount{}}
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
	terms, err := s.expandTerms(ctx, q.Municipality, append(tokens, hints...))
	if err != nil {
		return nil, err
	}
	for i := range terms {
		terms[i].hint = slices.Contains(hints, terms[i].token)
	}
	asked := slices.DeleteFunc(slices.Clone(terms), func(t term) bool { return t.hint })
	res.Weights = map[string]float64{}
	for _, t := range terms {
		res.Terms = append(res.Terms, strings.Join(t.forms, "~"))
		for _, f := range t.forms {
			res.Weights[f] = t.idf
		}
	}
	vecs, err := s.emb.Embed(ctx, []string{q.Text})
	if err != nil {
		return nil, fmt.Errorf("embed query: %w", err)
	}
	var tsq []string
	if q.Mode != VectorOnly {
		if all, any := tsQueries(terms); all != "" {
			tsq = []string{all, any}
		}
	}
	vec, text, err := s.branches(ctx, q, vecs[0], tsq)
	if err != nil {
		return nil, err
	}
	rerankText(text, terms)
	fused := fuse(vec, text)
	for i := range fused {
		fused[i].Coverage = coverage(asked, fused[i].terms)
	}
	res.Hits = diversify(fused, q.K, s.PerDocument)
	res.Confidence = confidence(res.Hits, asked)
	res.Confident = res.Confidence >= ConfidenceThreshold
	return res, nil
}

// term is one query token with the corpus forms it matches and its weight.
type term struct {
	token string
	forms []string // the token itself when known, else its closest corpus forms
	idf   float64
	hint  bool // from Query.Hint: ranks, but is not part of the question
}

// expandTerms looks every query token up in the municipality's vocabulary:
// known tokens keep their form, unknown ones are replaced by the closest
// corpus forms by trigram similarity (a typo or two), and each gets an
// inverse document frequency for weighting coverage.
func (s *Searcher) expandTerms(ctx context.Context, municipality string, tokens []string) ([]term, error) {
	n, err := s.chunkCount(ctx, municipality)
	if err != nil {
		return nil, err
	}
	byToken := map[string]*term{}
	for _, t := range tokens {
		byToken[t] = &term{token: t}
	}
	// Exact forms come from the primary key; only tokens the corpus does
	// not know go through the slower trigram search for near forms.
	rows, err := s.store.db.Query(ctx, `SELECT lexeme, ndoc FROM lexemes WHERE municipality = $1 AND lexeme = ANY($2)`,
		municipality, tokens)
	if err != nil {
		return nil, fmt.Errorf("look up query terms: %w", err)
	}
	var lex string
	var ndoc int
	_, err = pgx.ForEachRow(rows, []any{&lex, &ndoc}, func() error {
		byToken[lex].forms, byToken[lex].idf = []string{lex}, idf(n, ndoc)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up query terms: %w", err)
	}
	var unknown []string
	for _, t := range tokens {
		if len(byToken[t].forms) == 0 && len(t) >= 4 {
			unknown = append(unknown, t)
		}
	}
	if len(unknown) > 0 {
		rows, err := s.store.db.Query(ctx, `
			SELECT q.t, l.lexeme, l.ndoc FROM unnest($2::text[]) AS q(t)
			CROSS JOIN LATERAL (
				SELECT lexeme, ndoc FROM lexemes
				WHERE municipality = $1 AND lexeme % q.t AND similarity(lexeme, q.t) >= 0.45
				ORDER BY similarity(lexeme, q.t) DESC
				LIMIT 2) l`, municipality, unknown)
		if err != nil {
			return nil, fmt.Errorf("correct query terms: %w", err)
		}
		var t string
		_, err = pgx.ForEachRow(rows, []any{&t, &lex, &ndoc}, func() error {
			tm := byToken[t]
			tm.forms = append(tm.forms, lex)
			tm.idf = max(tm.idf, idf(n, ndoc))
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("correct query terms: %w", err)
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
			tm.idf = idf(n, 0)
			if len(known) > 0 {
				var sum float64
				for _, k := range known {
					sum += k
				}
				tm.idf = max(sum/float64(len(known)), idf(n, n/20))
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

// chunkCount is the number of chunks of the municipality, cached for a
// minute: it only scales term weights.
func (s *Searcher) chunkCount(ctx context.Context, municipality string) (int, error) {
	s.mu.Lock()
	c, ok := s.counts[municipality]
	s.mu.Unlock()
	if ok && time.Since(c.at) < time.Minute {
		return c.n, nil
	}
	var n int
	if err := s.store.db.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE municipality = $1`, municipality).Scan(&n); err != nil {
		return 0, fmt.Errorf("count chunks: %w", err)
	}
	s.mu.Lock()
	s.counts[municipality] = chunkCount{n, time.Now()}
	s.mu.Unlock()
	return n, nil
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

const hitColumns = `c.id, c.document_id, d.source, d.title, d.url, c.heading_path, c.content, c.search_head || ' ' || c.search_body`

// branches runs the vector and full-text queries in one round trip inside
// a read-only transaction, where the HNSW settings apply.
func (s *Searcher) branches(ctx context.Context, q Query, qvec []float32, tsq []string) (vec, text []Hit, err error) {
	municipality := q.Municipality
	dim := s.emb.Dim()
	// The cast to the model's dimension must match the partial index
	// expression (EnsureVectorIndex); dim is an int, not user input.
	vecSQL := fmt.Sprintf(`
		SELECT %s, 1 - (c.embedding::vector(%d) <=> $3) AS sim
		FROM chunks c JOIN documents d ON d.id = c.document_id
		WHERE c.municipality = $1 AND c.model = $2
		ORDER BY c.embedding::vector(%d) <=> $3
		LIMIT $4`, hitColumns, dim, dim)
	// The inner LIMIT bounds how many matching rows are ranked: a term
	// found in thousands of chunks must not make every search slow. The
	// all-terms query comes first, so passages containing every term are
	// among those ranked.
	textSQL := `
		WITH m AS MATERIALIZED (
			SELECT c.id, ts_rank_cd(c.tsv, q, 1) AS rank
			FROM chunks c, to_tsquery('simple', $2) q
			WHERE c.municipality = $1 AND c.tsv @@ q
			LIMIT $4)
		SELECT ` + hitColumns + `, m.rank
		FROM m JOIN chunks c ON c.id = m.id JOIN documents d ON d.id = c.document_id
		ORDER BY m.rank DESC, c.id
		LIMIT $3`
	err = pgx.BeginTxFunc(ctx, s.store.db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		// relaxed_order keeps scanning the graph until enough rows pass the
		// municipality filter (pgvector 0.8 iterative scans); results are
		// re-sorted in Go.
		b.Queue(`SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true),
			set_config('enable_indexscan', $2, true)`, fmt.Sprint(s.EfSearch), fmt.Sprint(!q.Exact))
		if q.Mode != TextOnly {
			b.Queue(vecSQL, municipality, s.emb.Model(), pgvector.NewVector(qvec), s.Depth)
		}
		if len(tsq) > 0 {
			b.Queue(textSQL, municipality, tsq[0], s.Depth, s.RankCap)
		}
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("hnsw settings: %w", err)
		}
		if q.Mode != TextOnly {
			if vec, err = scanHits(br, func(h *Hit, v float64) { h.VectorSim = v }); err != nil {
				return fmt.Errorf("vector search: %w", err)
			}
			slices.SortStableFunc(vec, func(a, b Hit) int { return cmpDesc(a.VectorSim, b.VectorSim) })
		}
		if len(tsq) == 0 {
			return br.Close()
		}
		if text, err = scanHits(br, func(h *Hit, v float64) { h.TextRank = v }); err != nil {
			return fmt.Errorf("full-text search: %w", err)
		}
		if err := br.Close(); err != nil {
			return err
		}
		// Passages with only some of the terms are fetched only when too
		// few have them all: the any-term query is the expensive one.
		if len(text) >= s.Depth/2 || len(tsq) < 2 || tsq[1] == tsq[0] {
			return nil
		}
		rows, err := tx.Query(ctx, textSQL, municipality, tsq[1], s.Depth, s.RankCap)
		if err != nil {
			return fmt.Errorf("full-text search: %w", err)
		}
		more, err := collectHits(rows, func(h *Hit, v float64) { h.TextRank = v })
		if err != nil {
			return fmt.Errorf("full-text search: %w", err)
		}
		for _, h := range more {
			if !slices.ContainsFunc(text, func(x Hit) bool { return x.ChunkID == h.ChunkID }) {
				text = append(text, h)
			}
		}
		return nil
	})
	return vec, text, err
}

func scanHits(br pgx.BatchResults, set func(*Hit, float64)) ([]Hit, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	return collectHits(rows, set)
}

func collectHits(rows pgx.Rows, set func(*Hit, float64)) ([]Hit, error) {
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		var norm string
		var v float64
		if err := rows.Scan(&h.ChunkID, &h.DocumentID, &h.Source, &h.Title, &h.URL, &h.HeadingPath, &h.Content, &norm, &v); err != nil {
			return nil, err
		}
		set(&h, v)
		h.terms = map[string]bool{}
		for _, t := range strings.Fields(norm) {
			h.terms[t] = true
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
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

// Neighbor is a chunk and its cosine distance to a query.
type Neighbor struct {
	ChunkID  int64
	Distance float64
}

// Nearest returns the k chunks nearest to text by vector alone, through
// the HNSW index at the searcher's ef_search or, with exact, by a full
// scan: the yardstick for the index's recall.
func (s *Searcher) Nearest(ctx context.Context, municipality, text string, k int, exact bool) ([]Neighbor, error) {
	vecs, err := s.emb.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	dim := s.emb.Dim()
	var out []Neighbor
	err = pgx.BeginTxFunc(ctx, s.store.db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('hnsw.ef_search', $1, true), set_config('enable_indexscan', $2, true)`,
			fmt.Sprint(s.EfSearch), fmt.Sprint(!exact)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT id, embedding::vector(%d) <=> $3 FROM chunks
			WHERE municipality = $1 AND model = $2 ORDER BY embedding::vector(%d) <=> $3 LIMIT $4`, dim, dim),
			municipality, s.emb.Model(), pgvector.NewVector(vecs[0]), k)
		if err != nil {
			return err
		}
		var n Neighbor
		_, err = pgx.ForEachRow(rows, []any{&n.ChunkID, &n.Distance}, func() error {
			out = append(out, n)
			return nil
		})
		return err
	})
	return out, err
}
