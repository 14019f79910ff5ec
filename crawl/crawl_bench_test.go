package crawl_test

import (
	"context"
	"testing"

	"github.com/miasrbija/mia/crawl"
)

// BenchmarkCrawl measures a first crawl of the local copy of the demo
// site (pacing off) and a re-crawl of it with nothing changed, which asks
// only conditional questions. Each first crawl starts from an empty
// state: its source name is new each time.
func BenchmarkCrawl(b *testing.B) {
	bb := setup(b, false)
	ctx := context.Background()
	n := 0
	fresh := func() crawl.Source {
		n++
		src := bb.src
		src.Name = "bench-" + string(rune('a'+n%26)) + string(rune('a'+n/26%26)) + string(rune('a'+n/676%26))
		return src
	}
	b.Run("first", func(b *testing.B) {
		pages := 0
		for b.Loop() {
			b.StopTimer()
			src := fresh()
			// Documents are keyed by URL: clear them so each crawl embeds.
			for _, s := range bb.sourcesB(b) {
				if err := bb.docs.RemoveDocument(ctx, muni, s); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			run, err := bb.crawler.Run(ctx, src, bb.runner, crawl.Options{})
			if err != nil || run.Added == 0 {
				b.Fatalf("run: %v %+v", err, run)
			}
			pages += run.Seen
		}
		b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	})
	b.Run("unchanged", func(b *testing.B) {
		src := fresh()
		if _, err := bb.crawler.Run(ctx, src, bb.runner, crawl.Options{}); err != nil {
			b.Fatal(err)
		}
		pages := 0
		for b.Loop() {
			run, err := bb.crawler.Run(ctx, src, bb.runner, crawl.Options{})
			if err != nil || run.Added+run.Changed != 0 {
				b.Fatalf("run: %v %+v", err, run)
			}
			pages += run.Seen
		}
		b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	})
}
