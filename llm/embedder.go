package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/miasrbija/mia/rag"
	openai "github.com/sashabaranov/go-openai"
)

// Batch limits. OpenAI accepts 2,048 inputs and 300,000 tokens per request;
// we stay well below both because local servers (Ollama, llama-server) are
// slower with huge batches and a failed batch is then cheaper to retry.
const (
	maxBatchInputs = 256
	// maxBatchTokens leaves room for the rough 4-bytes-per-token estimate
	// being low: Serbian Cyrillic runs at about 3.6 bytes per token in
	// cl100k_base.
	maxBatchTokens = 250_000
)

// Embedder computes vectors with an OpenAI-compatible /embeddings endpoint.
// It implements rag.Embedder and is safe for concurrent use.
type Embedder struct {
	client  *openai.Client
	retry   *RetryingDoer
	model   string
	dim     int
	timeout time.Duration
	// sendDim is set for models that accept the "dimensions" parameter;
	// others (ada-002, most local models) reject or ignore it.
	sendDim bool
}

var _ rag.Embedder = (*Embedder)(nil)

// NewEmbedder returns an Embedder for cfg after applying defaults and
// validating it.
func NewEmbedder(cfg Config) (*Embedder, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	client, retry := newClient(cfg)
	return &Embedder{
		client:  client,
		retry:   retry,
		model:   cfg.EmbeddingModel,
		dim:     cfg.EmbeddingDim,
		timeout: cfg.Timeout,
		sendDim: strings.HasPrefix(cfg.EmbeddingModel, "text-embedding-3"),
	}, nil
}

// newClient builds a go-openai client whose HTTP calls go through a
// RetryingDoer configured from cfg.
func newClient(cfg Config) (*openai.Client, *RetryingDoer) {
	retry := &RetryingDoer{
		// No Client.Timeout: it would cut long streams. Deadlines come
		// from each call's context instead.
		Doer:       &http.Client{},
		MaxRetries: max(cfg.MaxRetries, 0),
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = retry
	return openai.NewClientWithConfig(oc), retry
}

// Model returns the embedding model name, recorded with stored vectors.
func (e *Embedder) Model() string { return e.model }

// Dim returns the configured vector size.
func (e *Embedder) Dim() int { return e.dim }

// Embed returns one vector per text, in order. Blank texts get a zero vector
// without a server call, because OpenAI rejects empty inputs. On any error no
// vectors are returned.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var idx []int // positions of non-blank texts, in order
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			out[i] = make([]float32, e.dim)
			continue
		}
		idx = append(idx, i)
	}
	for _, b := range batches(texts, idx) {
		inputs := make([]string, len(b))
		for j, i := range b {
			inputs[j] = texts[i]
		}
		vecs, err := e.embedBatch(ctx, inputs)
		if err != nil {
			if len(idx) > len(b) {
				return nil, fmt.Errorf("embed texts %d..%d of %d: %w", b[0], b[len(b)-1], len(texts), err)
			}
			return nil, err
		}
		for j, i := range b {
			out[i] = vecs[j]
		}
	}
	return out, nil
}

// batches splits idx into runs of at most maxBatchInputs texts and about
// maxBatchTokens estimated tokens. A single text over the token budget still
// gets its own batch; the server then decides.
func batches(texts []string, idx []int) [][]int {
	var out [][]int
	var cur []int
	tokens := 0
	for _, i := range idx {
		n := len(texts[i])/4 + 1
		if len(cur) > 0 && (len(cur) == maxBatchInputs || tokens+n > maxBatchTokens) {
			out = append(out, cur)
			cur, tokens = nil, 0
		}
		cur = append(cur, i)
		tokens += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// embedBatch makes one API call (with retries) under the configured timeout
// and checks the answer's shape.
func (e *Embedder) embedBatch(ctx context.Context, inputs []string) ([][]float32, error) {
	callCtx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()

	req := openai.EmbeddingRequestStrings{
		Input: inputs,
		Model: openai.EmbeddingModel(e.model),
	}
	if e.sendDim {
		req.Dimensions = e.dim
	}
	resp, err := e.client.CreateEmbeddings(callCtx, req)
	if err != nil {
		return nil, e.describe(ctx, err)
	}
	if len(resp.Data) != len(inputs) {
		return nil, fmt.Errorf("embedding model %s returned %d vectors for %d inputs", e.model, len(resp.Data), len(inputs))
	}

	// Servers may answer out of order; Index says where each vector goes.
	// Some compatible servers omit it (all zero), and then only the order
	// of the list is left to trust.
	positional := true
	for _, d := range resp.Data {
		if d.Index != 0 {
			positional = false
			break
		}
	}
	vecs := make([][]float32, len(inputs))
	for k, d := range resp.Data {
		i := d.Index
		if positional {
			i = k
		}
		if i < 0 || i >= len(inputs) || vecs[i] != nil {
			return nil, fmt.Errorf("embedding model %s returned a bad or repeated index %d for %d inputs", e.model, d.Index, len(inputs))
		}
		if len(d.Embedding) != e.dim {
			return nil, fmt.Errorf("embedding model %s returned %d dimensions, %s says %d", e.model, len(d.Embedding), EnvEmbeddingDim, e.dim)
		}
		vecs[i] = d.Embedding
	}
	return vecs, nil
}

// describe turns a go-openai error into one that says what happened in
// operator terms, keeping the original in the chain for errors.As/Is.
func (e *Embedder) describe(parent context.Context, err error) error {
	switch {
	case parent.Err() != nil:
		// The caller gave up; say so rather than blaming the server.
		return fmt.Errorf("embedding model %s: %w", e.model, parent.Err())
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("embedding model %s: no answer within %s (timeout): %w", e.model, e.timeout, err)
	}
	if se, ok := statusError(err, "embedding", e.model, EnvEmbeddingModel, 0); ok {
		return se
	}
	return fmt.Errorf("embedding model %s: %w", e.model, err)
}
