// Package retention is the periodic job that deletes citizens' data past
// its time: the photos and videos of filed cases after each
// municipality's media_retention_days (counted from the case's last
// change), the personal data of closed cases after its
// personal_data_days, forms left unfinished for the draft TTL (forms.Config.DraftTTL,
// MIA_DRAFT_TTL, 24 h by default) with everything they hold, and
// attachment bytes no row points at. forms decides what goes
// and postgres/casestore deletes it; this package only runs it on a
// schedule.
package retention

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

// Forms applies the retention rules: *forms.Service.
type Forms interface {
	DeleteExpiredMedia(ctx context.Context, municipality string, before time.Time) (int, error)
	ExpireDrafts(ctx context.Context, municipality string, now time.Time) (forms.Expired, error)
	ErasePersonalData(ctx context.Context, municipality string, before time.Time) (int64, error)
}

var _ Forms = (*forms.Service)(nil)

// Config wires the job.
type Config struct {
	Forms          Forms
	Municipalities *municipality.Registry
	// Interval between runs. Default 1h: deletion is due within a day of
	// its date, and a run with nothing to do costs a few index lookups.
	Interval time.Duration
	// Now is the clock (tests move it); default time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// Args is the periodic retention job.
type Args struct{}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "retention" }

// PeriodicJobs returns the job's schedule: every cfg.Interval, and once at
// start, one run at a time.
func PeriodicJobs(cfg Config) []*river.PeriodicJob {
	every := cmp.Or(cfg.Interval, time.Hour)
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return Args{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
				rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
		},
		&river.PeriodicJobOpts{ID: "retention", RunOnStart: true})}
}

// RegisterWorkers adds the retention worker. It fails without forms or
// municipalities.
func RegisterWorkers(workers *river.Workers, cfg Config) error {
	if cfg.Forms == nil || cfg.Municipalities == nil {
		return errors.New("retention: forms and municipalities are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Log = cmp.Or(cfg.Log, slog.New(slog.DiscardHandler))
	return river.AddWorkerSafely(workers, &worker{cfg: cfg})
}

type worker struct {
	river.WorkerDefaults[Args]
	cfg Config
}

// Work applies the rules to every municipality; one failing does not stop
// the others (the job is retried with the error).
func (w *worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	now := w.cfg.Now()
	var errs []error
	for _, m := range w.cfg.Municipalities.All() {
		media, err := w.cfg.Forms.DeleteExpiredMedia(ctx, m.Slug, now.Add(-m.MediaRetention()))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Slug, err))
		}
		exp, err := w.cfg.Forms.ExpireDrafts(ctx, m.Slug, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Slug, err))
		}
		erased, err := w.cfg.Forms.ErasePersonalData(ctx, m.Slug, now.Add(-m.PersonalDataRetention()))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Slug, err))
		}
		if media > 0 || erased > 0 || exp != (forms.Expired{}) {
			w.cfg.Log.InfoContext(ctx, "retention: deleted", "municipality", m.Slug, "case_media", media,
				"case_personal_data", erased, "drafts", exp.Drafts, "draft_media", exp.DraftMedia, "orphans", exp.OrphanBytes)
		}
	}
	return errors.Join(errs...)
}
