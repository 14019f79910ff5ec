package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/crawlstore"
	"github.com/miasrbija/mia/postgres/replica"
)

// openReplicas makes db's lag-tolerant reads (search, back-office
// analytics and lists) go to the streaming replicas of
// MIA_DATABASE_READ_URL. A replica that is down at start is only logged:
// reads use the primary until it answers.
func (c *Config) openReplicas(ctx context.Context, db *postgres.DB, log *slog.Logger) error {
	if len(c.ReadURLs) == 0 {
		return nil
	}
	set, err := replica.Open(ctx, db, c.ReadURLs, replica.Options{MaxLag: c.ReadMaxLag, Log: log})
	if err != nil {
		return err
	}
	db.SetReader(set)
	for _, st := range set.Status() {
		log.InfoContext(ctx, "read replica", "replica", st.Name, "in_use", st.Healthy, "reason", st.Reason)
	}
	return nil
}

// registerReadMetrics adds the replicas' state and the reads' counts to
// /metrics, when MIA_DATABASE_READ_URL names any.
func registerReadMetrics(reg prometheus.Registerer, db *postgres.DB) {
	if col, ok := db.Reads().(prometheus.Collector); ok {
		reg.MustRegister(col)
	}
}

// readUsage serves the back-office's conversation figures through
// db.Read: aggregates over past conversations tolerate seconds of lag.
type readUsage struct{ db *postgres.DB }

func (u readUsage) Usage(ctx context.Context, municipality string) (assistant.Usage, error) {
	var out assistant.Usage
	err := u.db.Read(ctx, func(ctx context.Context, d *postgres.DB) (err error) {
		out, err = convstore.New(d).Usage(ctx, municipality)
		return err
	})
	return out, err
}

// readCrawlRuns serves the back-office's list of crawl runs through
// db.Read: nothing the back-office writes is read back from it.
type readCrawlRuns struct{ db *postgres.DB }

func (r readCrawlRuns) Runs(ctx context.Context, municipality string, limit int) ([]crawl.Run, error) {
	var out []crawl.Run
	err := r.db.Read(ctx, func(ctx context.Context, d *postgres.DB) (err error) {
		out, err = crawlstore.New(d).Runs(ctx, municipality, limit)
		return err
	})
	return out, err
}

func (r readCrawlRuns) StalePages(ctx context.Context, municipality string, before time.Time) ([]crawl.Page, error) {
	var out []crawl.Page
	err := r.db.Read(ctx, func(ctx context.Context, d *postgres.DB) (err error) {
		out, err = crawlstore.New(d).StalePages(ctx, municipality, before)
		return err
	})
	return out, err
}
