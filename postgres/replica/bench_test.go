package replica_test

import (
	"context"
	"testing"

	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/replica"
	"github.com/miasrbija/mia/rag"
)

// BenchmarkSearchPrimaryLoad measures what one hybrid search costs each
// server, without a replica (everything on the primary) and with one (the
// Set's default one-second checks included): server CPU from /proc (the
// postmaster and its backends) and statements from pg_stat_statements.
func BenchmarkSearchPrimaryLoad(b *testing.B) {
	c := newCluster(b, 1)
	qs := questions(b)
	ctx := context.Background()
	run := func(b *testing.B, s *rag.Searcher) {
		p, r := c.primary, c.replicas[0]
		pCPU, rCPU := p.CPUTime(), r.CPUTime()
		pStmt, rStmt := allStatements(b, p.URL()), allStatements(b, r.URL())
		for i := 0; b.Loop(); i++ {
			if _, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: qs[i%len(qs)]}); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		n := float64(b.N)
		b.ReportMetric(float64((p.CPUTime()-pCPU).Microseconds())/n, "primary-cpu-µs/op")
		b.ReportMetric(float64((r.CPUTime()-rCPU).Microseconds())/n, "replica-cpu-µs/op")
		// allStatements leaves its own statements out.
		b.ReportMetric(float64(allStatements(b, p.URL())-pStmt)/n, "primary-stmts/op")
		b.ReportMetric(float64(allStatements(b, r.URL())-rStmt)/n, "replica-stmts/op")
	}
	b.Run("primary-only", func(b *testing.B) {
		run(b, rag.NewSearcher(docstore.New(c.db), rag.NewHashEmbedder()))
	})
	b.Run("with-replica", func(b *testing.B) {
		c.openSet(b, replica.Options{})
		run(b, c.searcher())
	})
}
