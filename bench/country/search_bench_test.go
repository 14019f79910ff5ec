package country_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/bench/country"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// BenchmarkFilteredSearch measures the vector branch of search filtered
// to one municipality of a country-scale knowledge base: for the
// smallest, the median and the largest generated municipality, recall@10
// by chunk id (no tolerance) against an exact scan, and p50/p95 latency,
// for each way of serving it:
//
//   - store: docstore's Nearest as the searcher calls it (the
//     municipality's own partial index, dense from DenseAbove chunks, the
//     searcher's ef_search for its size, pgvector 0.8's iterative scan in
//     relaxed order); the municipality's own indexes are first brought to
//     what docstore builds after an ingestion;
//   - strict / scanN: the shared-expression index with strict_order, or
//     with hnsw.max_scan_tuples raised to N;
//   - exact: a scan of the municipality's rows, sorted by distance;
//   - partial: an HNSW index of the municipality's rows alone (a partial
//     index on chunks), built for the run and dropped after;
//   - single: the same rows in a table of their own with an index built
//     as the municipality's own (denser from DenseAbove chunks), searched
//     with the same ef_search: one municipality holding that many chunks,
//     which is also what partitioning chunks by municipality gives each
//     partition.
//
// MIA_COUNTRY_URL names a database `mia bench gen` filled (the top
// setting: 150 municipalities, 1.5M chunks); without it a small country
// (30 municipalities, 30k chunks) is generated for the run.
// MIA_BENCH_SPLIT=dev takes the questions of the dev split (tuning).
// MIA_BENCH_MODES (comma-separated) runs only the named modes;
// MIA_BENCH_EF (comma-separated) runs store at each of these ef_search
// values instead of the searcher's; MIA_BENCH_CACHE names a directory
// keeping the exact scan's answers between runs; MIA_BENCH_DENSE_ABOVE
// replaces docstore's DenseAbove (0: no dense index), to compare.
func BenchmarkFilteredSearch(b *testing.B) {
	ctx := context.Background()
	db := countryDB(b)
	towns := pickTowns(b, db)
	emb := rag.NewHashEmbedder()
	split := cmpOr(os.Getenv("MIA_BENCH_SPLIT"), "test")
	queries := questions(b, split)
	vecs, err := emb.Embed(ctx, queries)
	if err != nil {
		b.Fatal(err)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM chunks`).Scan(&total); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d chunks in all, %d queries", total, len(queries))
	store := docstore.New(db)
	store.TownIndexWorkers = -1
	if v := os.Getenv("MIA_BENCH_DENSE_ABOVE"); v != "" {
		if _, err := fmt.Sscan(v, &store.DenseAbove); err != nil {
			b.Fatalf("MIA_BENCH_DENSE_ABOVE %q: %v", v, err)
		}
	}
	want := func(mode string) bool {
		modes := os.Getenv("MIA_BENCH_MODES")
		return modes == "" || slices.Contains(strings.Split(modes, ","), mode)
	}
	for _, t := range towns {
		b.Run(fmt.Sprintf("%s=%d", t.slug, t.chunks), func(b *testing.B) {
			if want("store") {
				start := time.Now()
				if err := store.EnsureMunicipalityIndexes(ctx, t.slug); err != nil {
					b.Fatal(err)
				}
				b.Logf("own indexes of %s ready in %s", t.slug, time.Since(start).Round(time.Second))
			}
			exact := exactIDs(b, db, t.slug, split, vecs)
			run := func(name string, search func(v []float32) []int64) {
				b.Run(name, func(b *testing.B) {
					var lat []time.Duration
					var recall float64
					for b.Loop() {
						lat, recall = lat[:0], 0
						for i, v := range vecs {
							start := time.Now()
							got := search(v)
							lat = append(lat, time.Since(start))
							recall += overlap(got, exact[i])
						}
					}
					slices.Sort(lat)
					b.ReportMetric(recall/float64(len(vecs)), "recall@10")
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
					b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95_ms")
					b.ReportMetric(0, "ns/op")
				})
			}
			efs := []int{rag.NewSearcher(store, emb).EfFor(t.chunks)} // as the assistant's search asks
			names := []string{"store"}
			if list := os.Getenv("MIA_BENCH_EF"); list != "" {
				efs, names = nil, nil
				for _, f := range strings.Split(list, ",") {
					var ef int
					if _, err := fmt.Sscan(f, &ef); err != nil {
						b.Fatalf("MIA_BENCH_EF %q: %v", list, err)
					}
					efs, names = append(efs, ef), append(names, fmt.Sprintf("store_ef%d", ef))
				}
			}
			for i, ef := range efs {
				if !want("store") {
					break
				}
				run(names[i], func(v []float32) []int64 {
					found, err := store.Nearest(ctx, rag.VectorQuery{Municipality: t.slug, Model: emb.Model(), Dim: emb.Dim(),
						Vector: v, Limit: 10, EfSearch: ef})
					if err != nil {
						b.Fatal(err)
					}
					ids := make([]int64, len(found))
					for i, n := range found {
						ids[i] = n.ChunkID
					}
					return ids
				})
			}
			for _, mode := range []string{"strict", "scan100000", "exact"} {
				if want(mode) {
					run(mode, func(v []float32) []int64 { return nearestIDs(b, db, t.slug, v, mode, 400) })
				}
			}
			if want("single") {
				single := singleTable(b, db, t.slug, store.DenseAbove > 0 && t.chunks >= store.DenseAbove)
				for i, ef := range efs {
					run(strings.Replace(names[i], "store", "single", 1),
						func(v []float32) []int64 { return nearestIDs(b, db, single, v, "single", ef) })
				}
			}
			if want("partial") {
				partialIndex(b, db, t.slug)
				run("partial", func(v []float32) []int64 { return nearestIDs(b, db, t.slug, v, "partial", 400) })
			}
		})
	}
}

// exactIDs returns the exact scan's ten nearest of each query, read from
// MIA_BENCH_CACHE when a run of the same split kept them there.
func exactIDs(b *testing.B, db *postgres.DB, slug, split string, vecs [][]float32) [][]int64 {
	dir := os.Getenv("MIA_BENCH_CACHE")
	file := filepath.Join(dir, fmt.Sprintf("exact-%s-%s-%d.json", slug, split, len(vecs)))
	var exact [][]int64
	if dir != "" {
		if data, err := os.ReadFile(file); err == nil && json.Unmarshal(data, &exact) == nil && len(exact) == len(vecs) {
			return exact
		}
	}
	exact = make([][]int64, len(vecs))
	for i, v := range vecs {
		exact[i] = nearestIDs(b, db, slug, v, "exact", 0)
	}
	if dir != "" {
		data, _ := json.Marshal(exact)
		if err := os.WriteFile(file, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return exact
}

type town struct {
	slug   string
	chunks int
}

// countryDB opens MIA_COUNTRY_URL, or generates a small country.
func countryDB(b *testing.B) *postgres.DB {
	ctx := context.Background()
	if url := os.Getenv("MIA_COUNTRY_URL"); url != "" {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(db.Close)
		return db
	}
	db, _ := pgtest.NewDB(b)
	plan := country.Plan{Municipalities: 30, Chunks: 30_000, Exponent: 1, MinChunks: 100}
	if _, err := country.Generate(ctx, db, country.Options{Plan: plan, Corpora: corpora, WorkMem: "256MB"}); err != nil {
		b.Fatal(err)
	}
	return db
}

var corpora = []string{"../../corpus/sombor", "../../corpus/laktasi"}

// pickTowns returns the largest, the median and the smallest generated
// municipality.
func pickTowns(b *testing.B, db *postgres.DB) []town {
	rows, err := db.Query(context.Background(), `SELECT municipality, count(*) AS n FROM chunks
		WHERE municipality LIKE 'opstina-%' GROUP BY municipality ORDER BY n DESC, municipality`)
	if err != nil {
		b.Fatal(err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (town, error) {
		var t town
		return t, r.Scan(&t.slug, &t.chunks)
	})
	if err != nil || len(all) < 3 {
		b.Fatalf("generated municipalities: %d, %v", len(all), err)
	}
	return []town{all[0], all[len(all)/2], all[len(all)-1]}
}

// nearestIDs runs one nearest-neighbour query in its own read-only
// transaction with the mode's settings. from is a municipality, or for
// "single" the table of one municipality's rows.
func nearestIDs(b *testing.B, db *postgres.DB, from string, v []float32, mode string, ef int) []int64 {
	ctx := context.Background()
	settings := map[string]string{"hnsw.ef_search": fmt.Sprint(ef), "hnsw.iterative_scan": "relaxed_order", "jit": "off",
		"enable_sort": "off"}
	sql := `SELECT id FROM (SELECT id, embedding::vector(384) <=> $2 AS dist FROM chunks
		WHERE municipality = $1 AND model = 'local-ngram-v1' ORDER BY dist LIMIT 10) n ORDER BY dist, id`
	args := []any{from, pgvector.NewVector(v)}
	switch mode {
	case "exact":
		settings = map[string]string{"enable_indexscan": "off", "jit": "off"}
		sql = `SELECT id FROM chunks WHERE municipality = $1 AND model = 'local-ngram-v1'
			ORDER BY embedding::vector(384) <=> $2, id LIMIT 10`
	case "strict":
		settings["hnsw.iterative_scan"] = "strict_order"
	case "scan100000":
		settings["hnsw.max_scan_tuples"] = "100000"
	case "partial":
		// A partial index is matched at planning: the municipality must
		// be a constant of the plan, never a generic plan's parameter.
		settings["plan_cache_mode"] = "force_custom_plan"
	case "single":
		// As docstore's search: twice the rows from the index, the ten
		// nearest of them by distance, then id.
		sql = fmt.Sprintf(`SELECT id FROM (SELECT id, embedding <=> $1 AS dist FROM %s ORDER BY dist LIMIT 20) n
			ORDER BY dist, id LIMIT 10`, pgx.Identifier{from}.Sanitize())
		args = args[1:]
	}
	var ids []int64
	err := pgx.BeginTxFunc(ctx, db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		for k, val := range settings {
			if _, err := tx.Exec(ctx, `SELECT set_config($1, $2, true)`, k, val); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

// singleTable copies a municipality's vectors into a table of their own
// with the same HNSW settings as docstore's own index of the
// municipality, denser from DenseAbove chunks (kept for later runs).
func singleTable(b *testing.B, db *postgres.DB, slug string, dense bool) string {
	ctx := context.Background()
	name, params := "bench_single_"+strings.ReplaceAll(slug, "-", "_"), "m = 16, ef_construction = 128"
	if dense {
		name, params = name+"_dense", "m = 24, ef_construction = 200"
	}
	var exists bool
	if err := db.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if exists {
		return name
	}
	ident := pgx.Identifier{name}.Sanitize()
	execOnOne(b, db, `SET maintenance_work_mem = '2GB'`,
		fmt.Sprintf(`CREATE TABLE %s AS SELECT id, embedding::vector(384) AS embedding FROM chunks
			WHERE municipality = '%s' AND model = 'local-ngram-v1'`, ident, slug),
		fmt.Sprintf(`CREATE INDEX ON %s USING hnsw (embedding vector_cosine_ops) WITH (%s)`, ident, params),
		`RESET maintenance_work_mem`,
		fmt.Sprintf(`VACUUM ANALYZE %s`, ident))
	return name
}

// partialIndex builds an HNSW index of one municipality's vectors on
// chunks, dropped when the benchmark ends.
func partialIndex(b *testing.B, db *postgres.DB, slug string) {
	name := "bench_partial_" + strings.ReplaceAll(slug, "-", "_")
	ident := pgx.Identifier{name}.Sanitize()
	execOnOne(b, db, `SET maintenance_work_mem = '2GB'`,
		fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON chunks USING hnsw ((embedding::vector(384)) vector_cosine_ops)
			WITH (m = 16, ef_construction = 128) WHERE model = 'local-ngram-v1' AND municipality = '%s'`, ident, slug),
		`RESET maintenance_work_mem`)
	b.Cleanup(func() { db.Exec(context.Background(), `DROP INDEX IF EXISTS `+ident) })
}

// execOnOne runs statements on one connection, so a SET holds for the
// statements after it.
func execOnOne(b *testing.B, db *postgres.DB, sqls ...string) {
	ctx := context.Background()
	conn, err := db.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	for _, sql := range sqls {
		if _, err := conn.Exec(ctx, sql); err != nil {
			b.Fatal(err)
		}
	}
}

// overlap is the share of want found in got, by id.
func overlap(got, want []int64) float64 {
	if len(want) == 0 {
		return 1
	}
	n := 0
	for _, id := range want {
		if slices.Contains(got, id) {
			n++
		}
	}
	return float64(n) / float64(len(want))
}

// questions are the citizens' questions of both demo municipalities'
// split, each also in its other script, at most 250, evenly spread.
func questions(tb testing.TB, split string) []string {
	var out []string
	for _, m := range []string{"sombor", "laktasi"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "eval", "datasets", m, split+".yaml"))
		if err != nil {
			tb.Fatal(err)
		}
		var items []struct {
			Question string `yaml:"question"`
		}
		if err := yaml.Unmarshal(data, &items); err != nil {
			tb.Fatal(err)
		}
		for _, it := range items {
			out = append(out, it.Question)
			if serbian.DetectScript(it.Question) == serbian.Cyrillic {
				out = append(out, serbian.ToLatin(it.Question))
			} else {
				out = append(out, serbian.ToCyrillic(it.Question))
			}
		}
	}
	const want = 250
	if len(out) > want {
		picked := make([]string, want)
		for i := range picked {
			picked[i] = out[i*len(out)/want]
		}
		out = picked
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
