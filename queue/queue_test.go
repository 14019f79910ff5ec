package queue_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/miasrbija/mia/internal/logctx"
	"github.com/miasrbija/mia/internal/logctx/logtest"
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

// records keeps what a logger was given.
type records struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec.Clone())
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func (r *records) all() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]slog.Record(nil), r.recs...)
}

type failArgs struct{}

func (failArgs) Kind() string { return "fail" }

type failWorker struct {
	river.WorkerDefaults[failArgs]
	done chan struct{}
}

func (w *failWorker) Work(context.Context, *river.Job[failArgs]) error {
	defer close(w.done)
	return errors.New("boom")
}

// TestLogLevels: River's routine messages (client started and stopped,
// job counts) are logged at debug, not info; a failed job is a warning.
func TestLogLevels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	logs := &records{}
	w := &failWorker{done: make(chan struct{})}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	c, err := queue.NewClient(db.Pool, workers, queue.Config{Log: slog.New(logs),
		FetchCooldown: 5 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, failArgs{}, &river.InsertOpts{MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the job was not worked")
	}
	stop, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.Stop(stop); err != nil {
		t.Fatal(err)
	}
	var warned, started bool
	for _, r := range logs.all() {
		switch {
		case r.Level == slog.LevelInfo:
			t.Errorf("logged at info: %q", r.Message)
		case r.Message == "job failed" && r.Level == slog.LevelWarn:
			r.Attrs(func(a slog.Attr) bool {
				warned = warned || a.Key == "job_kind" && a.Value.String() == "fail"
				return true
			})
		case strings.Contains(r.Message, "River client started") && r.Level == slog.LevelDebug:
			started = true
		}
	}
	if !warned {
		t.Error("no warning for the failed job")
	}
	if !started {
		t.Error("River's start message is not kept at debug")
	}
}

type loggingWorker struct {
	river.WorkerDefaults[pingArgs]
	log  *slog.Logger
	done chan int64
}

func (w *loggingWorker) Work(ctx context.Context, j *river.Job[pingArgs]) error {
	w.log.InfoContext(ctx, "working")
	w.done <- j.ID
	return nil
}

// TestJobLinesCarryJobID: a line a worker logs with its context names the
// job, so one job can be followed through the log.
func TestJobLinesCarryJobID(t *testing.T) {
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	var buf logtest.Buffer
	w := &loggingWorker{log: slog.New(logctx.NewHandler(slog.NewJSONHandler(&buf, nil))), done: make(chan int64, 1)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	c, err := queue.NewClient(db.Pool, workers, queue.Config{FetchCooldown: 5 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		c.Stop(stop)
	}()
	res, err := c.Insert(ctx, pingArgs{N: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-w.done:
		if id != res.Job.ID {
			t.Fatalf("worked job %d, inserted %d", id, res.Job.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("job not worked")
	}
	if want := fmt.Sprintf(`"job_id":%d`, res.Job.ID); !strings.Contains(buf.String(), want) {
		t.Errorf("worker's line lacks %s: %s", want, buf.String())
	}
}
