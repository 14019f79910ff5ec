package queue_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/queue"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type pingArgs struct{ N int }

func (pingArgs) Kind() string { return "ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	done chan int
}

func (w *pingWorker) Work(_ context.Context, j *river.Job[pingArgs]) error {
	w.done <- j.Args.N
	return nil
}

func TestMigrateAndWork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	for range 2 { // idempotent: every start calls it
		if err := queue.Migrate(ctx, db.Pool); err != nil {
			t.Fatal(err)
		}
	}
	// An insert-only client cannot start.
	ins, err := queue.NewClient(db.Pool, nil, queue.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ins.Start(ctx); err == nil {
		t.Error("an insert-only client started")
	}
	if _, err := ins.Insert(ctx, pingArgs{N: 7}, nil); err != nil {
		t.Fatal(err)
	}

	w := &pingWorker{done: make(chan int, 1)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	c, err := queue.NewClient(db.Pool, workers, queue.Config{MaxWorkers: 2, FetchCooldown: 5 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := c.Stop(stop); err != nil {
			t.Error(err)
		}
	}()
	select {
	case n := <-w.done:
		if n != 7 {
			t.Errorf("worked %d", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the job inserted before start was not worked")
	}
	if _, err := queue.NewClient(nil, nil, queue.Config{}); err == nil {
		t.Error("a client without a pool")
	}
}

func TestMigrateConcurrently(t *testing.T) {
	db, _ := pgtest.NewDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = queue.Migrate(context.Background(), db.Pool) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
}
