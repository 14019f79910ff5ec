package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

// writeScans writes the two demo notices as scanned PDFs into dir and
// returns their paths and total page count.
func writeScans(b *testing.B, dir string) ([]string, int) {
	b.Helper()
	face := scanFace(b, scanFontPt)
	var paths []string
	pages := 0
	for i, cyrillic := range []bool{true, false} {
		pp := renderPages(b, demoNotice(b, cyrillic), face)
		pages += len(pp)
		p := filepath.Join(dir, fmt.Sprintf("sken-%d.pdf", i))
		if err := os.WriteFile(p, scannedPDF(b, pp), 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths, pages
}

// BenchmarkOCRPages reports scanned pages read per second (render at 300
// dpi, tesseract with the script chosen per page, cleaning and structure)
// with one worker, the default on 2 cores, and with two.
func BenchmarkOCRPages(b *testing.B) {
	requireOCR(b)
	paths, pages := writeScans(b, b.TempDir())
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			lim := ingest.Limits{OCRWorkers: workers}
			n := 0
			for b.Loop() {
				for _, p := range paths {
					if _, err := ingest.LoadFile(context.Background(), p, lim); err != nil {
						b.Fatal(err)
					}
				}
				n += pages
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkTurnsDuringOCR times offline assistant turns on the demo
// corpus alone, then the same turns while an OCR ingest of scans runs
// into the same database, side by side, and reports the latency ratios
// (during/alone): OCR must not block answering.
func BenchmarkTurnsDuringOCR(b *testing.B) {
	requireOCR(b)
	db, _ := pgtest.NewDB(b)
	store := docstore.New(db)
	emb := rag.NewHashEmbedder()
	if _, err := (&ingest.Runner{Store: store, Embedder: emb, Municipality: "sombor"}).Run(context.Background(), []string{"../corpus/sombor"}); err != nil {
		b.Fatal(err)
	}
	reg, err := municipality.Load("")
	if err != nil {
		b.Fatal(err)
	}
	eng, err := assistant.New(assistant.Config{Municipalities: reg, Search: rag.NewSearcher(store, emb), Memory: convstore.New(db)})
	if err != nil {
		b.Fatal(err)
	}
	scans, _ := writeScans(b, b.TempDir())
	questions := []string{
		"Do kada se plaća porez na imovinu?", "Где се подноси захтев за дечији додатак?", "uvjerenje o drzavljanstvu taksa",
		"novcana socijalna pomoc uslovi", "ne radi ulična rasveta u mojoj ulici", "koliko košta izvod iz matične knjige rođenih",
		"kako se prijavljuje kvar na vodovodu", "šalter 8 radno vreme",
	}
	turn := func(i int) time.Duration {
		start := time.Now()
		_, err := eng.Handle(context.Background(), assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb,
			UserID: fmt.Sprintf("bench-%d", i%50), Text: questions[i%len(questions)]}, nil)
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}

	var alone []time.Duration
	for b.Loop() {
		alone = append(alone, turn(len(alone)))
	}

	// The OCR ingest: the scans under new names, round after round, until
	// the turns are done. rounds is read after wg.Wait.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var rounds int
	started, firstDone := make(chan struct{}), make(chan struct{})
	wg.Go(func() {
		r := &ingest.Runner{Store: store, Embedder: emb, Municipality: "sombor"}
		for ctx.Err() == nil {
			dir := filepath.Join(b.TempDir(), fmt.Sprintf("r%d", rounds))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Error(err)
				return
			}
			for _, p := range scans {
				data, _ := os.ReadFile(p)
				// A new name each round: an unchanged source would be skipped.
				os.WriteFile(filepath.Join(dir, fmt.Sprintf("r%d-%s", rounds, filepath.Base(p))), data, 0o644)
			}
			if rounds == 0 {
				close(started)
			}
			rounds++
			sum, err := r.Run(ctx, []string{dir})
			if err == nil && sum.Failed > 0 {
				b.Errorf("ocr ingest: %+v", sum.Files)
			}
			if rounds == 1 {
				close(firstDone)
			}
		}
	})
	<-started
	// At least as many turns as alone, and for the whole first OCR round.
	var during []time.Duration
	for i := 0; ; i++ {
		during = append(during, turn(i))
		if len(during) < len(alone) {
			continue
		}
		select {
		case <-firstDone:
		default:
			continue
		}
		break
	}
	cancel()
	wg.Wait()

	p := func(d []time.Duration, q int) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[len(s)*q/100].Microseconds()) / 1000
	}
	b.ReportMetric(p(alone, 50), "alone_p50_ms")
	b.ReportMetric(p(during, 50), "ocr_p50_ms")
	b.ReportMetric(p(during, 50)/p(alone, 50), "p50_ratio")
	b.ReportMetric(p(during, 95)/p(alone, 95), "p95_ratio")
	b.ReportMetric(float64(rounds), "ocr_rounds")
}
