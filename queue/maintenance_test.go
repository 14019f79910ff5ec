package queue_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/queue"
)

func TestMaintenanceSettings(t *testing.T) {
	t.Parallel()
	rc, err := queue.RiverConfig(nil, queue.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if rc.RescueStuckJobsAfter != 2*time.Minute || rc.JobTimeout != 90*time.Second {
		t.Errorf("rescue after %v, job timeout %v; want 2m and 90s", rc.RescueStuckJobsAfter, rc.JobTimeout)
	}
	if rc.CompletedJobRetentionPeriod != time.Hour || rc.CancelledJobRetentionPeriod != 24*time.Hour || rc.DiscardedJobRetentionPeriod != 7*24*time.Hour {
		t.Errorf("retention: completed %v, cancelled %v, discarded %v", rc.CompletedJobRetentionPeriod, rc.CancelledJobRetentionPeriod, rc.DiscardedJobRetentionPeriod)
	}
	// A longer job timeout alone moves the rescue after it.
	if rc, err := queue.RiverConfig(nil, queue.Config{JobTimeout: 5 * time.Minute}); err != nil || rc.RescueStuckJobsAfter <= 5*time.Minute {
		t.Errorf("job timeout 5m: rescue after %v, %v", rc.RescueStuckJobsAfter, err)
	}
	// Both given, the rescue before the timeout: refused.
	if _, err := queue.RiverConfig(nil, queue.Config{JobTimeout: time.Minute, RescueStuckJobsAfter: time.Minute}); err == nil {
		t.Error("a rescue not after the job timeout accepted")
	}
}

// startWorkers starts a client working ping jobs on db with cfg and
// returns the channel the jobs' numbers arrive on.
func startWorkers(t *testing.T, db *postgres.DB, cfg queue.Config) chan int {
	t.Helper()
	ctx := context.Background()
	w := &pingWorker{done: make(chan int, 10)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	cfg.FetchCooldown, cfg.FetchPollInterval = 5*time.Millisecond, 20*time.Millisecond
	c, err := queue.NewClient(db.Pool, workers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = c.Stop(stop)
	})
	return w.done
}

// insertPing inserts a ping job with an insert-only client and returns
// its id.
func insertPing(t *testing.T, db *postgres.DB, n int) int64 {
	t.Helper()
	ins, err := queue.NewClient(db.Pool, nil, queue.Config{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ins.Insert(context.Background(), pingArgs{N: n}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Job.ID
}

func jobCount(t *testing.T, db *postgres.DB, id int64) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCompletedJobsPruned: a completed job older than the configured
// retention is deleted by River's cleaner; a younger one stays.
func TestCompletedJobsPruned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	old, young := insertPing(t, db, 1), insertPing(t, db, 2)
	for id, age := range map[int64]string{old: "20 minutes", young: "1 minute"} {
		if _, err := db.Exec(ctx, `UPDATE river_job SET state = 'completed', attempt = 1, attempted_at = now() - $2::interval,
			finalized_at = now() - $2::interval WHERE id = $1`, id, age); err != nil {
			t.Fatal(err)
		}
	}
	startWorkers(t, db, queue.Config{CompletedRetention: 10 * time.Minute})
	deadline := time.Now().Add(15 * time.Second)
	for jobCount(t, db, old) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a job completed 20 minutes ago is kept with a retention of 10 minutes")
		}
		time.Sleep(20 * time.Millisecond) // polling interval of a bounded wait
	}
	if jobCount(t, db, young) != 1 {
		t.Error("a job completed a minute ago was deleted")
	}
}

// TestStuckJobRescued: a job left running by a worker that died is
// rescued and worked again within the default setting (minutes, not
// River's hour).
func TestStuckJobRescued(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	id := insertPing(t, db, 42)
	// As a crash leaves it: running, attempted 5 minutes ago by a gone worker.
	if _, err := db.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '5 minutes',
		attempted_by = '{dead-worker}' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	done := startWorkers(t, db, queue.Config{})
	select {
	case n := <-done:
		if n != 42 {
			t.Errorf("worked %d", n)
		}
	case <-time.After(30 * time.Second):
		var state string
		_ = db.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, id).Scan(&state)
		t.Fatalf("the stuck job was not rescued (state %s)", state)
	}
}
