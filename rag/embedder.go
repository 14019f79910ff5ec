package rag

import "context"

// Embedder turns texts into vectors. Implementations are safe for concurrent use.
type Embedder interface {
	// Model names the embedding model and version, e.g. "local-ngram-v1"
	// or "text-embedding-3-small". It is recorded with every stored vector,
	// so vectors from different models are never compared.
	Model() string
	// Dim is the length of every vector Embed returns.
	Dim() int
	// Embed returns one vector per text, in the same order. On error it
	// returns no vectors.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}
