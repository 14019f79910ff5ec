package crawlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/postgres/crawlstore"
	"github.com/miasrbija/mia/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestRunsPruned: finishing a run keeps the source's newest runs only (a
// crawl a day would grow the table for good), never another source's,
// and never a run still going.
func TestRunsPruned(t *testing.T) {
	db, _ := pgtest.NewDB(t)
	s := crawlstore.New(db)
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)
	run := func(source string, day int, finish bool) int64 {
		t.Helper()
		r := &crawl.Run{Municipality: "sombor", Source: source, StartedAt: start.AddDate(0, 0, day)}
		id, err := s.StartRun(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if finish {
			r.ID, r.Status, r.FinishedAt = id, crawl.StatusOK, r.StartedAt.Add(time.Minute)
			if err := s.FinishRun(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	stuck := run("sajt", -1, false) // older than every other, still running
	run("drugi", 0, true)
	var last int64
	for day := range 110 {
		last = run("sajt", day, true)
	}
	runs, err := s.Runs(ctx, "sombor", 1000)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	kept := map[int64]bool{}
	for _, r := range runs {
		per[r.Source]++
		kept[r.ID] = true
	}
	if per["sajt"] != 101 || per["drugi"] != 1 {
		t.Errorf("runs kept per source %v, want sajt 100 finished + 1 running, drugi 1", per)
	}
	if !kept[last] || !kept[stuck] {
		t.Errorf("the newest run kept %v, the running one kept %v", kept[last], kept[stuck])
	}
	for _, r := range runs {
		if r.Source == "sajt" && r.ID != stuck && r.StartedAt.Before(start.AddDate(0, 0, 10)) {
			t.Errorf("a run of day %v survived; the newest 100 start on day 10", r.StartedAt)
		}
	}
}
