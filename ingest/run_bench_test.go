package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

// BenchmarkIngestCorpus ingests the demo corpus copied ten times (every
// file under a new name, so nothing is skipped as unchanged) with the
// offline embedder, and reports chunks stored per second: loading,
// chunking, embedding and the transactional COPY into pgvector together.
func BenchmarkIngestCorpus(b *testing.B) {
	db, _ := pgtest.NewDB(b)
	store := docstore.New(db)
	src := "../corpus/sombor"
	entries, err := os.ReadDir(src)
	if err != nil {
		b.Fatal(err)
	}
	var chunks int
	var seconds float64
	round := 0
	for b.Loop() {
		b.StopTimer()
		root := b.TempDir()
		for copyN := range 10 {
			dir := filepath.Join(root, fmt.Sprintf("r%d-c%d", round, copyN))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(src, e.Name()))
				if err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
		round++
		b.StartTimer()
		r := &ingest.Runner{Store: store, Embedder: rag.NewHashEmbedder(), Municipality: "sombor"}
		sum, err := r.Run(context.Background(), []string{root})
		if err != nil || sum.Failed > 0 {
			b.Fatalf("run: %v %+v", err, sum)
		}
		chunks += sum.Chunks
		seconds += sum.Elapsed.Seconds()
	}
	b.ReportMetric(float64(chunks)/seconds, "chunks/s")
}
