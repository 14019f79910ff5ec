package docstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"github.com/miasrbija/mia/rag"
)

// ChunkCount implements rag.Index.
func (s *Store) ChunkCount(ctx context.Context, municipality string) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE municipality = $1`, municipality).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// Lexemes implements rag.Index through the primary key.
func (s *Store) Lexemes(ctx context.Context, municipality string, tokens []string) ([]rag.Lexeme, error) {
	rows, err := s.db.Query(ctx, `SELECT lexeme, ndoc FROM lexemes WHERE municipality = $1 AND lexeme = ANY($2)`,
		municipality, tokens)
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

// similarLexemesSQL finds each token's two closest forms through the
// trigram index (the % operator) before ranking them by similarity.
const similarLexemesSQL = `
			SELECT q.t, l.lexeme, l.ndoc FROM unnest($2::text[]) AS q(t)
			CROSS JOIN LATERAL (
				SELECT lexeme, ndoc FROM lexemes
				WHERE municipality = $1 AND lexeme % q.t AND similarity(lexeme, q.t) >= 0.45
				ORDER BY similarity(lexeme, q.t) DESC
				LIMIT 2) l`

// SimilarLexemes implements rag.Index with trigram similarity (pg_trgm).
func (s *Store) SimilarLexemes(ctx context.Context, municipality string, tokens []string) ([]rag.Lexeme, error) {
	rows, err := s.db.Query(ctx, similarLexemesSQL, municipality, tokens)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Lexeme, error) {
		var l rag.Lexeme
		return l, r.Scan(&l.Token, &l.Form, &l.NDoc)
	})
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

// searchSettingsQuery sets the vector branch's HNSW settings for the
// current transaction. relaxed_order keeps scanning the graph until enough
// rows pass the municipality filter (pgvector 0.8 iterative scans); the
// caller re-sorts. Disabling index scans makes the search exact.
func searchSettingsQuery(q rag.VectorQuery) (string, []any) {
	return `SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true),
			set_config('enable_indexscan', $2, true)`, []any{fmt.Sprint(q.EfSearch), fmt.Sprint(!q.Exact)}
}

// vectorSearchQuery returns the passages nearest to q.Vector. The cast to
// the model's dimension must match the partial index expression
// (vectorIndexSQL); Dim is an int, not user input.
func vectorSearchQuery(q rag.VectorQuery) (string, []any) {
	sql := fmt.Sprintf(`
		SELECT %s, 1 - (c.embedding::vector(%d) <=> $3) AS sim
		FROM chunks c JOIN documents d ON d.id = c.document_id
		WHERE c.municipality = $1 AND c.model = $2
		ORDER BY c.embedding::vector(%d) <=> $3
		LIMIT $4`, hitColumns, q.Dim, q.Dim)
	return sql, []any{q.Municipality, q.Model, pgvector.NewVector(q.Vector), q.Limit}
}

// VectorSearch implements rag.Index: the settings and the query go in one
// batch of a read-only transaction, so the settings apply to it alone.
func (s *Store) VectorSearch(ctx context.Context, q rag.VectorQuery) ([]rag.Candidate, error) {
	var found []rag.Candidate
	err := pgx.BeginTxFunc(ctx, s.db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		settings, settingsArgs := searchSettingsQuery(q)
		b.Queue(settings, settingsArgs...)
		search, searchArgs := vectorSearchQuery(q)
		b.Queue(search, searchArgs...)
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("hnsw settings: %w", err)
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		if found, err = collectCandidates(rows); err != nil {
			return err
		}
		return br.Close()
	})
	return found, err
}

// textSearchQuery ranks the chunks matching a tsquery. The inner LIMIT
// (RankCap) bounds how many matching rows are ranked.
func textSearchQuery(q rag.TextQuery) (string, []any) {
	return `
	WITH m AS MATERIALIZED (
		SELECT c.id, ts_rank_cd(c.tsv, q, 1) AS rank
		FROM chunks c, to_tsquery('simple', $2) q
		WHERE c.municipality = $1 AND c.tsv @@ q
		LIMIT $4)
	SELECT ` + hitColumns + `, m.rank
	FROM m JOIN chunks c ON c.id = m.id JOIN documents d ON d.id = c.document_id
	ORDER BY m.rank DESC, c.id
	LIMIT $3`, []any{q.Municipality, q.TSQuery, q.Limit, q.RankCap}
}

// TextSearch implements rag.Index with PostgreSQL full text ('simple'
// configuration over the normalised columns).
func (s *Store) TextSearch(ctx context.Context, q rag.TextQuery) ([]rag.Candidate, error) {
	sql, args := textSearchQuery(q)
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return collectCandidates(rows)
}

func collectCandidates(rows pgx.Rows) ([]rag.Candidate, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Candidate, error) {
		var c rag.Candidate
		h := &c.Hit
		return c, r.Scan(&h.ChunkID, &h.DocumentID, &h.Source, &h.Title, &h.URL, &h.HeadingPath, &h.Content, &c.Normalized,
			&h.UpdatedAt, &c.Score)
	})
}

// nearestSettingsQuery sets ef_search and, for an exact scan, disables
// index scans, for the current transaction.
func nearestSettingsQuery(q rag.VectorQuery) (string, []any) {
	return `SELECT set_config('hnsw.ef_search', $1, true), set_config('enable_indexscan', $2, true)`,
		[]any{fmt.Sprint(q.EfSearch), fmt.Sprint(!q.Exact)}
}

// nearestQuery returns chunk ids and cosine distances, nearest first; the
// cast matches the partial index expression (vectorIndexSQL).
func nearestQuery(q rag.VectorQuery) (string, []any) {
	return fmt.Sprintf(`SELECT id, embedding::vector(%d) <=> $3 FROM chunks
			WHERE municipality = $1 AND model = $2 ORDER BY embedding::vector(%d) <=> $3 LIMIT $4`, q.Dim, q.Dim),
		[]any{q.Municipality, q.Model, pgvector.NewVector(q.Vector), q.Limit}
}

// Nearest implements rag.Index.
func (s *Store) Nearest(ctx context.Context, q rag.VectorQuery) ([]rag.Neighbor, error) {
	var out []rag.Neighbor
	err := pgx.BeginTxFunc(ctx, s.db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		settings, settingsArgs := nearestSettingsQuery(q)
		if _, err := tx.Exec(ctx, settings, settingsArgs...); err != nil {
			return err
		}
		sql, args := nearestQuery(q)
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (rag.Neighbor, error) {
			var n rag.Neighbor
			return n, r.Scan(&n.ChunkID, &n.Distance)
		})
		return err
	})
	return out, err
}
