package queue

import (
	"context"
	"log/slog"

	"github.com/miasrbija/mia/internal/logctx"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// quietHandler is River's own logger: River reports routine work at info
// (job counts every few seconds while periodic jobs run, maintenance
// passes), which would bury the request log, so its info records go out
// at debug. Its warnings and errors are kept as they are.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.Handler.Enabled(ctx, lower(level))
}

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Level = lower(r.Level)
	return h.Handler.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(attrs)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}

func lower(l slog.Level) slog.Level {
	if l >= slog.LevelInfo && l < slog.LevelWarn {
		return slog.LevelDebug
	}
	return l
}

// jobErrors logs a failed attempt of a job at warn with our logger: River
// itself reports it at info, now lowered to debug with the rest. A job
// cancelled on purpose (river.JobCancel) is not a failure and is not
// reported here.
type jobErrors struct{ log *slog.Logger }

var _ river.ErrorHandler = jobErrors{}

func (h jobErrors) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.log.WarnContext(ctx, "job failed", "job_id", job.ID, "job_kind", job.Kind,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "err", err)
	return nil
}

func (h jobErrors) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.log.ErrorContext(ctx, "job panicked", "job_id", job.ID, "job_kind", job.Kind,
		"attempt", job.Attempt, "panic", panicVal, "trace", trace)
	return nil
}

// jobLogIDs puts each job's id in its context, so every line a worker
// logs with a *Context method carries job_id (see internal/logctx).
type jobLogIDs struct{ river.MiddlewareDefaults }

var _ rivertype.WorkerMiddleware = (*jobLogIDs)(nil)

func (*jobLogIDs) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	return doInner(logctx.WithJobID(ctx, job.ID))
}
