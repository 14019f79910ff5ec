package viber_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/channels/viber"
)

// BenchmarkWebhookAck drives the webhook over loopback at a fixed 500
// requests per second (a ticker paces them; each request is sent on its
// own goroutine, so a slow answer does not delay the next request) with
// 5,000 signed message events of unique tokens, and reports the
// acknowledgement latency: signature check, dedupe row and River job
// inserted in one transaction, 200. The workers are not running: this
// measures what Viber waits for. Target p99 ≤ 20 ms.
//
//	go test ./channels/viber -run '^$' -bench WebhookAck -benchtime 1x
func BenchmarkWebhookAck(b *testing.B) {
	const (
		rate  = 500
		count = 5000
	)
	bb := setup(b, opts{})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}}
	bodies := make([][]byte, count)
	sigs := make([]string, count)
	for i := range bodies {
		bodies[i] = message(4912661846655238145+uint64(i), fmt.Sprintf("bench-%d==", i%200), "Kako da platim porez na imovinu?")
		sigs[i] = viber.Sign(vectorToken, bodies[i])
	}
	url := bb.srv.URL + "/viber/sombor"
	send := func(i int) (time.Duration, error) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i]))
		req.Header.Set("X-Viber-Content-Signature", sigs[i])
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d", res.StatusCode)
		}
		return time.Since(start), nil
	}
	for b.Loop() {
		lat := make([]time.Duration, count)
		errs := make(chan error, count)
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / rate)
		start := time.Now()
		for i := range count {
			<-tick.C
			wg.Go(func() {
				d, err := send(i)
				if err != nil {
					errs <- err
				}
				lat[i] = d
			})
		}
		tick.Stop()
		wg.Wait()
		elapsed := time.Since(start)
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		slices.Sort(lat)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(ms(lat[count/2]), "p50-ms")
		b.ReportMetric(ms(lat[count*99/100]), "p99-ms")
		b.ReportMetric(ms(lat[count-1]), "max-ms")
		b.ReportMetric(float64(count)/elapsed.Seconds(), "req/s")
		// Each delivery was unique: one turn job apiece.
		bb.waitQueued(b)
		if n := bb.count(b, `SELECT count(*) FROM river_job WHERE kind = 'viber_turn'`); n%count != 0 {
			b.Fatalf("%d jobs for %d deliveries", n, count)
		}
		// The next run needs fresh tokens.
		for i := range bodies {
			bodies[i] = message(uint64(time.Now().UnixNano())+uint64(i), fmt.Sprintf("bench-%d==", i%200), "Kako da platim porez na imovinu?")
			sigs[i] = viber.Sign(vectorToken, bodies[i])
		}
	}
}
