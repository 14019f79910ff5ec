package main

import (
	"fmt"

	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/rag"
)

// newEmbedder returns the configured embedder: a model server's when
// MIA_EMBED_MODEL is set, otherwise the offline embedder, which needs no
// model and no network.
func newEmbedder(e *env) (rag.Embedder, error) {
	if e.getenv(llm.EnvEmbeddingModel) == "" {
		return rag.NewHashEmbedder(), nil
	}
	cfg, err := llm.ConfigFromEnv(e.getenv)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return llm.NewEmbedder(cfg)
}
