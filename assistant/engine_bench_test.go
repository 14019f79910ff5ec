package assistant_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
)

// BenchmarkTurnOffline reports the engine's own cost per turn in offline
// mode on the demo corpus: routing, guards, memory writes, search and the
// extractive answer, everything a model would add to.
func BenchmarkTurnOffline(b *testing.B) {
	bd := setupB(b)
	e, err := assistant.New(bd.cfg)
	if err != nil {
		b.Fatal(err)
	}
	questions := []string{
		"Do kada se plaća porez na imovinu?", "Где се подноси захтев за дечији додатак?", "uvjerenje o drzavljanstvu taksa",
		"novcana socijalna pomoc uslovi", "ne radi ulična rasveta u mojoj ulici", "koliko košta izvod iz matične knjige rođenih",
		"Koliko košta avionska karta do Beča?", "zdravo", "kako se prijavljuje kvar na vodovodu", "šalter 8 radno vreme",
	}
	var lat []time.Duration
	i := 0
	for b.Loop() {
		q := questions[i%len(questions)]
		start := time.Now()
		_, err := e.Handle(context.Background(), assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb,
			UserID: fmt.Sprintf("bench-%d", i%50), Text: q}, nil)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95_ms")
}
