package llm

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Defaults used by Config.WithDefaults.
const (
	DefaultBaseURL        = "https://api.openai.com/v1"
	DefaultChatModel      = "gpt-4o-mini"
	DefaultEmbeddingModel = "text-embedding-3-small"
	DefaultTimeout        = 30 * time.Second
	DefaultMaxRetries     = 3
)

// Environment variables that set the fields (read by cmd/mia), named in
// validation errors.
const (
	EnvBaseURL        = "MIA_LLM_BASE_URL"
	EnvAPIKey         = "MIA_LLM_API_KEY"
	EnvChatModel      = "MIA_LLM_MODEL"
	EnvEmbeddingModel = "MIA_EMBED_MODEL"
	EnvEmbeddingDim   = "MIA_EMBED_DIM"
)

// nativeDims are the output sizes of embedding models whose size we know, so
// that MIA_EMBED_DIM may be left unset for them. Any other model needs it,
// because the vector store must know the size before the first call.
var nativeDims = map[string]int{
	"text-embedding-3-small": 1536,
	"text-embedding-3-large": 3072,
	"text-embedding-ada-002": 1536,
}

// Config describes one OpenAI-compatible model server.
type Config struct {
	// BaseURL is the API root including the version, e.g.
	// "http://ollama:11434/v1" (MIA_LLM_BASE_URL).
	BaseURL string
	// APIKey is sent as a bearer token (MIA_LLM_API_KEY). It is required for
	// api.openai.com only; local servers usually ignore it.
	APIKey string
	// ChatModel names the model used for answers (MIA_LLM_MODEL).
	ChatModel string
	// EmbeddingModel names the model used for vectors (MIA_EMBED_MODEL).
	EmbeddingModel string
	// EmbeddingDim is the vector size (MIA_EMBED_DIM). 0 means the model's
	// native size, which must then be known (text-embedding-3-*, ada-002).
	// For text-embedding-3 models it is also sent as "dimensions", which
	// shortens the vectors on the server.
	EmbeddingDim int
	// Timeout bounds one API call, including its retries. 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a failed call (429, 5xx, transport error)
	// is repeated. 0 means DefaultMaxRetries; a negative value disables
	// retries.
	MaxRetries int
}

// DefaultConfig returns the configuration for OpenAI's public API, without a
// key.
func DefaultConfig() Config {
	return Config{}.WithDefaults()
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	c.BaseURL = strings.TrimRight(cmp.Or(strings.TrimSpace(c.BaseURL), DefaultBaseURL), "/")
	c.ChatModel = cmp.Or(strings.TrimSpace(c.ChatModel), DefaultChatModel)
	c.EmbeddingModel = cmp.Or(strings.TrimSpace(c.EmbeddingModel), DefaultEmbeddingModel)
	if c.EmbeddingDim == 0 {
		c.EmbeddingDim = nativeDims[c.EmbeddingModel]
	}
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.MaxRetries = cmp.Or(c.MaxRetries, DefaultMaxRetries)
	return c
}

// Validate reports every problem in c at once, each naming the environment
// variable that sets the field. Call it after WithDefaults.
func (c Config) Validate() error {
	var errs []error
	u, err := url.Parse(c.BaseURL)
	switch {
	case c.BaseURL == "":
		errs = append(errs, fmt.Errorf("%s is empty", EnvBaseURL))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		errs = append(errs, fmt.Errorf("%s=%q is not an http(s) URL such as http://localhost:11434/v1", EnvBaseURL, c.BaseURL))
	case u.Hostname() == "api.openai.com" && c.APIKey == "":
		errs = append(errs, fmt.Errorf("%s is required for %s", EnvAPIKey, c.BaseURL))
	}
	if c.ChatModel == "" {
		errs = append(errs, fmt.Errorf("%s is empty", EnvChatModel))
	}
	if c.EmbeddingModel == "" {
		errs = append(errs, fmt.Errorf("%s is empty", EnvEmbeddingModel))
	}
	switch {
	case c.EmbeddingDim < 0:
		errs = append(errs, fmt.Errorf("%s=%d must be positive", EnvEmbeddingDim, c.EmbeddingDim))
	case c.EmbeddingDim == 0 && c.EmbeddingModel != "":
		errs = append(errs, fmt.Errorf("%s must be set: the size of model %q (%s) is not known", EnvEmbeddingDim, c.EmbeddingModel, EnvEmbeddingModel))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("llm timeout %s must not be negative", c.Timeout))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("llm config: %w", err)
	}
	return nil
}
