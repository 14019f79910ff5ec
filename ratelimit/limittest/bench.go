package limittest

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/ratelimit"
)

// Bench measures one check against a backend: sequentially (the latency
// of a check) and from 8 goroutines per CPU (the throughput of one busy
// replica). Keys cycle over 1,000 clients under the web channel's default
// per-IP limit, so rows are reused as in production.
func Bench(b *testing.B, l ratelimit.Limiter) {
	lim := ratelimit.PerSecond(2, 40)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "bench:" + strconv.Itoa(i)
	}
	ctx := context.Background()
	b.Run("Sequential", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := l.Allow(ctx, keys[i%len(keys)], lim, 1, time.Now()); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(8) // many requests at once, as on a busy replica
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := l.Allow(ctx, keys[next.Add(1)%int64(len(keys))], lim, 1, time.Now()); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
