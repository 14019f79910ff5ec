// Package logctx carries the ids that tie log lines together (the HTTP
// request's, the River job's) in a context, and adds them to every record
// logged with a context through its slog.Handler wrapper. The wrapper also
// caps the length of log fields: they may hold what a client sent (a path,
// a message), and one huge line must not flood the log.
package logctx

import (
	"context"
	"log/slog"
	"strconv"
	"unicode/utf8"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	jobIDKey
)

// WithRequestID returns ctx carrying the HTTP request's id; an empty id
// leaves ctx as it is.
func WithRequestID(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	if ctx == nil {
		return ""
	}
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// WithJobID returns ctx carrying the id of the River job being worked, for
// a worker to call at the start of Work.
func WithJobID(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, jobIDKey, id)
}

// JobID returns the job id ctx carries; ok is false when it carries none.
func JobID(ctx context.Context) (id int64, ok bool) {
	if ctx == nil {
		return 0, false
	}
	id, ok = ctx.Value(jobIDKey).(int64)
	return id, ok
}

// MaxValue is the longest a string field (or an error's text, or the
// message) may be in bytes; longer ones are cut at a rune boundary and
// end with how many bytes were cut.
const MaxValue = 4096

// Handler adds request_id and job_id from the context to each record and
// caps the length of its fields, then passes it on. Records logged without
// a context (Info rather than InfoContext) carry no id. Under a group
// (Logger.WithGroup) the ids land inside the group.
type Handler struct {
	next slog.Handler
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler wraps next; a handler that is already a *Handler is returned
// as is, so wrapping twice adds the ids once.
func NewHandler(next slog.Handler) slog.Handler {
	if h, ok := next.(*Handler); ok {
		return h
	}
	return &Handler{next: next}
}

// Enabled reports whether the wrapped handler takes records of level l.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle adds the context's ids, caps the fields and passes the record on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, capString(r.Message), r.PC)
	// A record that names its own ids (the request log) keeps them.
	var hasReq, hasJob bool
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "request_id":
			hasReq = true
		case "job_id":
			hasJob = true
		}
		return true
	})
	if id := RequestID(ctx); id != "" && !hasReq {
		out.AddAttrs(slog.String("request_id", id))
	}
	if id, ok := JobID(ctx); ok && !hasJob {
		out.AddAttrs(slog.Int64("job_id", id))
	}
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(capAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs returns a Handler whose fixed attributes are capped too.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	capped := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		capped[i] = capAttr(a)
	}
	return &Handler{next: h.next.WithAttrs(capped)}
}

// WithGroup returns a Handler that opens the group in the wrapped one.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name)}
}

// capAttr caps a string, an error's text or a group's members.
func capAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		if len(v.String()) > MaxValue {
			return slog.String(a.Key, capString(v.String()))
		}
	case slog.KindGroup:
		g := v.Group()
		capped := make([]slog.Attr, len(g))
		for i, m := range g {
			capped[i] = capAttr(m)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(capped...)}
	case slog.KindAny:
		if err, ok := v.Any().(error); ok && err != nil {
			if s := err.Error(); len(s) > MaxValue {
				return slog.String(a.Key, capString(s))
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// capString cuts s to MaxValue bytes at a rune boundary, saying how much
// was cut.
func capString(s string) string {
	if len(s) <= MaxValue {
		return s
	}
	cut := MaxValue
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + strconv.Itoa(len(s)-cut) + " bytes cut)"
}
