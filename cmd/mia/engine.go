package main

import (
	"fmt"
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
	if e.getenv(llm.EnvBaseURL) != "" || e.getenv(llm.EnvChatModel) != "" {
		chat, err := llm.NewChatClient(llm.Config{
			BaseURL: e.getenv(llm.EnvBaseURL), APIKey: e.getenv(llm.EnvAPIKey), ChatModel: e.getenv(llm.EnvChatModel),
		})
		if err != nil {
			return nil, nil, fmt.Errorf("configuration: %w", err)
		}
		cfg.Chat = chat
	}
	engine, err := assistant.New(cfg)
	return engine, services, err
}
