// Package docstore is the knowledge base in PostgreSQL: the tables
// documents, chunks and lexemes, behind rag's Store and Index. Vectors are
// pgvector columns searched through per-model partial HNSW indexes; full
// text is a tsvector over the Go-normalised text rag.SearchText makes.
package docstore

import (
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
}

var (
	_ rag.Store = (*Store)(nil)
	_ rag.Index = (*Store)(nil)
)

// New returns a store on db, which must be migrated.
func New(db *postgres.DB) *Store { return &Store{db: db} }
