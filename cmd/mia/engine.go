package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/handoverstore"
	"github.com/miasrbija/mia/rag"
)

// newEngine wires the conversation engine and the citizen services it
// files cases with (staff work the same service). A model is used when
// one is configured (c.Chat); otherwise MIA answers offline.
func newEngine(c *Config, db *postgres.DB, reg *municipality.Registry, crypt *forms.Crypter, log *slog.Logger) (*assistant.Engine, *forms.Service, error) {
	emb, err := c.embedder()
	if err != nil {
		return nil, nil, err
	}
	cfg := assistant.Config{
		Municipalities: reg,
		Search:         rag.NewSearcher(docstore.New(db).ReadIndex(), emb),
		Memory:         convstore.New(db),
		Handover:       handoverstore.New(db), // requests for a person (web and Viber; the command line gets contacts)
		Log:            log,
		TurnBudget:     c.TurnBudget,
		// Web and Viber turns share the bound (a worker replica's too).
		ConcurrentTurns: c.concurrentTurns(),
	}
	services, err := forms.NewService(forms.Config{Store: casestore.New(db), Municipalities: reg, Crypter: crypt, DraftTTL: c.DraftTTL})
	if err != nil {
		return nil, nil, err
	}
	cfg.Forms = services
	if c.Chat != nil {
		if cfg.Chat, err = llm.NewChatClient(*c.Chat); err != nil {
			return nil, nil, fmt.Errorf("configuration: %w", err)
		}
	}
	engine, err := assistant.New(cfg)
	return engine, services, err
}

// concurrentTurns is the engine's bound on turns at work: the one set,
// or, when none is and PostgreSQL runs on this machine, one per CPU.
// Turns beside their own database only queue inside it past that, where
// they delay the webhooks' inserts (measured on 2 vCPU, one `all` process
// at the web ceiling: Viber acknowledgement p99 105–124 ms with 4 per CPU,
// 43–54 ms with 1, for 102–109 turns/s against 107–138). A database on
// another machine gets the engine's default (4 per CPU): there a turn's
// round trips leave this CPU idle.
func (c *Config) concurrentTurns() int {
	if c.ConcurrentTurns != 0 || !localDatabase(c.DatabaseURL) {
		return c.ConcurrentTurns
	}
	return runtime.GOMAXPROCS(0)
}

// localDatabase reports whether a PostgreSQL URL names this machine: a
// loopback address, localhost or a Unix socket.
func localDatabase(url string) bool {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return false
	}
	host := cfg.Host
	if strings.HasPrefix(host, "/") || host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// crypter is the key personal data in forms is encrypted with. Without
// MIA_DATA_KEY (refused in production by load) development gets a key
// that lives as long as the process, with a warning.
func (c *Config) crypter(log *slog.Logger) (*forms.Crypter, error) {
	if c.DataKey != "" {
		crypt, err := forms.NewCrypter(c.DataKey, c.DataKeysOld...)
		if err != nil {
			return nil, fmt.Errorf("configuration: %w", err)
		}
		// Ids only: they tell keys apart and reveal nothing of them.
		log.Info("data keys", "current", crypt.CurrentKeyID(), "old", crypt.OldKeyIDs())
		return crypt, nil
	}
	crypt, err := forms.NewEphemeralCrypter()
	if err == nil {
		log.Warn("MIA_DATA_KEY is not set: personal data in forms is encrypted with a key that lives only until this process exits; set it (32 bytes, base64) for anything but a demo")
	}
	return crypt, err
}

// embedder returns the configured embedder: a model server's when
// MIA_EMBED_MODEL is set, otherwise the offline embedder, which needs no
// model and no network.
func (c *Config) embedder() (rag.Embedder, error) {
	if c.Embed == nil {
		return rag.NewHashEmbedder(), nil
	}
	return llm.NewEmbedder(*c.Embed)
}

// openEngine opens the database (checking, not changing, its schema) and
// wires the engine over it, for commands that run turns outside the
// server (ask, eval). The caller closes the database.
func (c *Config) openEngine(ctx context.Context, e *env, reg *municipality.Registry) (*postgres.DB, *assistant.Engine, error) {
	log := c.logger(e.stderr)
	crypt, err := c.crypter(log)
	if err != nil {
		return nil, nil, err
	}
	db, err := c.openDB(ctx, c.logger(io.Discard), false)
	if err != nil {
		return nil, nil, err
	}
	eng, _, err := newEngine(c, db, reg, crypt, log)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, eng, nil
}
