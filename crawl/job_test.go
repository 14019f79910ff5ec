package crawl_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres/crawlstore"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/queue"
	"github.com/miasrbija/mia/rag"
)

// TestPeriodicJob: serve's River job crawls each configured source on
// start and records the run.
func TestPeriodicJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, false)
	data, err := os.ReadFile("../municipality/municipalities.yaml")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.Replace(string(data), "media_retention_days: 365", "media_retention_days: 365\n    sources:\n      - name: sajt\n        start: [\""+s.url("/")+"\"]\n        schedule: 1h", 1)
	reg, err := municipality.Parse([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	store := crawlstore.New(db)
	c, err := crawl.New(crawl.Config{Store: store, Delay: -1})
	if err != nil {
		t.Fatal(err)
	}
	docs := docstore.New(db)
	workers := river.NewWorkers()
	err = crawl.RegisterWorkers(workers, crawl.JobConfig{Crawler: c, Municipalities: reg, Ingester: func(m string) crawl.Ingester {
		return &ingest.Runner{Store: docs, Embedder: rag.NewHashEmbedder(), Municipality: m}
	}})
	if err != nil {
		t.Fatal(err)
	}
	jobs := crawl.PeriodicJobs(reg)
	if len(jobs) != 1 {
		t.Fatalf("%d periodic jobs, want 1", len(jobs))
	}
	client, err := queue.NewClient(db.Pool, workers, queue.Config{PeriodicJobs: jobs, FetchCooldown: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		client.Stop(sctx)
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		runs, err := store.Runs(ctx, "sombor", 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) > 0 && runs[0].Status != crawl.StatusRunning {
			if runs[0].Status != crawl.StatusOK || runs[0].Added < 10 || runs[0].Source != "sajt" {
				t.Fatalf("run: %+v", runs[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no finished crawl run within 60s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// While a run holds the source, another cannot start. The job records
	// its run a moment before it lets go of the source: wait for that.
	var release func()
	for lockBy := time.Now().Add(10 * time.Second); ; {
		if release, err = store.Lock(ctx, "sombor", "sajt"); err == nil {
			break
		}
		if time.Now().After(lockBy) {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer release()
	src := crawl.FromConfig("sombor", reg.Default().Sources[0])
	if _, err := c.Run(ctx, src, &ingest.Runner{Store: docs, Embedder: rag.NewHashEmbedder(), Municipality: "sombor"}, crawl.Options{}); !errors.Is(err, crawl.ErrBusy) {
		t.Fatalf("second run: %v, want ErrBusy", err)
	}
}
