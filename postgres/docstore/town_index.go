package docstore

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
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
// stays as the fallback of a municipality whose own is not built yet. A
// municipality of DenseAbove chunks or more gets a denser own index
// instead, on an expression of its own (denseOrder), so that no plan can
// serve its search from the shared graph.

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

// denseIndexName is the own index of a large municipality (DenseAbove),
// built denser and on another expression (townIndexSQL). The prefix is the
// standard one's, so migration 00017's Down drops it too.
func denseIndexName(municipality, model string, dim int) string {
	return townIndexName(municipality, model, dim) + "_d"
}

// DefaultDenseAbove is Store.DenseAbove's default: the chunk count from
// which a municipality's own index is built denser (denseOptions instead
// of m 16, ef_construction 128), as rag.Searcher asks ef_search 1,000 from
// 100,000 chunks (LargeAbove). With m 24, ef_construction 200, at 268,350
// chunks, 250 dev questions, recall@10 by id in a table of those rows
// alone rose from 0.844 / 0.935 /
// 0.944 to 0.903 / 0.962 / 0.967 at ef_search 400 / 800 / 1,000; served
// from this index beside 140 other municipalities it was 0.908 / 0.960 /
// 0.975 (bench/country, README "Country scale"). Its build took 9 min
// with 2 workers on a 2-CPU machine busy with other builds.
const DefaultDenseAbove = 100_000

// denseOrder is the distance the dense index is built on and ordered by:
// the negative inner product of the unit vectors, which is cosine
// distance minus 1. No other index on chunks holds this expression, so
// the planner cannot answer a query ordered by it from the shared graph,
// which it preferred to a denser partial index on the same expression as
// the shared one (its cost estimate grows with m: served recall 0.850
// against 0.940). q is the query vector's SQL.
func denseOrder(dim int, q string) string {
	return fmt.Sprintf("l2_normalize(c.embedding)::vector(%d) <#> l2_normalize(%s::vector)", dim, q)
}

// denseOptions are the dense index's HNSW settings, written as
// pg_class.reloptions reads them back, so an index built with older ones
// is found and rebuilt (EnsureMunicipalityIndexes). pgvector caps
// ef_search at 1,000, which the search already asks from LargeAbove
// chunks, so the rest of the recall comes from the graph and from
// walking on past the first list (rag.Searcher.CandidatesLarge). At
// 300,000 chunks of rag's benchmark municipality (BenchmarkSearch), 250
// dev questions, recall@10 by id at ef_search 1,000, the first list's 20
// nearest / 1,500 candidates: m 24, ef_construction 200: 0.936 / 0.963;
// m 32, ef_construction 256: 0.953 / 0.971 (0.957 / 0.975 in a table
// of those rows alone). Its build (the rebuild here) took 12.5 min in one
// backend with 1 GB on 2 vCPUs busy with other work (load 8).
var denseOptions = []string{"m=32", "ef_construction=256"}

// townIndexSQL is the DDL of a municipality's own index: vectorIndexSQL's
// index limited to the municipality or, dense, the denser one on
// denseOrder's expression.
func townIndexSQL(municipality, model string, dim int, dense bool) (string, error) {
	name := townIndexName(municipality, model, dim)
	if dense {
		name = denseIndexName(municipality, model, dim)
	}
	return townIndexSQLNamed(name, municipality, model, dim, dense)
}

// townIndexSQLNamed is townIndexSQL's DDL under another name (a rebuild's).
func townIndexSQLNamed(name, municipality, model string, dim int, dense bool) (string, error) {
	if !slugRE.MatchString(municipality) || !modelNameRE.MatchString(model) || dim < 1 || dim > 2000 {
		return "", fmt.Errorf("cannot index %q vectors of model %q with %d dimensions", municipality, model, dim)
	}
	expr, params := fmt.Sprintf("(embedding::vector(%d)) vector_cosine_ops", dim), "m = 16, ef_construction = 128"
	if dense {
		expr, params = fmt.Sprintf("(l2_normalize(embedding)::vector(%d)) vector_ip_ops", dim), strings.Join(denseOptions, ", ")
	}
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON chunks USING hnsw (%s)
		WITH (%s) WHERE model = '%s' AND municipality = '%s'`,
		name, expr, params, strings.ReplaceAll(model, "'", "''"), municipality), nil
}

// staleDense reports whether the municipality's dense index exists with
// other settings than denseOptions.
func staleDense(ctx context.Context, tx pgx.Tx, name string) (bool, error) {
	var opts []string
	err := tx.QueryRow(ctx, `SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = to_regclass($1)`, name).Scan(&opts)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("settings of %s: %w", name, err)
	}
	return !slices.Equal(opts, denseOptions), nil
}

// EnsureMunicipalityIndexes builds the own vector index of each model the
// municipality's chunks use, where missing, with TownIndexWorkers parallel
// workers: the dense one from DenseAbove chunks, else the standard one.
// The other kind is dropped in the same transaction once it is built, so
// a municipality that grew past DenseAbove (or shrank below it) is never
// without an index of its own, and a search sees one kind or the other.
// A dense index built with older settings (denseOptions) is rebuilt the
// same way: the new one under a name of its own, then the old one dropped
// and the new one renamed, so searches use the old graph until the commit.
func (s *Store) EnsureMunicipalityIndexes(ctx context.Context, municipality string) error {
	rows, err := s.db.Query(ctx, `SELECT m.model, (SELECT vector_dims(c.embedding) FROM chunks c
			WHERE c.municipality = $1 AND c.model = m.model LIMIT 1), m.n
		FROM (SELECT model, count(*) AS n FROM chunks WHERE municipality = $1 GROUP BY model) m ORDER BY m.model`, municipality)
	if err != nil {
		return fmt.Errorf("vector indexes of %s: %w", municipality, err)
	}
	type modelDim struct {
		model  string
		dim, n int
	}
	models, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (modelDim, error) {
		var m modelDim
		return m, r.Scan(&m.model, &m.dim, &m.n)
	})
	if err != nil {
		return fmt.Errorf("vector indexes of %s: %w", municipality, err)
	}
	for _, m := range models {
		dense := s.DenseAbove > 0 && m.n >= s.DenseAbove
		ddl, err := townIndexSQL(municipality, m.model, m.dim, dense)
		if err != nil {
			return err
		}
		other := denseIndexName(municipality, m.model, m.dim)
		if dense {
			other = townIndexName(municipality, m.model, m.dim)
		}
		err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
			if s.TownIndexWorkers >= 0 {
				if _, err := tx.Exec(ctx, `SELECT set_config('max_parallel_maintenance_workers', $1, true)`,
					fmt.Sprint(s.TownIndexWorkers)); err != nil {
					return err
				}
			}
			if s.TownIndexMemory != "" {
				if _, err := tx.Exec(ctx, `SELECT set_config('maintenance_work_mem', $1, true)`, s.TownIndexMemory); err != nil {
					return fmt.Errorf("maintenance_work_mem %q: %w", s.TownIndexMemory, err)
				}
			}
			if dense {
				stale, err := staleDense(ctx, tx, denseIndexName(municipality, m.model, m.dim))
				if err != nil {
					return err
				}
				if stale {
					return rebuildDense(ctx, tx, municipality, m.model, m.dim, other)
				}
			}
			if _, err := tx.Exec(ctx, ddl); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `DROP INDEX IF EXISTS `+pgx.Identifier{other}.Sanitize())
			return err
		})
		if err != nil {
			return fmt.Errorf("vector index of %s: %w", municipality, err)
		}
		s.dense.Store(denseIndexName(municipality, m.model, m.dim), dense) // this process's searches need not find out
	}
	return nil
}

// rebuildDense replaces a stale dense index inside tx: built under a
// temporary name, the old one dropped, the new one renamed; other, the
// standard index, is dropped too in case both were left.
func rebuildDense(ctx context.Context, tx pgx.Tx, municipality, model string, dim int, other string) error {
	name := denseIndexName(municipality, model, dim)
	tmp := name + "_new"
	ddl, err := townIndexSQLNamed(tmp, municipality, model, dim, true)
	if err != nil {
		return err
	}
	for _, sql := range []string{
		`DROP INDEX IF EXISTS ` + pgx.Identifier{tmp}.Sanitize(),
		ddl,
		`DROP INDEX ` + pgx.Identifier{name}.Sanitize(),
		`DROP INDEX IF EXISTS ` + pgx.Identifier{other}.Sanitize(),
		`ALTER INDEX ` + pgx.Identifier{tmp}.Sanitize() + ` RENAME TO ` + pgx.Identifier{name}.Sanitize(),
	} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return fmt.Errorf("rebuild %s: %w", name, err)
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
