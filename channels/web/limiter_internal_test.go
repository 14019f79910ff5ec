package web

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"github.com/miasrbija/mia/ratelimit/redislimit"
)

// A store that cannot be reached lets every request through, counts each
// failed check and logs once, not once per request.
func TestLimiterFailsOpen(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	// Nothing listens on port 1: every check fails to connect.
	opt, err := redislimit.ParseURL("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	down := redislimit.New(redis.NewClient(opt), "")
	errs := newLimitErrors()
	l := newLimiter(down, Limit{Rate: 0.001, Burst: 1}, "ip", Config{Now: time.Now, Log: slog.New(slog.NewTextHandler(&logs, nil))}, errs)
	for i := range 3 {
		if ok, _ := l.allow(context.Background(), ipKey("198.51.100.7")); !ok {
			t.Fatalf("request %d refused while the limit's store is down", i+1)
		}
	}
	if n := counterValue(errs.WithLabelValues("ip")); n != 3 {
		t.Errorf("mia_ratelimit_errors_total{limit=ip} = %v, want 3", n)
	}
	if n := strings.Count(logs.String(), "rate limit unavailable"); n != 1 {
		t.Errorf("%d log lines for 3 failed checks, want 1:\n%s", n, logs.String())
	}
	// A disabled limit never asks the store.
	off := newLimiter(down, Limit{Rate: -1}, "conversation", Config{Now: time.Now, Log: slog.New(slog.DiscardHandler)}, errs)
	if ok, _ := off.allow(context.Background(), "k"); !ok || counterValue(errs.WithLabelValues("conversation")) != 0 {
		t.Error("a disabled limit consulted its store")
	}
}

func TestIPKeyHidesTheAddress(t *testing.T) {
	t.Parallel()
	k := ipKey("198.51.100.7")
	if strings.Contains(k, "198") || len(k) != 32 || k == ipKey("198.51.100.8") {
		t.Errorf("ipKey = %q", k)
	}
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
