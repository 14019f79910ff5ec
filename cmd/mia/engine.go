package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/rag"
)

var setTurnBudget = setting{"MIA_TURN_BUDGET", "turn-budget"}

// newEngine wires the conversation engine and the citizen services it
// files cases with (staff work the same service). A model is used when
// MIA_LLM_BASE_URL or MIA_LLM_MODEL is set; otherwise MIA answers offline.
func newEngine(e *env, db *postgres.DB, reg *municipality.Registry, log *slog.Logger) (*assistant.Engine, *forms.Service, error) {
	emb, err := newEmbedder(e)
	if err != nil {
		return nil, nil, err
	}
	cfg := assistant.Config{
		Municipalities: reg,
		Search:         rag.NewSearcher(rag.NewStore(db), emb),
		Memory:         assistant.NewMemory(db),
		Log:            log,
	}
	if s := e.getenv(setTurnBudget.env); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, nil, configError{setTurnBudget, "a positive duration such as 20s", s}
		}
		cfg.TurnBudget = d
	}
	crypt, err := forms.KeyFromEnv(e.getenv, forms.ProductionFromEnv(e.getenv))
	if err != nil {
		return nil, nil, fmt.Errorf("configuration: %w", err)
	}
	if crypt.Ephemeral() {
		log.Warn("MIA_DATA_KEY is not set: personal data in forms is encrypted with a key that lives only until this process exits; set it (32 bytes, base64) for anything but a demo")
	}
	services, err := forms.NewService(forms.Config{DB: db, Municipalities: reg, Crypter: crypt})
	if err != nil {
		return nil, nil, err
	}
	cfg.Forms = services
	if chatConfigured(e) {
		if cfg.Chat, err = newChat(e); err != nil {
			return nil, nil, err
		}
	}
	engine, err := assistant.New(cfg)
	return engine, services, err
}

// chatConfigured reports whether a model server is configured.
func chatConfigured(e *env) bool {
	return e.getenv(llm.EnvBaseURL) != "" || e.getenv(llm.EnvChatModel) != ""
}

// newChat is the client of the configured model server.
func newChat(e *env) (*llm.ChatClient, error) {
	chat, err := llm.NewChatClient(llm.Config{
		BaseURL: e.getenv(llm.EnvBaseURL), APIKey: e.getenv(llm.EnvAPIKey), ChatModel: e.getenv(llm.EnvChatModel),
	})
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return chat, nil
}

// openEngine migrates and opens the database and wires the engine over
// it, for commands that run turns outside the server (ask, eval). The
// caller closes the database.
func (c *common) openEngine(ctx context.Context, e *env, reg *municipality.Registry) (*postgres.DB, *assistant.Engine, error) {
	db, err := c.open(ctx, reg, c.logger(io.Discard))
	if err != nil {
		return nil, nil, err
	}
	eng, _, err := newEngine(e, db, reg, c.logger(e.stderr))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, eng, nil
}
