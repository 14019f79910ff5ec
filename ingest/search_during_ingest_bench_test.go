package ingest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/bench/loadgen"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

// BenchmarkSearchDuringIngest: municipality A (sombor: the demo corpus
// copied MIA_BENCH_A_COPIES times, default 10) answers the Sombor dev
// questions through rag.Searcher, as the engine calls it, at a steady
// rate (MIA_BENCH_QPS, default 20), first alone and then while another
// municipality B's first ingestion runs in a separate process (`mia
// ingest` is one): both demo corpora copied MIA_BENCH_B_COPIES times
// (default 15) through ingest.Runner, then its vocabulary and its own
// vector index. A's p50/p95 alone and during, their ratios, and B's
// chunks/s are reported per mode (MIA_BENCH_MODES: parallel = B's own
// index built with the server's parallel workers, as before; serial = with
// none, the default; nice = serial and the ingest process at niceness
// 10, lowerPriority), the modes interleaved within each of
// MIA_BENCH_REPS (default 3) repetitions so machine load weighs on all
// alike; the metrics are medians over repetitions. Each search is tagged
// with what B's database session was doing when it started (Go-side work,
// COPY, lexemes, CREATE INDEX), logged per phase.
func BenchmarkSearchDuringIngest(b *testing.B) {
	ctx := context.Background()
	db, url := pgtest.NewDB(b)
	store := docstore.New(db)
	emb := rag.NewHashEmbedder()

	aDir := copiedCorpus(b, envInt("MIA_BENCH_A_COPIES", 10), "../corpus/sombor")
	if _, err := (&ingest.Runner{Store: store, Embedder: emb, Municipality: "sombor"}).Run(ctx, []string{aDir}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `VACUUM ANALYZE chunks`); err != nil {
		b.Fatal(err)
	}
	var aChunks int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE municipality = 'sombor'`).Scan(&aChunks); err != nil {
		b.Fatal(err)
	}
	bDir := copiedCorpus(b, envInt("MIA_BENCH_B_COPIES", 15), "../corpus/sombor", "../corpus/laktasi")

	queries, err := loadgen.Questions(filepath.Join("..", "eval", "datasets", "sombor", "dev.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	s := rag.NewSearcher(store.ReadIndex(), emb)
	for _, q := range queries { // warm the vocabulary cache, as a running server has it
		if _, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: q, K: 5}); err != nil {
			b.Fatal(err)
		}
	}
	qps := envInt("MIA_BENCH_QPS", 20)
	aloneFor := time.Duration(envInt("MIA_BENCH_ALONE_S", 8)) * time.Second
	modes := strings.Split(cmp(os.Getenv("MIA_BENCH_MODES"), "parallel,serial,nice"), ",")
	reps := envInt("MIA_BENCH_REPS", 3)
	b.Logf("A: %d chunks, %d questions at %d/s; modes %v, %d repetitions", aChunks, len(queries), qps, modes, reps)

	type result struct{ aloneP50, aloneP95, duringP50, duringP95, rate float64 }
	results := map[string][]result{}
	for b.Loop() {
		for rep := range reps {
			for _, mode := range modes {
				slug := fmt.Sprintf("bench-b%d-%s", rep, mode)
				if _, err := db.Exec(ctx, `INSERT INTO municipalities (slug, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, slug); err != nil {
					b.Fatal(err)
				}
				alone := searchLoad(b, s, queries, qps, after(aloneFor), nil)

				watch := &phaseWatch{}
				watchDone := make(chan struct{})
				go watch.run(ctx, db, watchDone)
				child := exec.Command(os.Args[0], "-test.run=^TestIngestLoadChild$", "-test.count=1")
				child.Env = append(os.Environ(), "MIA_INGEST_CHILD_DB="+url+"&application_name="+benchApp,
					"MIA_INGEST_CHILD_DIR="+bDir, "MIA_INGEST_CHILD_SLUG="+slug, "MIA_INGEST_CHILD_MODE="+mode)
				out, err := child.StdoutPipe()
				if err != nil {
					b.Fatal(err)
				}
				child.Stderr = os.Stderr
				stop := make(chan struct{})
				if err := child.Start(); err != nil {
					b.Fatal(err)
				}
				var cr childReport
				var repErr error
				go func() {
					defer close(stop)
					sc := bufio.NewScanner(out)
					for sc.Scan() {
						if line, ok := strings.CutPrefix(sc.Text(), "INGEST-REPORT "); ok {
							repErr = json.Unmarshal([]byte(line), &cr)
						}
					}
				}()
				during := searchLoad(b, s, queries, qps, stop, watch)
				if err := child.Wait(); err != nil || repErr != nil || cr.Chunks == 0 {
					b.Fatalf("ingest child: %v %v %+v", err, repErr, cr)
				}
				close(watchDone)
				goCPU := child.ProcessState.UserTime() + child.ProcessState.SystemTime()
				// Alone again after, pooled with before: other work on the
				// machine drifts over a minute.
				alone = append(alone, searchLoad(b, s, queries, qps, after(aloneFor), nil)...)

				r := result{aloneP50: pct(alone, 50), aloneP95: pct(alone, 95), duringP50: pct(during, 50), duringP95: pct(during, 95),
					rate: float64(cr.Chunks) / cr.Seconds}
				results[mode] = append(results[mode], r)
				b.Logf("rep %d %-5s alone p50 %.1f p95 %.1f ms | during p50 %.1f p95 %.1f ms (x%.2f, x%.2f) | B %d chunks in %.1fs (load %.1fs, after %.1fs) = %.0f chunks/s, ingest Go CPU %.1fs",
					rep, mode, r.aloneP50, r.aloneP95, r.duringP50, r.duringP95, r.duringP50/r.aloneP50, r.duringP95/r.aloneP95,
					cr.Chunks, cr.Seconds, cr.LoadSeconds, cr.Seconds-cr.LoadSeconds, r.rate, goCPU.Seconds())
				for _, ph := range []string{"go", "copy", "lexemes", "index", "other"} {
					var lat []sample
					for _, x := range during {
						if x.phase == ph {
							lat = append(lat, x)
						}
					}
					if len(lat) > 0 {
						b.Logf("    during %-7s %4d searches p50 %.1f p95 %.1f ms", ph, len(lat), pct(lat, 50), pct(lat, 95))
					}
				}
			}
		}
	}
	// A bigger municipality's own index build alone (every B above as one
	// town, the DDL of EnsureMunicipalityIndexes with their predicate), with
	// the server's parallel workers and with none, as the ingest now builds it.
	type build struct{ ratio, seconds float64 }
	builds := map[string][]build{}
	ddl := fmt.Sprintf(`CREATE INDEX chunks_hnsw_bench_b ON chunks USING hnsw ((embedding::vector(%d)) vector_cosine_ops)
		WITH (m = 16, ef_construction = 128) WHERE model = '%s' AND municipality LIKE 'bench-b%%'`, emb.Dim(), emb.Model())
	var bChunks int
	db.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE municipality LIKE 'bench-b%'`).Scan(&bChunks)
	for range reps {
		for _, workers := range []int{-1, 0} {
			name := map[int]string{-1: "parallel", 0: "serial"}[workers]
			if _, err := db.Exec(ctx, `DROP INDEX IF EXISTS chunks_hnsw_bench_b`); err != nil {
				b.Fatal(err)
			}
			alone := searchLoad(b, s, queries, qps, after(aloneFor/2), nil)
			stop := make(chan struct{})
			var took time.Duration
			var maxWorkers int
			go func() {
				defer close(stop)
				polled := make(chan struct{})
				go func() {
					for {
						select {
						case <-polled:
							return
						case <-time.After(100 * time.Millisecond):
						}
						var n int
						db.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'parallel worker'`).Scan(&n)
						maxWorkers = max(maxWorkers, n)
					}
				}()
				defer close(polled)
				start := time.Now()
				err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
					if workers >= 0 {
						if _, err := tx.Exec(ctx, `SET LOCAL max_parallel_maintenance_workers = 0`); err != nil {
							return err
						}
					}
					_, err := tx.Exec(ctx, ddl)
					return err
				})
				took = time.Since(start)
				if err != nil {
					b.Error(err)
				}
			}()
			during := searchLoad(b, s, queries, qps, stop, nil)
			alone = append(alone, searchLoad(b, s, queries, qps, after(aloneFor/2), nil)...)
			builds[name] = append(builds[name], build{pct(during, 95) / pct(alone, 95), took.Seconds()})
			b.Logf("index build of %d chunks, %-8s (%d parallel workers seen): %.1fs; A alone p50 %.1f p95 %.1f ms, during p50 %.1f p95 %.1f ms (x%.2f, x%.2f)",
				bChunks, name, maxWorkers, took.Seconds(), pct(alone, 50), pct(alone, 95), pct(during, 50), pct(during, 95),
				pct(during, 50)/pct(alone, 50), pct(during, 95)/pct(alone, 95))
		}
	}
	for name, bs := range builds {
		slices.SortFunc(bs, func(x, y build) int { return int((x.ratio - y.ratio) * 1000) })
		b.ReportMetric(bs[len(bs)/2].ratio, "index_"+name+"_p95_ratio")
		slices.SortFunc(bs, func(x, y build) int { return int((x.seconds - y.seconds) * 1000) })
		b.ReportMetric(bs[len(bs)/2].seconds, "index_"+name+"_s")
	}
	med := func(rs []result, f func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	for _, mode := range modes {
		rs := results[mode]
		b.ReportMetric(med(rs, func(r result) float64 { return r.aloneP50 }), mode+"_alone_p50_ms")
		b.ReportMetric(med(rs, func(r result) float64 { return r.aloneP95 }), mode+"_alone_p95_ms")
		b.ReportMetric(med(rs, func(r result) float64 { return r.duringP50 }), mode+"_during_p50_ms")
		b.ReportMetric(med(rs, func(r result) float64 { return r.duringP95 }), mode+"_during_p95_ms")
		b.ReportMetric(med(rs, func(r result) float64 { return r.duringP50 / r.aloneP50 }), mode+"_p50_ratio")
		b.ReportMetric(med(rs, func(r result) float64 { return r.duringP95 / r.aloneP95 }), mode+"_p95_ratio")
		b.ReportMetric(med(rs, func(r result) float64 { return r.rate }), mode+"_ingest_chunks/s")
	}
	b.ReportMetric(0, "ns/op")
}

// after closes its channel in d.
func after(d time.Duration) <-chan struct{} {
	c := make(chan struct{})
	time.AfterFunc(d, func() { close(c) })
	return c
}

// benchApp names the ingest child's database sessions.
const benchApp = "mia-ingest-bench"

// childReport is what the ingest child prints when done.
type childReport struct {
	Chunks      int     `json:"chunks"`
	Seconds     float64 `json:"seconds"`
	LoadSeconds float64 `json:"load_seconds"` // files loaded, embedded and stored; the rest is vocabulary and index
}

// TestIngestLoadChild is BenchmarkSearchDuringIngest's ingest process; it
// does nothing unless the benchmark starts it.
func TestIngestLoadChild(t *testing.T) {
	url := os.Getenv("MIA_INGEST_CHILD_DB")
	if url == "" {
		t.Skip("run by BenchmarkSearchDuringIngest")
	}
	mode := os.Getenv("MIA_INGEST_CHILD_MODE")
	if mode == "nice" {
		if err := lowerPriority(10); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := docstore.New(db)
	if mode == "parallel" {
		store.TownIndexWorkers = -1 // the server's setting, as before
	}
	var loaded time.Duration
	r := &ingest.Runner{Store: store, Embedder: rag.NewHashEmbedder(), Municipality: os.Getenv("MIA_INGEST_CHILD_SLUG"),
		Limits: ingest.DefaultLimits(), Progress: func(p ingest.Progress) { loaded = p.Elapsed }}
	sum, err := r.Run(ctx, []string{os.Getenv("MIA_INGEST_CHILD_DIR")})
	if err != nil || sum.Failed > 0 {
		t.Fatalf("run: %v, %d failed", err, sum.Failed)
	}
	line, _ := json.Marshal(childReport{Chunks: sum.Chunks, Seconds: sum.Elapsed.Seconds(), LoadSeconds: loaded.Seconds()})
	fmt.Printf("INGEST-REPORT %s\n", line)
}

// sample is one search: when it started, how long it took, and what the
// ingest's database session was doing then.
type sample struct {
	at    time.Time
	d     time.Duration
	phase string
}

// searchLoad searches at qps, each search in its own goroutine (an open
// loop: a slow search does not hold the next back), until stop closes.
func searchLoad(b *testing.B, s *rag.Searcher, queries []string, qps int, stop <-chan struct{}, watch *phaseWatch) []sample {
	var mu sync.Mutex
	var out []sample
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(qps))
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			wg.Wait()
			return out
		case <-tick.C:
		}
		q := queries[i%len(queries)]
		wg.Go(func() {
			phase := ""
			if watch != nil {
				phase = watch.now()
			}
			start := time.Now()
			if _, err := s.Search(context.Background(), rag.Query{Municipality: "sombor", Text: q, K: 5}); err != nil {
				b.Error(err)
			}
			d := time.Since(start)
			mu.Lock()
			out = append(out, sample{start, d, phase})
			mu.Unlock()
		})
	}
}

// phaseWatch polls what the ingest child's sessions run.
type phaseWatch struct {
	mu    sync.Mutex
	phase string
}

func (w *phaseWatch) now() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return cmp(w.phase, "go")
}

func (w *phaseWatch) run(ctx context.Context, db *postgres.DB, done <-chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		var q string
		db.QueryRow(ctx, `SELECT coalesce(string_agg(query, ' | '), '') FROM pg_stat_activity
			WHERE application_name = $1 AND state = 'active'`, benchApp).Scan(&q)
		phase := "go" // no statement running: the Go side loads, chunks, embeds
		switch {
		case strings.Contains(q, "CREATE INDEX"):
			phase = "index"
		case strings.Contains(q, "ts_stat"), strings.Contains(q, "lexemes"), strings.Contains(q, "ANALYZE"):
			phase = "lexemes"
		case strings.Contains(q, "copy"), strings.Contains(q, "COPY"):
			phase = "copy"
		case q != "":
			phase = "other"
		}
		w.mu.Lock()
		w.phase = phase
		w.mu.Unlock()
	}
}

// pct is the p-th percentile of the samples' durations, in ms.
func pct(xs []sample, p int) float64 {
	d := make([]time.Duration, len(xs))
	for i, x := range xs {
		d[i] = x.d
	}
	slices.Sort(d)
	return float64(d[min(len(d)*p/100, len(d)-1)].Microseconds()) / 1000
}

// copiedCorpus copies the corpora n times into a new directory, each copy
// under its own folder, so every file is a document of its own.
func copiedCorpus(tb testing.TB, n int, srcs ...string) string {
	root := tb.TempDir()
	for i := range n {
		for _, src := range srcs {
			dir := filepath.Join(root, fmt.Sprintf("c%03d-%s", i, filepath.Base(src)))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				tb.Fatal(err)
			}
			entries, err := os.ReadDir(src)
			if err != nil {
				tb.Fatal(err)
			}
			for _, e := range entries {
				if e.IsDir() {
					continue
				}
				data, err := os.ReadFile(filepath.Join(src, e.Name()))
				if err != nil {
					tb.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	return root
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
