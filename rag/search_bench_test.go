package rag_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/rag"
)

// benchSizes are the municipality sizes BenchmarkSearch measures, in
// chunks: MIA_BENCH_SIZES (comma-separated) or these.
func benchSizes(tb testing.TB) []int {
	return envCounts(tb, "MIA_BENCH_SIZES", "a chunk count", []int{1_000, 10_000, 30_000, 100_000})
}

// benchEfs are the ef_search values the hnsw_ef sub-benchmarks walk the
// graph at: MIA_BENCH_EF (comma-separated) or these.
func benchEfs(tb testing.TB) []int {
	return envCounts(tb, "MIA_BENCH_EF", "an ef_search", []int{40, 100, 200, 400, 800, 1000})
}

// envCounts reads a comma-separated list of positive integers from the
// environment variable name, or returns def when it is unset; what names
// one of them in the error.
func envCounts(tb testing.TB, name, what string, def []int) []int {
	env := os.Getenv(name)
	if env == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			tb.Fatalf("%s: %q is not %s", name, f, what)
		}
		out = append(out, n)
	}
	return out
}

// BenchmarkSearch measures search at each municipality size over the test
// split's questions (MIA_BENCH_SPLIT=dev for tuning): latency percentiles
// of term expansion alone, of the hybrid search and of its vector and
// full-text branches alone, the vector branch's recall@10 by chunk id
// against an exact scan (no tolerance: a different chunk at equal
// distance is a miss), HNSW's own recall and latency at several
// ef_search whatever the size, and an exact scan's latency (together the
// figures ExactBelow and EfSearch are chosen on). MIA_BENCH_EF lists the
// ef_search values walked, MIA_BENCH_EF_LARGE replaces the searcher's
// EfSearchLarge for every mode (MIA_BENCH_CANDIDATES_LARGE its
// CandidatesLarge), and MIA_BENCH_CACHE names a directory
// keeping the exact answers between runs.
func BenchmarkSearch(b *testing.B) {
	split := cmp(os.Getenv("MIA_BENCH_SPLIT"), "test")
	queries := benchQueries(b, split)
	ctx := context.Background()
	for _, size := range benchSizes(b) {
		b.Run(fmt.Sprintf("chunks=%d", size), func(b *testing.B) {
			_, store, emb := benchCorpus(b, size)
			s := rag.NewSearcher(store, emb)
			if env := os.Getenv("MIA_BENCH_CANDIDATES_LARGE"); env != "" {
				// Another CandidatesLarge for every searching mode, to compare.
				var err error
				if s.CandidatesLarge, err = strconv.Atoi(env); err != nil || s.CandidatesLarge < 0 {
					b.Fatalf("MIA_BENCH_CANDIDATES_LARGE: %q is not a row count", env)
				}
			}
			if env := os.Getenv("MIA_BENCH_EF_LARGE"); env != "" {
				// Another EfSearchLarge for every searching mode, to compare.
				var err error
				if s.EfSearchLarge, err = strconv.Atoi(env); err != nil || s.EfSearchLarge < 1 {
					b.Fatalf("MIA_BENCH_EF_LARGE: %q is not an ef_search", env)
				}
			}
			b.Logf("%d %s queries, ef_search %d, candidates %d", len(queries), split, s.EfFor(size), s.CandidatesFor(size))
			percentiles := func(b *testing.B, lat []time.Duration) {
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
				b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95_ms")
				b.ReportMetric(0, "ns/op")
			}
			// Term expansion alone: the first pass over the questions finds
			// the cache empty (cold_p95_ms), the next ones warm.
			b.Run("expand", func(b *testing.B) {
				var cold, warm []time.Duration
				for b.Loop() {
					es := rag.NewSearcher(store, emb)
					for pass := range 2 {
						for _, q := range queries {
							start := time.Now()
							if err := es.ExpandQuery(ctx, "sombor", q); err != nil {
								b.Fatal(err)
							}
							if pass == 0 {
								cold = append(cold, time.Since(start))
							} else {
								warm = append(warm, time.Since(start))
							}
						}
					}
				}
				slices.Sort(cold)
				b.ReportMetric(float64(cold[len(cold)*95/100].Microseconds())/1000, "cold_p95_ms")
				percentiles(b, warm)
			})
			// Every mode expands the query's terms alike, so each is measured
			// with the vocabulary cache warm (expand reports the cold cost):
			// measured first and cold, the hybrid search was charged the
			// look-ups its branches then found cached.
			for _, q := range queries {
				if _, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: q, K: 5}); err != nil {
					b.Fatal(err)
				}
			}
			for _, mode := range []rag.Mode{rag.Hybrid, rag.VectorOnly, rag.TextOnly} {
				b.Run(cmp(string(mode), "hybrid"), func(b *testing.B) {
					var lat []time.Duration
					for b.Loop() {
						for _, q := range queries {
							start := time.Now()
							if _, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: q, K: 5, Mode: mode}); err != nil {
								b.Fatal(err)
							}
							lat = append(lat, time.Since(start))
						}
					}
					percentiles(b, lat)
				})
			}
			// The target, hybrid p50 at most twice its vector branch's, as a
			// ratio measured query by query in turn, so load from other work
			// on the machine weighs on both alike.
			b.Run("ratio", func(b *testing.B) {
				var hyb, vec []time.Duration
				for b.Loop() {
					for i, q := range queries {
						modes := []rag.Mode{rag.Hybrid, rag.VectorOnly}
						if i%2 == 1 {
							modes[0], modes[1] = modes[1], modes[0]
						}
						for _, mode := range modes {
							start := time.Now()
							if _, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: q, K: 5, Mode: mode}); err != nil {
								b.Fatal(err)
							}
							if mode == rag.Hybrid {
								hyb = append(hyb, time.Since(start))
							} else {
								vec = append(vec, time.Since(start))
							}
						}
					}
				}
				slices.Sort(hyb)
				slices.Sort(vec)
				b.ReportMetric(float64(hyb[len(hyb)/2])/float64(vec[len(vec)/2]), "hybrid/vector_p50")
				b.ReportMetric(0, "ns/op")
			})
			exact := cachedExact(b, size, split, len(queries))
			defer saveExact(b, size, split, exact)
			b.Run("exact", func(b *testing.B) {
				var lat []time.Duration
				for b.Loop() {
					for i, q := range queries {
						start := time.Now()
						found, err := s.Nearest(ctx, "sombor", q, 10, true)
						if err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(start))
						exact[i] = found
					}
				}
				percentiles(b, lat)
			})
			// The branch as configured: exact below ExactBelow, HNSW above
			// at the ef_search the search asks for at this size (EfFor:
			// EfSearchLarge from LargeAbove chunks).
			b.Run("recall", func(b *testing.B) {
				served := rag.NewSearcher(store, emb)
				served.EfSearch, served.Candidates = s.EfFor(size), s.CandidatesFor(size)
				for b.Loop() {
					b.ReportMetric(recallByID(b, served, queries, exact, size < s.ExactBelow), "recall@10")
				}
				b.ReportMetric(float64(served.EfSearch), "ef_search")
				b.ReportMetric(float64(served.Candidates), "candidates")
				b.ReportMetric(0, "ns/op")
			})
			for _, ef := range benchEfs(b) {
				b.Run(fmt.Sprintf("hnsw_ef%d", ef), func(b *testing.B) {
					hs := rag.NewSearcher(store, emb)
					hs.EfSearch = ef
					var lat []time.Duration
					var recall float64
					for b.Loop() {
						for _, q := range queries {
							start := time.Now()
							if _, err := hs.Nearest(ctx, "sombor", q, 10, false); err != nil {
								b.Fatal(err)
							}
							lat = append(lat, time.Since(start))
						}
						recall = recallByID(b, hs, queries, exact, false)
					}
					b.ReportMetric(recall, "recall@10")
					percentiles(b, lat)
				})
			}
		})
	}
}

// exactCacheFile is where MIA_BENCH_CACHE keeps the exact scan's answers
// for a corpus size, split and query count ("": no cache). An exact scan
// of 300,000 chunks takes minutes per pass on a small machine.
func exactCacheFile(size int, split string, queries int) string {
	dir := os.Getenv("MIA_BENCH_CACHE")
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, fmt.Sprintf("exact-%d-%s-%s-%d.json", size, corpusVersion, split, queries))
}

// cachedExact returns the cached exact answers, or a slice of nils to fill.
func cachedExact(tb testing.TB, size int, split string, queries int) [][]rag.Neighbor {
	exact := make([][]rag.Neighbor, queries)
	if file := exactCacheFile(size, split, queries); file != "" {
		if data, err := os.ReadFile(file); err == nil {
			var kept [][]rag.Neighbor
			if json.Unmarshal(data, &kept) == nil && len(kept) == queries {
				tb.Logf("exact answers from %s", file)
				return kept
			}
		}
	}
	return exact
}

// saveExact keeps the exact answers once every query has them.
func saveExact(tb testing.TB, size int, split string, exact [][]rag.Neighbor) {
	file := exactCacheFile(size, split, len(exact))
	if file == "" || slices.ContainsFunc(exact, func(n []rag.Neighbor) bool { return n == nil }) {
		return
	}
	data, _ := json.Marshal(exact)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		tb.Error(err)
	}
}

// recallByID is the share of the exact ten nearest chunks, by id, that the
// searcher's vector branch finds (exact, or through the index).
func recallByID(tb testing.TB, s *rag.Searcher, queries []string, exact [][]rag.Neighbor, exactScan bool) float64 {
	var found, total int
	for i, q := range queries {
		if exact[i] == nil { // the exact sub-benchmark was filtered out
			var err error
			if exact[i], err = s.Nearest(context.Background(), "sombor", q, 10, true); err != nil {
				tb.Fatal(err)
			}
		}
		got, err := s.Nearest(context.Background(), "sombor", q, 10, exactScan)
		if err != nil {
			tb.Fatal(err)
		}
		for _, e := range exact[i] {
			if slices.ContainsFunc(got, func(n rag.Neighbor) bool { return n.ChunkID == e.ChunkID }) {
				found++
			}
		}
		total += len(exact[i])
	}
	return float64(found) / float64(total)
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestSearchDeterministic: 200 questions searched three times over 50,000
// chunks give the same ranking every time (chunk ids of the top 5 and of
// every branch's order through fusion). Building the corpus takes minutes
// on a small machine, so it runs with MIA_SEARCH_DETERMINISM=1 (and in
// BenchmarkSearch's corpus runs), never with -short.
func TestSearchDeterministic(t *testing.T) {
	if testing.Short() || os.Getenv("MIA_SEARCH_DETERMINISM") != "1" {
		t.Skip("set MIA_SEARCH_DETERMINISM=1 to build 50,000 chunks and repeat 200 searches three times")
	}
	_, store, emb := benchCorpus(t, 50_000)
	queries := benchQueries(t, "test")[:200]
	s := rag.NewSearcher(store, emb)
	ctx := context.Background()
	first := make([]string, len(queries))
	for round := range 3 {
		for i, q := range queries {
			res, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: q, K: 5})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, h := range res.Hits {
				fmt.Fprintf(&b, "%d/%d/%d ", h.ChunkID, h.VectorPos, h.TextPos)
			}
			if round == 0 {
				first[i] = b.String()
			} else if b.String() != first[i] {
				t.Errorf("round %d, %q: %s, first %s", round+1, q, b.String(), first[i])
			}
		}
	}
}
