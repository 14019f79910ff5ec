package docstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/rag"
)

// Lexicon implements rag.Index from lexicon_state, one primary-key probe.
// A municipality whose vocabulary was never refreshed has no row: its
// chunks are counted instead (generation 0).
func (s *Store) Lexicon(ctx context.Context, municipality string) (rag.LexiconState, error) {
	var st rag.LexiconState
	err := s.db.QueryRow(ctx, `SELECT generation, chunks FROM lexicon_state WHERE municipality = $1`, municipality).
		Scan(&st.Generation, &st.Chunks)
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.db.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE municipality = $1`, municipality).Scan(&st.Chunks)
	}
	if err != nil {
		return rag.LexiconState{}, fmt.Errorf("lexicon state: %w", err)
	}
	return st, nil
}

// lexemesSQL looks each token up by the primary key (municipality,
// lexeme): one btree probe per token. Written as a join on the unnested
// tokens so the planner cannot serve the equality from the trigram GIN
// index, which it did for "lexeme = ANY($2)" (several ms per query).
const lexemesSQL = `
	SELECT l.lexeme, l.ndoc FROM unnest($2::text[]) AS q(t)
	JOIN lexemes l ON l.municipality = $1 AND l.lexeme = q.t
	ORDER BY l.lexeme`

// Lexemes implements rag.Index through the primary key.
func (s *Store) Lexemes(ctx context.Context, municipality string, tokens []string) ([]rag.Lexeme, error) {
	rows, err := s.db.Query(ctx, lexemesSQL, municipality, tokens)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Lexeme, error) {
		var l rag.Lexeme
		err := r.Scan(&l.Form, &l.NDoc)
		l.Token = l.Form
		return l, err
	})
}

// similarThreshold is the least trigram similarity of a typo correction.
// It is also set as pg_trgm.similarity_threshold, so the trigram index
// itself drops weaker candidates instead of returning them (at the
// default 0.3) for a recheck.
const similarThreshold = "0.45"

// similarLexemesSQL finds each token's two closest forms through the
// trigram index (the % operator) before ranking them by similarity; the
// lexeme breaks ties, so the same query always gets the same forms.
const similarLexemesSQL = `
	SELECT q.t, l.lexeme, l.ndoc FROM unnest($2::text[]) AS q(t)
	CROSS JOIN LATERAL (
		SELECT lexeme, ndoc, similarity(lexeme, q.t) AS sim FROM lexemes
		WHERE municipality = $1 AND lexeme % q.t
		ORDER BY sim DESC, lexeme
		LIMIT 2) l
	ORDER BY q.t, l.sim DESC, l.lexeme`

// SimilarLexemes implements rag.Index with trigram similarity (pg_trgm).
// The setting and the query go in one pipelined batch, one round trip:
// a batch is one implicit transaction, so the setting applies to it alone.
func (s *Store) SimilarLexemes(ctx context.Context, municipality string, tokens []string) ([]rag.Lexeme, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT set_config('pg_trgm.similarity_threshold', $1, true), set_config('plan_cache_mode', 'force_custom_plan', true)`,
		similarThreshold)
	b.Queue(similarLexemesSQL, municipality, tokens)
	var out []rag.Lexeme
	err := runBatch(ctx, s.db, b, func(rows pgx.Rows) (err error) {
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Lexeme, error) {
			var l rag.Lexeme
			return l, r.Scan(&l.Token, &l.Form, &l.NDoc)
		})
		return err
	})
	return out, err
}

// runBatch sends b, a settings statement then one query, in one round
// trip and reads the query's rows with read. pgx sends a batch as one
// pipeline closed by a single Sync, which PostgreSQL runs as one implicit
// transaction: set_config(..., true) in the first statement holds for the
// query and ends with it, as in an explicit read-only transaction, without
// the two round trips of BEGIN and COMMIT.
func runBatch(ctx context.Context, db *postgres.DB, b *pgx.Batch, read func(pgx.Rows) error) error {
	br := db.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("search settings: %w", err)
	}
	rows, err := br.Query()
	if err != nil {
		return err
	}
	if err := read(rows); err != nil {
		return err
	}
	return br.Close()
}

// hitColumns are what both branches return of a chunk: its citation, its
// text and its normalised terms (for coverage). The document's last change
// is the crawled page's Last-Modified when there is one (a page is stored
// under its canonical URL; crawl_pages_canonical_idx makes the look-up one
// index probe per returned row), else updated_at, which ingest sets when
// the content changes.
const hitColumns = `c.id, c.document_id, d.source, d.title, d.url, c.heading_path, c.content, c.search_head || ' ' || c.search_body,
		coalesce((SELECT max(p.last_changed) FROM crawl_pages p
			WHERE p.municipality = d.municipality AND p.canonical = d.source AND p.duplicate_of = ''), d.updated_at)`

// searchSettingsQuery sets the vector branch's settings for the current
// transaction. An approximate search walks the HNSW graph with ef_search
// candidates; relaxed_order keeps scanning until enough rows pass the
// municipality filter (pgvector 0.8 iterative scans), and the query
// re-sorts what it found. Sorting is off for it, so the planner takes the
// index's order: at a high ef_search it otherwise costs the graph walk
// above sorting every row of a municipality of 10,000 chunks, and sorts
// (measured 40 ms against 2 ms). The penalty that switch adds to the
// final sort of a few rows would make the plan look costly enough to JIT
// (hundreds of ms), so JIT is off too. An exact search turns index scans
// off, so the municipality's rows are scanned and sorted by distance. A
// custom plan every time lets the planner take the municipality's own
// partial index (town_index.go), proved against the municipality as a
// constant; a cached generic plan cannot. An exact scan uses no partial
// index, so it keeps the plan cache: planning it anew cost as much CPU as
// running it (a town of 189 chunks: about 1.9 ms a search against 0.9).
func searchSettingsQuery(q rag.VectorQuery) (string, []any) {
	sql := `SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true),
			set_config('enable_indexscan', $2, true), set_config('enable_sort', $3, true), set_config('jit', 'off', true)`
	if !q.Exact {
		sql += `, set_config('plan_cache_mode', 'force_custom_plan', true)`
	}
	return sql, []any{fmt.Sprint(q.EfSearch), fmt.Sprint(!q.Exact), fmt.Sprint(q.Exact)}
}

// nearestSQL is the inner query of both vector queries: ids and distances
// of the nearest chunks. The cast to the model's dimension must match the
// partial index expression (vectorIndexSQL); Dim is an int, not user
// input. The exact scan orders by id after distance, so equal distances
// keep one order. The approximate one leaves that to the outer query (a
// second sort key would keep the planner off the index) and takes twice
// the rows asked for: the index orders by distances of its own (single
// precision, of normalised copies, batch by batch in relaxed order), so
// at the last place a LIMIT of exactly the rows asked for cut a group of
// equal or nearly equal distances at an arbitrary row; the outer query's
// sort by the stored vectors' distance, then id, decides among them as
// the exact scan does (the extra rows cost a heap fetch and a distance
// each).
//
// The approximate query is the one of the own index the municipality is
// taken to have (dense: withOwnIndex), gated by a test of the dense
// index's name ($5) that the executor evaluates once per run: the dense
// query runs only while that index exists, the standard one only while it
// does not, so a stale guess finds nothing, and no plan ever walks the
// wrong graph. The dense query orders by denseOrder, which only the dense
// index holds, so its rows come from that index or from nowhere; the
// standard one lets the planner pick the municipality's own index or,
// before it is built, the shared one. Both return the cosine distance of
// the vectors as stored, the exact scan's value. (One query with both
// branches, each gated, needed no guess but planned both: 0.25 ms more per
// search at 141 own indexes.)
func nearestSQL(q rag.VectorQuery, dense bool) string {
	dist := fmt.Sprintf("c.embedding::vector(%d) <=> $3", q.Dim)
	if q.Exact {
		return `SELECT c.id, ` + dist + ` AS dist FROM chunks c
		WHERE c.municipality = $1 AND c.model = $2
		ORDER BY ` + dist + `, c.id
		LIMIT $4`
	}
	if dense {
		return `SELECT c.id, ` + dist + ` AS dist FROM chunks c
		WHERE c.municipality = $1 AND c.model = $2 AND to_regclass($5) IS NOT NULL
		ORDER BY ` + denseOrder(q.Dim, "$3") + `
		LIMIT ` + candidates(q)
	}
	return `SELECT c.id, ` + dist + ` AS dist FROM chunks c
		WHERE c.municipality = $1 AND c.model = $2 AND to_regclass($5) IS NULL
		ORDER BY ` + dist + `
		LIMIT ` + candidates(q)
}

// candidates is the approximate query's row count: twice the rows asked
// for or, when larger, q.Candidates (an int, not user input), whose rows
// past ef_search the iterative scan finds by walking on.
func candidates(q rag.VectorQuery) string {
	if q.Candidates > 2*q.Limit {
		return fmt.Sprint(q.Candidates)
	}
	return "2 * $4"
}

// withOwnIndex runs search with the kind of own index the store last saw
// the municipality have (standard until seen otherwise). An empty answer
// is checked against the catalogue and, when the municipality has
// switched kinds (it crossed DenseAbove, perhaps ingested by another
// process), searched again with the other kind: one catalogue look-up per
// empty answer, one more query per switch. Only a switch between that
// look-up and the query leaves one search with no vector hits.
func withOwnIndex[T any](ctx context.Context, s *Store, q rag.VectorQuery, search func(dense bool) ([]T, error)) ([]T, error) {
	if q.Exact {
		return search(false)
	}
	name := denseIndexName(q.Municipality, q.Model, q.Dim)
	v, _ := s.dense.Load(name)
	dense, _ := v.(bool)
	found, err := search(dense)
	if err != nil || len(found) > 0 {
		return found, err
	}
	var now bool
	if err := s.db.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&now); err != nil {
		return nil, fmt.Errorf("own vector index of %s: %w", q.Municipality, err)
	}
	if now == dense {
		return found, nil
	}
	s.dense.Store(name, now)
	return search(now)
}

// nearestArgs are nearestSQL's parameters.
func nearestArgs(q rag.VectorQuery) []any {
	args := []any{q.Municipality, q.Model, pgvector.NewVector(q.Vector), q.Limit}
	if !q.Exact {
		args = append(args, denseIndexName(q.Municipality, q.Model, q.Dim))
	}
	return args
}

// vectorSearchQuery returns the passages nearest to q.Vector, nearest
// first, ties by chunk id. Only the nearest ids are taken from the scan;
// the citation columns are read for those rows alone.
func vectorSearchQuery(q rag.VectorQuery, dense bool) (string, []any) {
	sql := `
		WITH nn AS MATERIALIZED (` + nearestSQL(q, dense) + `),
		top AS MATERIALIZED (SELECT id, dist FROM nn ORDER BY dist, id LIMIT $4)
		SELECT ` + hitColumns + `, 1 - top.dist AS sim
		FROM top JOIN chunks c ON c.id = top.id JOIN documents d ON d.id = c.document_id
		ORDER BY top.dist, c.id`
	return sql, nearestArgs(q)
}

// VectorSearch implements rag.Index: the settings and the query go in one
// batch (runBatch), so the settings apply to it alone.
func (s *Store) VectorSearch(ctx context.Context, q rag.VectorQuery) ([]rag.Candidate, error) {
	return withOwnIndex(ctx, s, q, func(dense bool) ([]rag.Candidate, error) {
		b := &pgx.Batch{}
		settings, settingsArgs := searchSettingsQuery(q)
		b.Queue(settings, settingsArgs...)
		search, searchArgs := vectorSearchQuery(q, dense)
		b.Queue(search, searchArgs...)
		var found []rag.Candidate
		err := runBatch(ctx, s.db, b, func(rows pgx.Rows) (err error) {
			found, err = collectCandidates(rows)
			return err
		})
		return found, err
	})
}

// textSettingsQuery sets the full-text query's plan settings for its
// batch (runBatch). Reading every chunk of a municipality and testing the
// query on each is never the better plan while the full-text index
// exists, yet the planner, which prices that test (@@) like comparing two
// numbers, takes it for a small town (measured 7 ms against 0.2 ms at
// 1,000 chunks), so sequential scans are off; JIT stays off for the cost
// that switch adds to a plan. The planner sees the municipality and the
// tsquery as constants (custom plans, textSearchQuery), except for a small
// municipality whose parts are all sparse: their rows come through the
// full-text index whatever the plan, so the statement keeps its cached plan
// (planning it cost about 1.1 ms of CPU a search, as much as running it).
func textSettingsQuery(q rag.TextQuery) string {
	sql := `SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`
	fallbackSparse := q.FallbackSparse || q.Fallback == "" || q.Fallback == q.TSQuery
	if !q.Small || !q.Sparse || !fallbackSparse {
		sql += `, set_config('plan_cache_mode', 'force_custom_plan', true)`
	}
	return sql
}

// textSearchQuery ranks the chunks matching a tsquery and, in the same
// statement, those matching q.Fallback when the first finds fewer than
// q.FallbackBelow: one round trip and one plan where there were two. The
// fallback's part is gated by a one-time filter, so it costs nothing when
// it is not needed. Each part ranks at most RankCap matching rows, the
// first by id: a fixed choice, so a term found in thousands of chunks
// bounds the work and the same query ranks the same rows every time (an
// unordered LIMIT takes whichever rows a scan meets first, which changes
// between runs).
//
// A sparse part orders by id + 0, which no index gives, and compares the
// municipality with an empty string appended, which no index holds, so
// the full-text index is the only way left to its rows: its matches are
// read through it and sorted (a few hundred rows), not found by walking
// the primary key or by testing every chunk of the municipality (the
// planner, taking an any-term query for a common one, chose either).
//
// The rank is computed over the chosen rows as the scan returns them, with
// no second look-up of each row; to_tsquery of a parameter is folded into
// a constant when the statement is planned (custom plans: textSettingsQuery),
// so it is parsed once per search, not per row (a small town's cached plan
// parses it per row, over its few hundred rows). Cover density
// (ts_rank_cd) costs about 10 µs a row for a query of eight words, seven
// times ts_rank, so with q.ShortList set ts_rank first keeps that many of
// the RankCap rows (ties by id) for it to rank. Only the Limit best of
// each part are joined to their documents.
func textSearchQuery(q rag.TextQuery) (string, []any) {
	fallback, below, fallbackSparse := q.Fallback, q.FallbackBelow, q.FallbackSparse
	if fallback == "" || fallback == q.TSQuery {
		fallback, below, fallbackSparse = q.TSQuery, 0, q.Sparse
	}
	ranked := func(tsq, gate string, sparse bool) string {
		town, order := "c.municipality", "c.id"
		if sparse {
			town, order = "c.municipality || ''", "c.id + 0"
		}
		rows := `(SELECT c.id, c.tsv FROM chunks c
			WHERE ` + town + ` = $1 AND c.tsv @@ to_tsquery('simple', ` + tsq + `)` + gate + `
			ORDER BY ` + order + `
			LIMIT $4) x`
		if q.ShortList > 0 && q.ShortList < q.RankCap {
			rows = `(SELECT x.id, x.tsv FROM ` + rows + `
			ORDER BY ts_rank(x.tsv, to_tsquery('simple', ` + tsq + `), 1) DESC, x.id
			LIMIT $7) x`
		}
		return `
		SELECT x.id, ts_rank_cd(x.tsv, to_tsquery('simple', ` + tsq + `), 1) AS rank
		FROM ` + rows + `
		ORDER BY rank DESC, x.id
		LIMIT $3`
	}
	args := []any{q.Municipality, q.TSQuery, q.Limit, q.RankCap, fallback, below}
	if q.ShortList > 0 && q.ShortList < q.RankCap {
		args = append(args, q.ShortList)
	}
	return `
	WITH main AS MATERIALIZED (` + ranked("$2", "", q.Sparse) + `),
	more AS MATERIALIZED (` + ranked("$5", " AND (SELECT count(*) FROM main) < $6", fallbackSparse) + `),
	m AS (
		SELECT id, rank, 0 AS part FROM main
		UNION ALL
		SELECT id, rank, 1 FROM more WHERE id NOT IN (SELECT id FROM main))
	SELECT ` + hitColumns + `, m.rank
	FROM m JOIN chunks c ON c.id = m.id JOIN documents d ON d.id = c.document_id
	ORDER BY m.part, m.rank DESC, c.id`, args
}

// TextSearch implements rag.Index with PostgreSQL full text ('simple'
// configuration over the normalised columns): settings and query in one
// batch.
func (s *Store) TextSearch(ctx context.Context, q rag.TextQuery) ([]rag.Candidate, error) {
	b := &pgx.Batch{}
	b.Queue(textSettingsQuery(q))
	sql, args := textSearchQuery(q)
	b.Queue(sql, args...)
	var found []rag.Candidate
	err := runBatch(ctx, s.db, b, func(rows pgx.Rows) (err error) {
		found, err = collectCandidates(rows)
		return err
	})
	return found, err
}

func collectCandidates(rows pgx.Rows) ([]rag.Candidate, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Candidate, error) {
		var c rag.Candidate
		h := &c.Hit
		return c, r.Scan(&h.ChunkID, &h.DocumentID, &h.Source, &h.Title, &h.URL, &h.HeadingPath, &h.Content, &c.Normalized,
			&h.UpdatedAt, &c.Score)
	})
}

// nearestQuery returns chunk ids and cosine distances, nearest first, ties
// by id.
func nearestQuery(q rag.VectorQuery, dense bool) (string, []any) {
	return `WITH nn AS MATERIALIZED (` + nearestSQL(q, dense) + `) SELECT id, dist FROM nn ORDER BY dist, id LIMIT $4`, nearestArgs(q)
}

// Nearest implements rag.Index with the vector branch's settings, in one
// batch as VectorSearch.
func (s *Store) Nearest(ctx context.Context, q rag.VectorQuery) ([]rag.Neighbor, error) {
	return withOwnIndex(ctx, s, q, func(dense bool) ([]rag.Neighbor, error) {
		b := &pgx.Batch{}
		settings, settingsArgs := searchSettingsQuery(q)
		b.Queue(settings, settingsArgs...)
		sql, args := nearestQuery(q, dense)
		b.Queue(sql, args...)
		var out []rag.Neighbor
		err := runBatch(ctx, s.db, b, func(rows pgx.Rows) (err error) {
			out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Neighbor, error) {
				var n rag.Neighbor
				return n, r.Scan(&n.ChunkID, &n.Distance)
			})
			return err
		})
		return out, err
	})
}
