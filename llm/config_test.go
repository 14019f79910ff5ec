package llm

import (
	"strings"
	"testing"
	"time"
)

func TestConfigWithDefaults(t *testing.T) {
	t.Parallel()

	c := DefaultConfig()
	if c.BaseURL != DefaultBaseURL || c.ChatModel != DefaultChatModel || c.EmbeddingModel != DefaultEmbeddingModel {
		t.Errorf("defaults = %+v", c)
	}
	if c.EmbeddingDim != 1536 || c.Timeout != DefaultTimeout || c.MaxRetries != DefaultMaxRetries {
		t.Errorf("defaults = %+v", c)
	}

	// Explicit values survive; a negative MaxRetries stays negative (off).
	c = Config{BaseURL: "http://ollama:11434/v1/", EmbeddingModel: "nomic-embed-text", EmbeddingDim: 768, MaxRetries: -1, Timeout: time.Second}.WithDefaults()
	if c.BaseURL != "http://ollama:11434/v1" || c.EmbeddingDim != 768 || c.MaxRetries != -1 || c.Timeout != time.Second {
		t.Errorf("explicit values changed: %+v", c)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	local := Config{BaseURL: "http://localhost:11434/v1", EmbeddingModel: "bge-m3", EmbeddingDim: 1024}
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string // substrings; nil means valid
	}{
		{"local server without key", local, nil},
		{"openai with key", Config{APIKey: "sk-x"}, nil},
		{"openai without key", Config{}, []string{"MIA_LLM_API_KEY is required"}},
		{"bad scheme", Config{BaseURL: "ollama:11434", EmbeddingDim: 8}, []string{"MIA_LLM_BASE_URL", "not an http(s) URL"}},
		{"no host", Config{BaseURL: "http:///v1", EmbeddingDim: 8}, []string{"MIA_LLM_BASE_URL"}},
		{"unknown model size", Config{BaseURL: "http://x/v1", EmbeddingModel: "nomic-embed-text"}, []string{"MIA_EMBED_DIM must be set", "nomic-embed-text"}},
		{"negative dim", Config{BaseURL: "http://x/v1", EmbeddingDim: -3}, []string{"MIA_EMBED_DIM=-3"}},
		{"negative timeout", Config{BaseURL: "http://x/v1", Timeout: -time.Second}, []string{"timeout"}},
		{"several at once", Config{BaseURL: "ftp://x", EmbeddingModel: "m"}, []string{"MIA_LLM_BASE_URL", "MIA_EMBED_DIM"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.WithDefaults().Validate()
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want error containing %q", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Validate() = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}
