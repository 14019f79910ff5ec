package docstore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/rag"
)

// DocumentState implements rag.Store.
func (s *Store) DocumentState(ctx context.Context, municipality, source string) (hash, model string, ok bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT content_hash, embed_model FROM documents WHERE municipality = $1 AND source = $2`,
		municipality, source).Scan(&hash, &model)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("document state %s: %w", source, err)
	}
	return hash, model, true, nil
}

// ReplaceDocument implements rag.Store: one transaction, the chunks loaded
// by COPY.
func (s *Store) ReplaceDocument(ctx context.Context, doc rag.Document, chunks []rag.Chunk) (int, error) {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)

	var id int64
	var version int
	lowPages := doc.OCRLowPages
	if lowPages == nil {
		lowPages = []int{}
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO documents (municipality, source, title, url, format, content_hash, embed_model, body,
			ocr_confidence, ocr_low_pages)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9::real, 0), $10)
		ON CONFLICT (municipality, source) DO UPDATE SET
			title = EXCLUDED.title, url = EXCLUDED.url, format = EXCLUDED.format,
			content_hash = EXCLUDED.content_hash, embed_model = EXCLUDED.embed_model,
			body = EXCLUDED.body, ocr_confidence = EXCLUDED.ocr_confidence, ocr_low_pages = EXCLUDED.ocr_low_pages,
			version = documents.version + 1, updated_at = now()
		RETURNING id, version`,
		doc.Municipality, doc.Source, doc.Title, doc.URL, doc.Format, doc.ContentHash, doc.EmbedModel, doc.Body,
		doc.OCRConfidence, lowPages,
	).Scan(&id, &version)
	if err != nil {
		return 0, fmt.Errorf("store document %s: %w", doc.Source, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM chunks WHERE document_id = $1`, id); err != nil {
		return 0, fmt.Errorf("drop old chunks of %s: %w", doc.Source, err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"chunks"},
		[]string{"municipality", "document_id", "ord", "heading_path", "content", "tokens", "search_head", "search_body", "model", "embedding"},
		pgx.CopyFromSlice(len(chunks), func(i int) ([]any, error) {
			c := chunks[i]
			path := c.HeadingPath
			if path == nil {
				path = []string{}
			}
			head, body := rag.SearchText(doc.Title, c.HeadingPath, c.Content)
			return []any{doc.Municipality, id, c.Ord, path, c.Content, c.Tokens,
				head, body, doc.EmbedModel, pgvector.NewVector(c.Embedding)}, nil
		}))
	if err != nil {
		return 0, fmt.Errorf("store chunks of %s: %w", doc.Source, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("commit %s: %w", doc.Source, err)
	}
	return version, nil
}

// RemoveDocument implements rag.Store.
func (s *Store) RemoveDocument(ctx context.Context, municipality, source string) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM documents WHERE municipality = $1 AND source = $2`, municipality, source)
	if err != nil {
		return fmt.Errorf("remove %s: %w", source, err)
	}
	if tag.RowsAffected() == 0 {
		return fault.NotFound("dokument %q ne postoji", source)
	}
	return nil
}

const documentColumns = `d.id, d.municipality, d.source, d.title, d.url, d.format, d.content_hash, d.embed_model,
	d.version, d.ingested_at, d.updated_at, (SELECT count(*) FROM chunks c WHERE c.document_id = d.id),
	coalesce(d.ocr_confidence, 0), d.ocr_low_pages`

func scanDocument(row pgx.Row, d *rag.Document) error {
	return row.Scan(&d.ID, &d.Municipality, &d.Source, &d.Title, &d.URL, &d.Format, &d.ContentHash, &d.EmbedModel,
		&d.Version, &d.IngestedAt, &d.UpdatedAt, &d.Chunks, &d.OCRConfidence, &d.OCRLowPages)
}

// ListDocuments implements rag.Store.
func (s *Store) ListDocuments(ctx context.Context, municipality string) ([]rag.Document, error) {
	rows, err := s.db.Query(ctx, `SELECT `+documentColumns+` FROM documents d WHERE d.municipality = $1 ORDER BY d.source`, municipality)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var docs []rag.Document
	for rows.Next() {
		var d rag.Document
		if err := scanDocument(rows, &d); err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return docs, nil
}

// Document implements rag.Store.
func (s *Store) Document(ctx context.Context, municipality string, id int64) (rag.Document, error) {
	var d rag.Document
	row := s.db.QueryRow(ctx, `SELECT `+documentColumns+`, d.body FROM documents d WHERE d.municipality = $1 AND d.id = $2`, municipality, id)
	err := row.Scan(&d.ID, &d.Municipality, &d.Source, &d.Title, &d.URL, &d.Format, &d.ContentHash, &d.EmbedModel,
		&d.Version, &d.IngestedAt, &d.UpdatedAt, &d.Chunks, &d.OCRConfidence, &d.OCRLowPages, &d.Body)
	if errors.Is(err, pgx.ErrNoRows) {
		return rag.Document{}, fault.NotFound("dokument %d ne postoji", id)
	}
	if err != nil {
		return rag.Document{}, fmt.Errorf("document %d: %w", id, err)
	}
	return d, nil
}

// Passage implements rag.Store.
func (s *Store) Passage(ctx context.Context, municipality string, documentID, chunkID int64) (string, error) {
	var content string
	err := s.db.QueryRow(ctx, `SELECT content FROM chunks WHERE municipality = $1 AND document_id = $2 AND id = $3`,
		municipality, documentID, chunkID).Scan(&content)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fault.NotFound("odlomak %d dokumenta %d ne postoji", chunkID, documentID)
	}
	if err != nil {
		return "", fmt.Errorf("chunk %d: %w", chunkID, err)
	}
	return content, nil
}

var modelNameRE = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,100}$`)

// vectorIndexName is the partial HNSW index of one model's vectors.
func vectorIndexName(model string, dim int) string {
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return '_'
	}, model)
	if len(clean) > 40 {
		clean = clean[:40]
	}
	return fmt.Sprintf("chunks_hnsw_%s_%d", clean, dim)
}

// vectorIndexSQL is the DDL of a model's HNSW cosine index: a partial
// index on the embedding cast to the model's dimension. DDL takes no bind
// parameters, so the model name must be checked first; it is quoted as a
// literal.
func vectorIndexSQL(model string, dim int) (string, error) {
	if !modelNameRE.MatchString(model) || dim < 1 || dim > 2000 {
		return "", fmt.Errorf("cannot index model %q with %d dimensions (pgvector indexes up to 2000)", model, dim)
	}
	// ef_construction 128 (default 64) buys recall at build time, where it
	// costs nothing per query; m 24 measured no better than 16.
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON chunks USING hnsw ((embedding::vector(%d)) vector_cosine_ops)
		WITH (m = 16, ef_construction = 128) WHERE model = '%s'`,
		vectorIndexName(model, dim), dim, strings.ReplaceAll(model, "'", "''")), nil
}

// EnsureVectorIndex implements rag.Store with a partial HNSW cosine index
// per model and dimension, built with the server's settings.
func (s *Store) EnsureVectorIndex(ctx context.Context, model string, dim int) error {
	return s.BuildVectorIndex(ctx, model, dim, rag.IndexBuild{})
}

// RefreshLexemes implements rag.Store. It moves the municipality's
// lexicon generation on, in the same transaction, so searchers drop the
// term look-ups they cached.
func (s *Store) RefreshLexemes(ctx context.Context, municipality string) error {
	defer s.db.Exec(ctx, `ANALYZE lexemes`) // fresh statistics pick the trigram index for typo search
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM lexemes WHERE municipality = $1`, municipality); err != nil {
			return err
		}
		// ts_stat takes its query as text; the municipality is passed
		// through quote_literal, never spliced from Go.
		_, err := tx.Exec(ctx, `
			INSERT INTO lexemes (municipality, lexeme, ndoc)
			SELECT $1, word, ndoc FROM ts_stat(
				'SELECT tsv FROM chunks WHERE municipality = ' || quote_literal($1::text))`, municipality)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO lexicon_state (municipality, generation, chunks)
			VALUES ($1, 1, (SELECT count(*) FROM chunks WHERE municipality = $1))
			ON CONFLICT (municipality) DO UPDATE SET generation = lexicon_state.generation + 1,
				chunks = EXCLUDED.chunks, refreshed_at = now()`, municipality)
		return err
	})
	if err != nil {
		return fmt.Errorf("refresh lexemes: %w", err)
	}
	return s.EnsureMunicipalityIndexes(ctx, municipality)
}
