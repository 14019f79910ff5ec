package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/channels/web"
)

// BenchmarkConcurrentStreams opens 200 streaming conversations over
// loopback, offline mode, demo corpus, and reports the time from sending a
// message to its first SSE event (p50/p95, target p95 ≤ 100 ms) and the
// heap held per open stream (client and server side together: both live in
// this process) while all 200 are open. The first event is the engine's
// first delta: nothing is sent ahead of it to flatter the figure.
//
// burst: all 200 messages leave in the same instant, the worst case.
// spread_2s: the 200 messages leave at even intervals over 2 s (100 turns/s),
// while every earlier stream is held open until all have started.
func BenchmarkConcurrentStreams(b *testing.B) {
	b.Run("burst", func(b *testing.B) { benchStreams(b, 0) })
	b.Run("spread_2s", func(b *testing.B) { benchStreams(b, 2*time.Second) })
}

func benchStreams(b *testing.B, spread time.Duration) {
	const n = 200
	bd := setup(b, func(c *web.Config) {
		c.PerIP = web.Limit{Rate: -1} // every client here is 127.0.0.1
		c.PerConversation = web.Limit{Rate: -1}
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}}
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = bd.newConversation(b)
	}
	questions := []string{
		"Do kada se plaća porez na imovinu?", "Где се подноси захтев за дечији додатак?", "uvjerenje o drzavljanstvu taksa",
		"novcana socijalna pomoc uslovi", "ne radi ulična rasveta u mojoj ulici", "koliko košta izvod iz matične knjige rođenih",
		"Koliko košta avionska karta do Beča?", "zdravo", "kako se prijavljuje kvar na vodovodu", "šalter 8 radno vreme",
	}
	var ttfe, ttft []time.Duration
	var perStream []float64
	round := 0
	for b.Loop() {
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		var (
			mu      sync.Mutex
			lat     = make([]time.Duration, 0, n)
			textLat = make([]time.Duration, 0, n)
			first   sync.WaitGroup // every stream has its first event
			release = make(chan struct{})
			done    sync.WaitGroup
			errs    = make(chan error, n)
		)
		first.Add(n)
		done.Add(n)
		for i := range n {
			go func() {
				defer done.Done()
				time.Sleep(spread * time.Duration(i) / n)
				gotFirst := false
				defer func() {
					if !gotFirst {
						first.Done()
					}
				}()
				body, _ := json.Marshal(map[string]string{"text": questions[(i+round)%len(questions)]})
				start := time.Now()
				res, err := client.Post(fmt.Sprintf("%s/api/v1/sombor/conversations/%s/messages", bd.srv.URL, tokens[i]),
					"application/json", bytes.NewReader(body))
				if err != nil {
					errs <- err
					return
				}
				defer res.Body.Close()
				br := bufio.NewReader(res.Body)
				var firstAt time.Duration
				for { // up to the first text event
					line, err := br.ReadString('\n')
					if err != nil {
						errs <- fmt.Errorf("first event: %w (%s)", err, res.Status)
						return
					}
					if line == "\n" && firstAt == 0 {
						firstAt = time.Since(start)
					}
					if strings.HasPrefix(line, "event: delta") || strings.HasPrefix(line, "event: replace") {
						break
					}
				}
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, firstAt)
				textLat = append(textLat, d)
				mu.Unlock()
				gotFirst = true
				first.Done()
				<-release // hold the stream open
				if _, err := io.Copy(io.Discard, br); err != nil {
					errs <- err
				}
			}()
		}
		first.Wait()
		runtime.GC()
		runtime.ReadMemStats(&ms1)
		close(release)
		done.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		ttfe = append(ttfe, lat...)
		ttft = append(ttft, textLat...)
		perStream = append(perStream, (float64(ms1.HeapInuse)-float64(ms0.HeapInuse))/n)
		round++
	}
	slices.Sort(ttfe)
	b.ReportMetric(float64(ttfe[len(ttfe)/2].Microseconds())/1000, "ttfe_p50_ms")
	b.ReportMetric(float64(ttfe[len(ttfe)*95/100].Microseconds())/1000, "ttfe_p95_ms")
	// Time to the first text of the answer: the engine's work, queued
	// behind the other turns when they all arrive at once.
	slices.Sort(ttft)
	b.ReportMetric(float64(ttft[len(ttft)/2].Microseconds())/1000, "first_text_p50_ms")
	b.ReportMetric(float64(ttft[len(ttft)*95/100].Microseconds())/1000, "first_text_p95_ms")
	b.ReportMetric(slices.Max(perStream)/1024, "KiB/open_stream")
}
