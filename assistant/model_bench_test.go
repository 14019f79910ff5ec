package assistant_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/llm/testserver"
)

// BenchmarkModelFirstText measures how soon a citizen sees text of a model
// answer: a local server streams a three-sentence cited answer one word
// per event with a fixed delay per word (a model generating about 40
// words a second). first_text_ms is the median time from the turn's start
// to the first delta event, turn_ms the median whole turn.
func BenchmarkModelFirstText(b *testing.B) {
	const perWord = 25 * time.Millisecond
	const answer = "Porez na imovinu plaća se tromesečno, u četiri jednake rate tokom godine [ID1]. " +
		"Rok za plaćanje prve rate je 14. februar tekuće godine [ID1]. " +
		"Rešenje o visini poreza izdaje Poreska uprava grada [ID1]."
	bd := setupB(b)
	srv := testserver.New(b)
	chat, err := llm.NewChatClient(llm.Config{BaseURL: srv.URL, ChatModel: "test-model"})
	if err != nil {
		b.Fatal(err)
	}
	cfg := bd.cfg
	cfg.Chat = chat
	e, err := assistant.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var first, whole []time.Duration
	i := 0
	for b.Loop() {
		srv.Enqueue(testserver.Func(func(req testserver.Request) testserver.Response {
			ids := passageIDs(req)
			if len(ids) == 0 {
				return testserver.Text("nema odlomaka")
			}
			return testserver.Text(strings.ReplaceAll(answer, "ID1", ids[0])).WithTokenDelay(perWord)
		}))
		start := time.Now()
		var firstAt time.Duration
		r, err := e.Handle(context.Background(), assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb,
			UserID: fmt.Sprintf("ttft-%d", i), Text: "Do kada se plaća porez na imovinu?"}, func(ev assistant.Event) {
			if ev.Kind == assistant.EventDelta && ev.Text != "" && firstAt == 0 {
				firstAt = time.Since(start)
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		if r.Status != assistant.StatusAnswered || len(r.Citations) == 0 {
			b.Fatalf("not a cited model answer: %s %q", r.Status, r.Text)
		}
		first = append(first, firstAt)
		whole = append(whole, time.Since(start))
		i++
	}
	b.ReportMetric(median(first), "first_text_ms")
	b.ReportMetric(median(whole), "turn_ms")
}

func median(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)/2].Microseconds()) / 1000
}

// passageIDs returns the opaque passage ids a request offered, in order.
func passageIDs(req testserver.Request) []string {
	var ids []string
	for _, m := range req.Messages {
		for _, mm := range passageID.FindAllStringSubmatch(m.Content, -1) {
			ids = append(ids, mm[1])
		}
	}
	return ids
}
