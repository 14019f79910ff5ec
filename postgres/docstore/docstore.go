// Package docstore is the knowledge base in PostgreSQL: the tables
// documents, chunks and lexemes, behind rag's Store and Index. Vectors are
// pgvector columns searched through per-model partial HNSW indexes; full
// text is a tsvector over the Go-normalised text rag.SearchText makes.
package docstore

import (
	"sync"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/rag"
)

// Store implements rag.Store and rag.Index on one database.
type Store struct {
	db *postgres.DB
	// TownIndexWorkers is max_parallel_maintenance_workers for building a
	// municipality's own vector index after its ingestion: 0 (the default)
	// builds it in the ingest's one backend, so the other municipalities'
	// searches keep the rest of the cores; -1 takes the server's setting.
	// On 2 cores (BenchmarkSearchDuringIngest in ingest, two runs, medians
	// of 3) a parallel build of 38k chunks ran 3 processes and another
	// town's search p95 was x1.26 / x2.04 its own meanwhile; serial x1.08 /
	// x1.06, for a build 22-42% longer (8.9 s against 7.3 s, 23 against 16).
	TownIndexWorkers int
	// DenseAbove is the chunk count from which a municipality's own vector
	// index is built denser (DefaultDenseAbove; 0: never).
	DenseAbove int
	// TownIndexMemory is maintenance_work_mem for building a
	// municipality's own vector index (DefaultTownIndexMemory; "": the
	// server's). The dense index of a town of 268,350 chunks needs about
	// 600 MB; a build that does not fit is several times slower, and a
	// small town's build takes only what it needs.
	TownIndexMemory string
	// dense maps a dense index's name to whether the search last found it
	// there (withOwnIndex). Shared by the stores ReadIndex makes per call
	// (a replica's catalogue is the primary's), or each search of a dense
	// town would first walk the standard graph, find nothing and look the
	// index up again.
	dense *sync.Map
}

var (
	_ rag.Store = (*Store)(nil)
	_ rag.Index = (*Store)(nil)
)

// New returns a store on db, which must be migrated.
func New(db *postgres.DB) *Store {
	return &Store{db: db, DenseAbove: DefaultDenseAbove, TownIndexMemory: DefaultTownIndexMemory, dense: &sync.Map{}}
}

// DefaultTownIndexMemory is Store.TownIndexMemory's default, the one of
// `mia ingest --index-memory`.
const DefaultTownIndexMemory = "1GB"
