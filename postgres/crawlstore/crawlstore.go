// Package crawlstore is the crawler's state in PostgreSQL: the tables
// crawl_pages and crawl_runs, behind crawl.Store.
package crawlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/postgres"
)

// Store implements crawl.Store on one database.
type Store struct {
	db *postgres.DB
}

var _ crawl.Store = (*Store)(nil)

// New returns a store on db, which must be migrated.
func New(db *postgres.DB) *Store { return &Store{db: db} }

// maxFailures bounds the failed and skipped URLs kept with a run.
const maxFailures = 500

// keepRuns is how many finished runs of a source are kept: /staff/sources
// shows the latest, and a daily crawl keeps about three months of them.
const keepRuns = 100

const pageColumns = `municipality, source_name, url, canonical, etag, last_modified, content_hash, format, links,
	depth, misses, retired, duplicate_of, first_seen, last_seen, last_changed`

func scanPage(rows pgx.CollectableRow) (crawl.Page, error) {
	var p crawl.Page
	var changed *time.Time
	err := rows.Scan(&p.Municipality, &p.Source, &p.URL, &p.Canonical, &p.ETag, &p.LastModified, &p.ContentHash,
		&p.Format, &p.Links, &p.Depth, &p.Misses, &p.Retired, &p.DuplicateOf, &p.FirstSeen, &p.LastSeen, &changed)
	if changed != nil {
		p.LastChanged = *changed
	}
	return p, err
}

// Pages implements crawl.Store.
func (s *Store) Pages(ctx context.Context, municipality, source string) ([]crawl.Page, error) {
	rows, err := s.db.Query(ctx, `SELECT `+pageColumns+` FROM crawl_pages
		WHERE municipality = $1 AND source_name = $2 ORDER BY url`, municipality, source)
	if err != nil {
		return nil, fmt.Errorf("crawl pages: %w", err)
	}
	pages, err := pgx.CollectRows(rows, scanPage)
	if err != nil {
		return nil, fmt.Errorf("crawl pages: %w", err)
	}
	return pages, nil
}

// SavePage implements crawl.Store.
func (s *Store) SavePage(ctx context.Context, p crawl.Page) error {
	links := p.Links
	if links == nil {
		links = []string{}
	}
	var changed *time.Time
	if !p.LastChanged.IsZero() {
		changed = &p.LastChanged
	}
	_, err := s.db.Exec(ctx, `INSERT INTO crawl_pages (`+pageColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT (municipality, url) DO UPDATE SET
			source_name = EXCLUDED.source_name, canonical = EXCLUDED.canonical, etag = EXCLUDED.etag,
			last_modified = EXCLUDED.last_modified, content_hash = EXCLUDED.content_hash, format = EXCLUDED.format,
			links = EXCLUDED.links, depth = EXCLUDED.depth, misses = EXCLUDED.misses, retired = EXCLUDED.retired,
			duplicate_of = EXCLUDED.duplicate_of, last_seen = EXCLUDED.last_seen, last_changed = EXCLUDED.last_changed`,
		p.Municipality, p.Source, p.URL, p.Canonical, p.ETag, p.LastModified, p.ContentHash, p.Format, links,
		p.Depth, p.Misses, p.Retired, p.DuplicateOf, p.FirstSeen, p.LastSeen, changed)
	if err != nil {
		return fmt.Errorf("save crawl page %s: %w", p.URL, err)
	}
	return nil
}

// StartRun implements crawl.Store.
func (s *Store) StartRun(ctx context.Context, r *crawl.Run) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO crawl_runs (municipality, source_name, status, started_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, r.Municipality, r.Source, crawl.StatusRunning, r.StartedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("start crawl run: %w", err)
	}
	return id, nil
}

// FinishRun implements crawl.Store.
func (s *Store) FinishRun(ctx context.Context, r *crawl.Run) error {
	failures := r.Failures()
	if len(failures) > maxFailures {
		failures = failures[:maxFailures]
	}
	if failures == nil {
		failures = []crawl.PageResult{}
	}
	js, err := json.Marshal(failures)
	if err != nil {
		return err
	}
	// The run's outcome, and the source's runs past the newest keepRuns
	// go: a crawl every day would otherwise grow the table for good.
	_, err = s.db.Exec(ctx, `
		WITH done AS (
			UPDATE crawl_runs SET status = $2, error = $3, finished_at = $4, seen = $5,
				unchanged = $6, changed = $7, added = $8, retired = $9, failed = $10, skipped = $11, requests = $12,
				chunks = $13, failures = $14 WHERE id = $1
			RETURNING municipality, source_name)
		DELETE FROM crawl_runs o USING done
		WHERE o.municipality = done.municipality AND o.source_name = done.source_name AND o.id <> $1
			AND o.status <> 'running'
			AND o.id NOT IN (SELECT k.id FROM crawl_runs k
				WHERE k.municipality = done.municipality AND k.source_name = done.source_name
				ORDER BY k.started_at DESC, k.id DESC LIMIT $15)`,
		r.ID, r.Status, r.Error, r.FinishedAt, r.Seen, r.Unchanged, r.Changed, r.Added, r.Retired, r.Failed,
		r.Skipped, r.Requests, r.Chunks, js, keepRuns)
	if err != nil {
		return fmt.Errorf("finish crawl run: %w", err)
	}
	return nil
}

// Runs implements crawl.Store.
func (s *Store) Runs(ctx context.Context, municipality string, limit int) ([]crawl.Run, error) {
	rows, err := s.db.Query(ctx, `SELECT id, municipality, source_name, status, error, started_at, finished_at,
		seen, unchanged, changed, added, retired, failed, skipped, requests, chunks, failures
		FROM crawl_runs WHERE municipality = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, municipality, limit)
	if err != nil {
		return nil, fmt.Errorf("crawl runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crawl.Run, error) {
		var r crawl.Run
		var finished *time.Time
		var failures []byte
		err := row.Scan(&r.ID, &r.Municipality, &r.Source, &r.Status, &r.Error, &r.StartedAt, &finished,
			&r.Seen, &r.Unchanged, &r.Changed, &r.Added, &r.Retired, &r.Failed, &r.Skipped, &r.Requests, &r.Chunks, &failures)
		if err != nil {
			return r, err
		}
		if finished != nil {
			r.FinishedAt = *finished
			r.Elapsed = finished.Sub(r.StartedAt)
		}
		return r, json.Unmarshal(failures, &r.Pages)
	})
	if err != nil {
		return nil, fmt.Errorf("crawl runs: %w", err)
	}
	return runs, nil
}

// Lock implements crawl.Store with a session advisory lock on a
// connection of its own, so a crashed run's lock goes with its
// connection.
func (s *Store) Lock(ctx context.Context, municipality, source string) (func(), error) {
	conn, err := s.db.Pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("crawl lock: %w", err)
	}
	key := "crawl:" + municipality + ":" + source
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, key).Scan(&ok); err != nil {
		conn.Release()
		return nil, fmt.Errorf("crawl lock: %w", err)
	}
	if !ok {
		conn.Release()
		return nil, crawl.ErrBusy
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, key); err != nil {
			// The lock must not outlive the run on a pooled connection.
			conn.Conn().Close(ctx)
		}
		conn.Release()
	}, nil
}

// StalePages implements crawl.Store.
func (s *Store) StalePages(ctx context.Context, municipality string, before time.Time) ([]crawl.Page, error) {
	rows, err := s.db.Query(ctx, `SELECT `+pageColumns+` FROM crawl_pages
		WHERE municipality = $1 AND NOT retired AND duplicate_of = '' AND format <> 'sitemap' AND content_hash <> ''
		  AND last_seen < $2
		ORDER BY last_seen, url`, municipality, before)
	if err != nil {
		return nil, fmt.Errorf("stale pages: %w", err)
	}
	pages, err := pgx.CollectRows(rows, scanPage)
	if err != nil {
		return nil, fmt.Errorf("stale pages: %w", err)
	}
	return pages, nil
}
