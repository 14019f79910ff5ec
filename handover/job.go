package handover

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// SweepArgs is the periodic job timing out untaken requests and retrying
// deliveries.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "handover_sweep" }

// SweepInterval is how often the job runs: a citizen learns nobody is
// free at most this long after their wait ran out.
const SweepInterval = 15 * time.Second

// PeriodicJobs returns the sweep's schedule.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(SweepInterval),
		func() (river.JobArgs, *river.InsertOpts) {
			// One run at a time: two would tell a citizen twice.
			return SweepArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
				rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
		},
		&river.PeriodicJobOpts{ID: "handover_sweep", RunOnStart: true})}
}

// RegisterWorkers adds the sweep worker.
func RegisterWorkers(workers *river.Workers, s *Service) error {
	return river.AddWorkerSafely(workers, &sweepWorker{s: s})
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	s *Service
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, err := w.s.Sweep(ctx)
	return err
}
