package logctx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/miasrbija/mia/internal/logctx"
)

func newLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(logctx.NewHandler(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
}

func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		out = append(out, m)
	}
	return out
}

func TestHandlerAddsIDs(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := newLogger(&buf).With("component", "test")
	ctx := logctx.WithJobID(logctx.WithRequestID(context.Background(), "req-1"), 42)
	log.InfoContext(ctx, "with both")
	log.WarnContext(logctx.WithRequestID(context.Background(), "req-2"), "request only", "request_id", "own")
	log.Info("no context")

	got := lines(t, &buf)
	if len(got) != 3 {
		t.Fatalf("%d lines", len(got))
	}
	if got[0]["request_id"] != "req-1" || got[0]["job_id"] != float64(42) || got[0]["component"] != "test" {
		t.Errorf("ids not added: %v", got[0])
	}
	if got[1]["request_id"] != "own" || got[1]["job_id"] != nil {
		t.Errorf("a record's own request_id was not kept alone: %v", got[1])
	}
	if _, ok := got[2]["request_id"]; ok {
		t.Errorf("an id without a context: %v", got[2])
	}
	if strings.Count(buf.String(), `"request_id"`) != 2 {
		t.Errorf("request_id repeated:\n%s", buf.String())
	}
}

func TestHandlerCapsFields(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	long := strings.Repeat("ж", logctx.MaxValue) // two bytes each
	log := newLogger(&buf).With("fixed", long)
	log.Info(long, "path", long, "err", errors.New(long), "g", slog.GroupValue(slog.String("inner", long)), "short", "ok")

	l := lines(t, &buf)[0]
	for _, v := range []any{l["msg"], l["fixed"], l["path"], l["err"], l["g"].(map[string]any)["inner"]} {
		s, _ := v.(string)
		if len(s) > logctx.MaxValue+40 || !strings.HasPrefix(s, "жж") || !strings.HasSuffix(s, " bytes cut)") {
			t.Errorf("not capped (%d bytes): %.60q", len(s), s)
		}
		if !strings.Contains(s, "ж… (") {
			t.Errorf("cut inside a rune: %q", s[len(s)-40:])
		}
	}
	if l["short"] != "ok" {
		t.Errorf("short field changed: %v", l["short"])
	}
}

func TestNewHandlerWrapsOnce(t *testing.T) {
	t.Parallel()
	h := logctx.NewHandler(slog.DiscardHandler)
	if logctx.NewHandler(h) != h {
		t.Error("wrapped twice")
	}
}
