package crawl

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/miasrbija/mia/municipality"
)

// DefaultJobTimeout bounds one scheduled run: a thousand pages at the
// default pace of a second each, with room for embedding.
const DefaultJobTimeout = 2 * time.Hour

// FromConfig turns a municipality's sources: entry into a Source.
func FromConfig(slug string, s municipality.Source) Source {
	return Source{Municipality: slug, Name: s.Key(), Start: s.Start, Prefixes: s.Prefixes,
		MaxPages: s.MaxPages, MaxDepth: s.MaxDepth}
}

// JobConfig wires the periodic re-crawl.
type JobConfig struct {
	Crawler        *Crawler
	Municipalities *municipality.Registry
	// Ingester returns what stores a municipality's documents (an
	// *ingest.Runner on the knowledge base).
	Ingester func(municipality string) Ingester
	// Timeout bounds one run; default DefaultJobTimeout.
	Timeout time.Duration
	Log     *slog.Logger
}

// Args is the job crawling one source of one municipality.
type Args struct {
	Municipality string `json:"municipality"`
	Source       string `json:"source"`
}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "crawl_source" }

// PeriodicJobs returns one schedule per source of every municipality, at
// the source's interval and once at start. A source's job is unique while
// it waits or runs, so one site is never crawled twice at once.
func PeriodicJobs(reg *municipality.Registry) []*river.PeriodicJob {
	var jobs []*river.PeriodicJob
	for _, m := range reg.All() {
		for _, s := range m.Sources {
			args := Args{Municipality: m.Slug, Source: s.Key()}
			jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(s.Interval()),
				func() (river.JobArgs, *river.InsertOpts) {
					return args, &river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true,
						ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
							rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
				},
				&river.PeriodicJobOpts{ID: "crawl:" + m.Slug + ":" + args.Source, RunOnStart: true}))
		}
	}
	return jobs
}

// RegisterWorkers adds the crawl worker; it fails when something it
// needs is missing.
func RegisterWorkers(workers *river.Workers, cfg JobConfig) error {
	if cfg.Crawler == nil || cfg.Municipalities == nil || cfg.Ingester == nil {
		return errors.New("crawl: crawler, municipalities and ingester are required")
	}
	cfg.Timeout = cmp.Or(cfg.Timeout, DefaultJobTimeout)
	cfg.Log = cmp.Or(cfg.Log, slog.New(slog.DiscardHandler))
	return river.AddWorkerSafely(workers, &worker{cfg: cfg})
}

type worker struct {
	river.WorkerDefaults[Args]
	cfg JobConfig
}

// Timeout gives a crawl longer than the queue's default job timeout.
func (w *worker) Timeout(*river.Job[Args]) time.Duration { return w.cfg.Timeout }

// Work crawls the source. A site that fails is recorded in the run and is
// not retried before its next turn; an error of MIA's own (database,
// embedder) is returned, so River retries.
func (w *worker) Work(ctx context.Context, job *river.Job[Args]) error {
	m, err := w.cfg.Municipalities.Get(job.Args.Municipality)
	if err != nil {
		return river.JobCancel(fmt.Errorf("crawl: %w", err))
	}
	for _, s := range m.Sources {
		if s.Key() != job.Args.Source {
			continue
		}
		run, err := w.cfg.Crawler.Run(ctx, FromConfig(m.Slug, s), w.cfg.Ingester(m.Slug), Options{})
		if errors.Is(err, ErrBusy) {
			w.cfg.Log.InfoContext(ctx, "crawl: source already being crawled", "municipality", m.Slug, "source", job.Args.Source)
			return nil
		}
		if err != nil {
			return fmt.Errorf("crawl %s/%s: %w", m.Slug, job.Args.Source, err)
		}
		if run.Status == StatusFailed {
			w.cfg.Log.WarnContext(ctx, "crawl: source failed", "municipality", m.Slug, "source", job.Args.Source, "error", run.Error)
		}
		return nil
	}
	// The source was removed from the file since the job was scheduled.
	return river.JobCancel(fmt.Errorf("crawl: %s has no source %q", m.Slug, job.Args.Source))
}
