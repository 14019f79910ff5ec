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
}

var (
	_ rag.Store = (*Store)(nil)
	_ rag.Index = (*Store)(nil)
)

// New returns a store on db, which must be migrated.
func New(db *postgres.DB) *Store { return &Store{db: db} }
