package docstore

import (
	"context"
	"fmt"
	"time"

	"github.com/miasrbija/mia/rag"
)

// HasVectorIndex implements rag.Store.
func (s *Store) HasVectorIndex(ctx context.Context, model string, dim int) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, vectorIndexName(model, dim)).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("vector index of %s: %w", model, err)
	}
	return ok, nil
}

// indexProgressEvery is how often a build's progress is read.
const indexProgressEvery = time.Second

// BuildVectorIndex implements rag.Store. The build runs on a connection of
// its own with b.WorkMem as maintenance_work_mem (an HNSW build that does
// not fit it is several times slower); a second connection reads
// pg_stat_progress_create_index for b.Progress while it runs.
func (s *Store) BuildVectorIndex(ctx context.Context, model string, dim int, b rag.IndexBuild) error {
	ddl, err := vectorIndexSQL(model, dim)
	if err != nil {
		return err
	}
	conn, err := s.db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("create vector index for %s: %w", model, err)
	}
	defer conn.Release()
	if b.WorkMem != "" {
		// A session setting, reset before the connection goes back.
		if _, err := conn.Exec(ctx, `SELECT set_config('maintenance_work_mem', $1, false)`, b.WorkMem); err != nil {
			return fmt.Errorf("maintenance_work_mem %q: %w", b.WorkMem, err)
		}
		defer conn.Exec(context.WithoutCancel(ctx), `RESET maintenance_work_mem`)
	}
	var pid int
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		return fmt.Errorf("create vector index for %s: %w", model, err)
	}
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		if b.Progress != nil {
			s.watchIndexBuild(ctx, pid, b.Progress, done)
		}
	}()
	_, err = conn.Exec(ctx, ddl)
	close(done)
	<-watched
	if err != nil {
		return fmt.Errorf("create vector index for %s: %w", model, err)
	}
	return s.ensureModelTownIndexes(ctx, model)
}

// watchIndexBuild reports the progress of the CREATE INDEX run by the
// backend pid until done is closed. pgvector reports the tuples loaded
// into the graph; a missing row (the build has not started or is over)
// reports nothing.
func (s *Store) watchIndexBuild(ctx context.Context, pid int, progress func(rag.IndexProgress), done <-chan struct{}) {
	t := time.NewTicker(indexProgressEvery)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var p rag.IndexProgress
		err := s.db.QueryRow(ctx, `SELECT phase, tuples_done, tuples_total FROM pg_stat_progress_create_index WHERE pid = $1`, pid).
			Scan(&p.Phase, &p.Done, &p.Total)
		if err == nil {
			progress(p)
		}
	}
}
