package docstore

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Each municipality's vectors of a model also have an HNSW index of their
// own: a partial index on chunks, which the planner uses for a query
// filtered to that municipality (the search settings force a custom plan,
// so the municipality is a constant the predicate is proved against).
// Walking one graph shared by every municipality and filtering the rows
// found loses recall and time the smaller the municipality's share is.
// Measured at 150 municipalities / 300k chunks (BenchmarkFilteredSearch in
// bench/country, recall@10 by id against exact, p95): the smallest (357
// chunks) 0.58 at 225 ms from the shared graph, 1.000 at 2.8 ms from its
// own; the median (705) 0.78 at 198 ms against 1.000 at 1.2 ms; the
// largest (53,733) 0.86 at 33 ms against 0.96 at 7.8 ms, the figures of a
// table holding that municipality alone. The shared index
// stays as the fallback of a municipality whose own is not built yet.

// slugRE is municipality.Municipality's slug rule, checked again because
// the slug is spliced into DDL.
var slugRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,40}$`)

// townIndexName is the partial index of one municipality's vectors of a
// model: hashed, since slug and model together may pass PostgreSQL's 63
// characters. Migration 00017 computes the same name.
func townIndexName(municipality, model string, dim int) string {
	sum := md5.Sum([]byte(fmt.Sprintf("%s/%s/%d", municipality, model, dim)))
	return "chunks_hnsw_t_" + hex.EncodeToString(sum[:])[:20]
}

// townIndexSQL is the DDL of that index: vectorIndexSQL's index, limited
// to the municipality.
func townIndexSQL(municipality, model string, dim int) (string, error) {
	if !slugRE.MatchString(municipality) || !modelNameRE.MatchString(model) || dim < 1 || dim > 2000 {
		return "", fmt.Errorf("cannot index %q vectors of model %q with %d dimensions", municipality, model, dim)
	}
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON chunks USING hnsw ((embedding::vector(%d)) vector_cosine_ops)
		WITH (m = 16, ef_construction = 128) WHERE model = '%s' AND municipality = '%s'`,
		townIndexName(municipality, model, dim), dim, strings.ReplaceAll(model, "'", "''"), municipality), nil
}

// EnsureMunicipalityIndexes builds the partial vector index of each model
// the municipality's chunks use, where missing, with TownIndexWorkers
// parallel workers.
func (s *Store) EnsureMunicipalityIndexes(ctx context.Context, municipality string) error {
	rows, err := s.db.Query(ctx, `SELECT m.model, (SELECT vector_dims(c.embedding) FROM chunks c
			WHERE c.municipality = $1 AND c.model = m.model LIMIT 1)
		FROM (SELECT DISTINCT model FROM chunks WHERE municipality = $1) m ORDER BY m.model`, municipality)
	if err != nil {
		return fmt.Errorf("vector indexes of %s: %w", municipality, err)
	}
	type modelDim struct {
		model string
		dim   int
	}
	models, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (modelDim, error) {
		var m modelDim
		return m, r.Scan(&m.model, &m.dim)
	})
	if err != nil {
		return fmt.Errorf("vector indexes of %s: %w", municipality, err)
	}
	for _, m := range models {
		ddl, err := townIndexSQL(municipality, m.model, m.dim)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
			if s.TownIndexWorkers >= 0 {
				if _, err := tx.Exec(ctx, `SELECT set_config('max_parallel_maintenance_workers', $1, true)`,
					fmt.Sprint(s.TownIndexWorkers)); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, ddl)
			return err
		})
		if err != nil {
			return fmt.Errorf("vector index of %s: %w", municipality, err)
		}
	}
	return nil
}

// ensureModelTownIndexes does EnsureMunicipalityIndexes for every
// municipality holding vectors of model.
func (s *Store) ensureModelTownIndexes(ctx context.Context, model string) error {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT municipality FROM chunks WHERE model = $1 ORDER BY municipality`, model)
	if err != nil {
		return fmt.Errorf("municipalities of %s: %w", model, err)
	}
	towns, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("municipalities of %s: %w", model, err)
	}
	for _, t := range towns {
		if err := s.EnsureMunicipalityIndexes(ctx, t); err != nil {
			return err
		}
	}
	return nil
}
