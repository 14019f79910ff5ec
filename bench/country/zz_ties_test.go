package country_test

import (
	"context"
	"strings"
	"sort"
	"time"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	pgvector "github.com/pgvector/pgvector-go"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/rag"
)

type nd struct {
	id   int64
	dist float64
}

func TestZZTies(t *testing.T) {
	if os.Getenv("MIA_COUNTRY_URL") == "" {
		t.Skip()
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, os.Getenv("MIA_COUNTRY_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	slug := os.Getenv("TOWN")
	emb := rag.NewHashEmbedder()
	qs := questions(t, "dev")[:80]
	vecs, _ := emb.Embed(ctx, qs)
	run := func(settings map[string]string, sql string, v []float32) []nd {
		var out []nd
		err := pgx.BeginTxFunc(ctx, db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			for k, val := range settings {
				if _, err := tx.Exec(ctx, `SELECT set_config($1, $2, true)`, k, val); err != nil {
					return err
				}
			}
			rows, err := tx.Query(ctx, sql, slug, pgvector.NewVector(v))
			if err != nil {
				return err
			}
			out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (nd, error) {
				var x nd
				return x, r.Scan(&x.id, &x.dist)
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	exactSQL := `SELECT id, embedding::vector(384) <=> $2 FROM chunks WHERE municipality = $1 AND model = 'local-ngram-v1' ORDER BY 2, id LIMIT 30`
	hnswSQL := `SELECT id, dist FROM (SELECT id, embedding::vector(384) <=> $2 AS dist FROM chunks WHERE municipality = $1 AND model = 'local-ngram-v1' ORDER BY dist LIMIT 10) n ORDER BY dist, id`
	if tb := os.Getenv("TABLE"); tb != "" {
		hnswSQL = `SELECT id, dist FROM (SELECT id, embedding <=> $2 AS dist FROM ` + tb + ` WHERE $1::text <> '' ORDER BY dist LIMIT 10) n ORDER BY dist, id`
	}
	if os.Getenv("TIMING") != "" {
		for _, ef := range strings.Split(os.Getenv("EFS"), ",") {
			var lat []float64
			for _, v := range vecs {
				start := time.Now()
				run(map[string]string{"hnsw.ef_search": ef, "hnsw.iterative_scan": "relaxed_order", "jit": "off", "enable_sort": "off", "plan_cache_mode": "force_custom_plan"}, hnswSQL, v)
				lat = append(lat, float64(time.Since(start).Microseconds())/1000)
			}
			sort.Float64s(lat)
			fmt.Printf("%s ef=%s p50 %.1f ms p95 %.1f ms\n", slug, ef, lat[len(lat)/2], lat[len(lat)*95/100])
		}
		return
	}
	for _, ef := range strings.Split(os.Getenv("EFS"), ",") {
		var idRecall, distRecall, ties float64
		for _, v := range vecs {
			ex := run(map[string]string{"enable_indexscan": "off", "jit": "off"}, exactSQL, v)
			got := run(map[string]string{"hnsw.ef_search": ef, "hnsw.iterative_scan": "relaxed_order", "jit": "off", "enable_sort": "off", "plan_cache_mode": "force_custom_plan"}, hnswSQL, v)
			tenth := ex[9].dist
			in := map[int64]bool{}
			for _, e := range ex[:10] {
				in[e.id] = true
			}
			for _, e := range ex[10:] {
				if e.dist <= tenth+1e-7 {
					ties++
				}
			}
			for _, g := range got {
				if in[g.id] {
					idRecall++
				}
				if g.dist <= tenth+1e-7 {
					distRecall++
				}
			}
		}
		n := float64(len(vecs) * 10)
		fmt.Printf("%s ef=%s id-recall %.3f dist-recall %.3f ties-beyond-10th per query %.2f\n", slug, ef, idRecall/n, distRecall/n, ties/float64(len(vecs)))
	}
}
